/**
 * Denials (issue 13, items 3 and 4), through the deployed configuration's GET handler invoked in
 * process against DynamoDB Local and the local KMS endpoint, as lib/handlers.ts does.
 *
 * Timing: a 404 for a name the caller may not see against a 404 for a name that does not exist.
 * Both are recorded alike (the caller's hourly denial counter, then an audit append while within
 * AUDIT_DENIALS_PER_HOUR), so the two latency distributions should be indistinguishable. Hidden and
 * missing are sampled in pairs, in random order within each pair, with the same token; each missing
 * name is fresh (as an attacker's guesses are), the hidden one has a trail. Rows: within the
 * caller's budget (callers change every 40 pairs, so each stays within its first 100 denials of the
 * hour), beyond it (one caller whose budget is spent first), a hidden secret with a large value,
 * and a control with the old behaviour (the hidden probe followed by one more audit append, the
 * missing one without), to show the test can see a difference of one append.
 *
 * Flooding: a reader's GET of a hot secret (it may read it) alone, then while another process
 * floods GETs of the same secret that are denied: (a) a token without the operation's scope,
 * (b) a `user` token without the read role (one caller: its first 100 denials of the hour are
 * appended, the rest only counted: measured beyond the budget (b) and during its first 100 (b′)),
 * a control (c) in which every denial is appended (fresh callers every 100 requests), as every
 * denial was before the budget, and a reference (r): the same rate of permitted GETs of another
 * secret, to tell what any load of that rate costs the reader on these shared local parts.
 * Loopback only, bounded in rate, count and time.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { LOCAL_AWS } from '../../../infra/local/dynamodb-local.ts';
import { LOCAL_TABLE, type LocalRuntime } from '../../../infra/local/runtime.ts';
import type { AuditEvent } from '../../../shared/domain/audit.ts';
import type { ApiEvent, ApiResult } from '../../../shared/http/types.ts';
import { DynamoAuditLog } from '../../../shared/store/dynamo-audit-log.ts';
import { denialCounterKey } from '../../../shared/store/keys.ts';
import { apiEvent, lambdaContext } from '../../support/api-event.ts';
import type { FloodFigures, FloodPlan } from './denials-flood.ts';
import { kolmogorovSmirnov, type Spread, spread } from './stats.ts';

type Handler = (event: ApiEvent, context: Context) => Promise<ApiResult>;
type Mint = (request: { sub: string; scopes: string[]; roles?: string[] }) => Promise<string>;

export interface TimingRow {
  case: string;
  hidden: Spread;
  missing: Spread;
  d: number;
  dCrit: number;
}

export interface FloodRow {
  flood: string;
  reader: Spread;
  figures: FloodFigures;
  /** Entries the flood's callers left in the hot secret's trail. */
  appended: number;
  /** Denials on the flood's callers' hourly counters. */
  counted: number;
}

export interface DenialsResult {
  timing: TimingRow[];
  alone: Spread;
  floods: FloodRow[];
  budget: number;
  flood: { ratePerSecond: number; maxInFlight: number; maxSeconds: number };
}

/** The denial budget the handlers run with (AUDIT_DENIALS_PER_HOUR, default 100). */
const BUDGET = 100;
/** Pairs per within-budget caller: two denials a pair, so 80 of its 100. */
const PAIRS_PER_CALLER = 40;

const path = (name: string) => `/vault/api/v1/secrets/${encodeURIComponent(name)}`;
/** Same length as the hidden names: `bench/denials/` and a UUID. */
const freshName = () => `bench/denials/${randomUUID()}`;
const hour = () => new Date().toISOString().slice(0, 13);
const shuffle = <T>(items: T[]) => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
};

export async function measureDenials(
  runtime: LocalRuntime,
  ownerToken: string,
  mint: Mint,
  options: { pairs: number; readerSamples: number; floodRate: number; floodSeconds: number },
): Promise<DenialsResult> {
  const [get, create] = (await Promise.all(
    ['get-secret', 'create-secret'].map(
      async (id) => ((await import(`../../../lambdas/${id}/handler.ts`)) as { handler: Handler }).handler,
    ),
  )) as [Handler, Handler];
  const call = async (token: string, name: string, expected: number) => {
    const result = await get(apiEvent('GET', path(name), { token }), lambdaContext());
    if (result.statusCode !== expected)
      throw new Error(`GET ${name}: ${result.statusCode}, expected ${expected}: ${result.body}`);
  };
  const createSecret = async (name: string, data: Record<string, string>) => {
    const body = { name, data, read_roles: [{ id: 'app' }], write_roles: [{ id: 'app' }] };
    const result = await create(
      apiEvent('POST', '/vault/api/v1/secrets', { token: ownerToken, body }),
      lambdaContext(),
    );
    if (result.statusCode !== 201) throw new Error(`creating ${name}: ${result.statusCode} ${result.body}`);
  };
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...LOCAL_AWS, endpoint: runtime.dynamoEndpoint }),
    {
      marshallOptions: { removeUndefinedValues: true },
    },
  );
  const trail = new DynamoAuditLog(db, { tableName: LOCAL_TABLE, retentionDays: 1 });
  const runId = randomUUID().slice(0, 8);
  const prober = (sub: string) => mint({ sub: `${sub}-${runId}`, scopes: ['user'], roles: ['other'] });

  // ---- The secrets: a hidden one with a trail (its owner reads it), and a large one.
  const hidden = freshName();
  const large = freshName();
  await createSecret(hidden, { user: 'app', password: 'x'.repeat(32) });
  await createSecret(large, { blob: 'x'.repeat(60_000) });
  for (let i = 0; i < 40; i++) {
    await call(ownerToken, hidden, 200);
    await call(ownerToken, large, 200);
  }

  /** A caller over its budget for the rest of the run: spends it now, and again if the hour turns. */
  const overBudget = async (sub: string) => {
    const token = await prober(sub);
    let spentIn = '';
    return async () => {
      if (spentIn !== hour()) {
        spentIn = hour();
        for (let i = 0; i <= BUDGET; i++) await call(token, freshName(), 404);
      }
      return token;
    };
  };
  /** Callers within their budget: a fresh one every PAIRS_PER_CALLER pairs. */
  const withinBudget = (sub: string) => {
    let used = 0;
    let token: Promise<string> | undefined;
    return () => {
      if (used++ % PAIRS_PER_CALLER === 0) token = prober(`${sub}-${used}`);
      return token!;
    };
  };

  /** Hidden and missing in pairs, random order within each pair, after a warm-up of 30 pairs. */
  const compare = async (
    label: string,
    tokenFor: () => Promise<string>,
    hiddenProbe: (token: string) => Promise<unknown>,
    missingProbe: (token: string) => Promise<unknown>,
  ): Promise<TimingRow> => {
    const times = { hidden: [] as number[], missing: [] as number[] };
    for (let i = -30; i < options.pairs; i++) {
      const token = await tokenFor();
      const order = shuffle(['hidden', 'missing'] as const);
      for (const which of order) {
        const started = performance.now();
        await (which === 'hidden' ? hiddenProbe(token) : missingProbe(token));
        if (i >= 0) times[which].push(performance.now() - started);
      }
    }
    return {
      case: label,
      hidden: spread(times.hidden),
      missing: spread(times.missing),
      ...kolmogorovSmirnov(times.hidden, times.missing),
    };
  };
  const probeOf = (name: () => string) => (token: string) => call(token, name(), 404);

  const timing: TimingRow[] = [];
  timing.push(
    await compare(
      `within the caller's budget (counter + audit append)`,
      withinBudget('probe-within'),
      probeOf(() => hidden),
      probeOf(freshName),
    ),
  );
  timing.push(
    await compare(
      `beyond the caller's budget (counter only)`,
      await overBudget('probe-over'),
      probeOf(() => hidden),
      probeOf(freshName),
    ),
  );
  timing.push(
    await compare(
      'hidden secret of 60 KB, within the budget',
      withinBudget('probe-large'),
      probeOf(() => large),
      probeOf(freshName),
    ),
  );
  // The old behaviour, emulated: beyond the budget both do the counter only; the hidden probe then
  // appends a denial as the old code did, the missing one does nothing more (as the old code).
  const oldAppend = (token: string) => {
    const event: AuditEvent = {
      action: 'read',
      outcome: 'denied',
      secret: { name: hidden },
      actor: `probe-old-${runId}`,
      reason: 'Secret not found',
      traceId: randomUUID(),
      sourceIp: '127.0.0.1',
      at: new Date().toISOString(),
    };
    return call(token, hidden, 404).then(() => trail.append(event));
  };
  timing.push(
    await compare(
      'control, old behaviour: hidden + 1 audit append, missing without',
      await overBudget('probe-old'),
      oldAppend,
      probeOf(freshName),
    ),
  );

  // ---- Flooding.
  const hot = freshName();
  await createSecret(hot, { user: 'app', password: 'y'.repeat(32) });
  const other = freshName();
  await createSecret(other, { user: 'app', password: 'z'.repeat(32) });
  const readerToken = await mint({ sub: `reader-${runId}`, scopes: ['user'], roles: ['app'] });
  const read = () => call(readerToken, hot, 200);
  for (let i = 0; i < 50; i++) await read();
  /** The reader, sequential, until it has its samples or `over()` says the flood has ended. */
  const readerPhase = async (over = () => false) => {
    const times: number[] = [];
    while (times.length < options.readerSamples && !over()) {
      const started = performance.now();
      await read();
      times.push(performance.now() - started);
    }
    return times;
  };
  const floodPlan = { ratePerSecond: options.floodRate, maxInFlight: 16, maxSeconds: options.floodSeconds };
  /** Runs a flood in a process of its own and the reader beside it; the flood stops when the reader is done. */
  const underFlood = async (
    target: string,
    tokens: string[],
    perToken: number,
    maxRequests: number,
    settleMs: number,
  ) => {
    const child = fork(new URL('./denials-flood.ts', import.meta.url), [], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const messages: Array<{ kind: string; figures?: FloodFigures }> = [];
    let wake = () => {};
    child.on('message', (message: { kind: string; figures?: FloodFigures }) => {
      messages.push(message);
      wake();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const next = async (kind: string) => {
      for (;;) {
        const found = messages.find((message) => message.kind === kind);
        if (found) return found;
        await Promise.race([
          new Promise<void>((resolve) => {
            wake = resolve;
          }),
          exited.then((code) => {
            throw new Error(`flood exited (${code})`);
          }),
        ]);
      }
    };
    const plan: FloodPlan = { path: path(target), tokens, perToken, maxRequests, ...floodPlan };
    child.send({ kind: 'start', plan });
    await next('ready');
    // Let the flood reach its pace before the reader starts.
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const times = await readerPhase(() => messages.some((message) => message.kind === 'done'));
    child.send({ kind: 'stop' });
    const { figures } = await next('done');
    await exited;
    return { times, figures: figures! };
  };
  const appendedBy = async (prefix: string, since: string) => {
    const until = new Date().toISOString();
    const { count } = await trail.query({ secret: { name: hot }, since, until, offset: 0, limit: 1 });
    const all = await trail.query({ secret: { name: hot }, since, until, offset: 0, limit: count });
    return all.items.filter((record) => record.actor.startsWith(prefix)).length;
  };
  /** The sum of the callers' hourly denial counters over the hours of `since` and now. */
  const countedFor = async (prefix: string, callers: number, since: string) => {
    const hours = [...new Set([since, new Date().toISOString()].map((at) => at.slice(0, 13)))];
    const counters = await Promise.all(
      Array.from({ length: callers }, (_, i) =>
        hours.map((h) =>
          db.send(
            new GetCommand({
              TableName: LOCAL_TABLE,
              Key: denialCounterKey(`${prefix}-${i}`, `${h}:00:00Z`),
            }),
          ),
        ),
      ).flat(),
    );
    return counters.reduce((sum, { Item }) => sum + Number(Item?.n ?? 0), 0);
  };

  const steady = Math.ceil(options.floodRate * options.floodSeconds);
  const cases: Array<{
    flood: string;
    sub: string;
    scopes: string[];
    callers: number;
    perToken: number;
    maxRequests: number;
    spent?: boolean;
    roles?: string[];
    target?: string;
  }> = [
    {
      flood: '(a) token without the scope: 403, never touches the trail',
      sub: 'flood-a',
      scopes: ['vaultAdd'],
      callers: 1,
      perToken: Number.MAX_SAFE_INTEGER,
      maxRequests: steady,
    },
    {
      flood: `(b) user token without the read role, beyond its ${BUDGET} of the hour: 404, counted only`,
      sub: 'flood-b',
      scopes: ['user'],
      callers: 1,
      perToken: Number.MAX_SAFE_INTEGER,
      maxRequests: steady,
      spent: true,
    },
    {
      flood: `(b′) the same, its first ${BUDGET} of the hour (appended; reader sampled while they last)`,
      sub: 'flood-b-first',
      scopes: ['user'],
      callers: 1,
      perToken: BUDGET,
      maxRequests: BUDGET,
    },
    {
      flood: `control (c): every denial appended, as before the budget (a fresh caller every ${BUDGET})`,
      sub: 'flood-c',
      scopes: ['user'],
      callers: Math.ceil(steady / BUDGET) + 1,
      perToken: BUDGET,
      maxRequests: steady,
    },
    {
      flood: 'reference (r): legitimate load, the same rate of permitted GETs of another secret (200)',
      sub: 'load-r',
      scopes: ['user'],
      roles: ['app'],
      target: other,
      callers: 1,
      perToken: Number.MAX_SAFE_INTEGER,
      maxRequests: steady,
    },
  ];
  const alone: number[] = [];
  const floods: FloodRow[] = [];
  alone.push(...(await readerPhase()));
  for (const flood of cases) {
    const prefix = `${flood.sub}-${runId}`;
    const tokens = await Promise.all(
      Array.from({ length: flood.callers }, (_, i) =>
        mint({ sub: `${prefix}-${i}`, scopes: flood.scopes, roles: flood.roles ?? ['other'] }),
      ),
    );
    // A caller beyond its budget: spend it first, on names that do not exist.
    if (flood.spent) for (let i = 0; i < BUDGET; i++) await call(tokens[0]!, freshName(), 404);
    const since = new Date().toISOString();
    const before = await countedFor(prefix, flood.callers, since);
    const { times, figures } = await underFlood(
      flood.target ?? hot,
      tokens,
      flood.perToken,
      flood.maxRequests,
      flood.maxRequests === BUDGET ? 0 : 300,
    );
    floods.push({
      flood: flood.flood,
      reader: spread(times),
      figures,
      appended: await appendedBy(prefix, since),
      counted: (await countedFor(prefix, flood.callers, since)) - before,
    });
    alone.push(...(await readerPhase()));
  }
  db.destroy();
  return { timing, alone: spread(alone), floods, budget: BUDGET, flood: floodPlan };
}

/** The report's section, also written alone into REPORT.md by `npm run bench -- --only denials`. */
export function denialsSection(result: DenialsResult, heading: string): string {
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  const x = (value: number, base: number) => `${(value / base).toFixed(2)}x`;
  const table = (head: string[], rows: Array<Array<string | number>>) =>
    [
      `| ${head.join(' | ')} |`,
      `|${head.map(() => '---').join('|')}|`,
      ...rows.map((row) => `| ${row.join(' | ')} |`),
    ].join('\n');
  const pairs = result.timing[0]!.hidden.n;
  const { ratePerSecond, maxInFlight, maxSeconds } = result.flood;
  return `${heading}

**Existence by timing.** A 404 for a secret the caller may not see against a 404 for a name that
does not exist (a fresh one each time, as an attacker guesses), through the GET handler in
process. ${pairs} pairs per row after 30 of warm-up, hidden and missing in random order within each
pair, with the same token. Two-sample Kolmogorov–Smirnov D against its critical value at α = 0.05,
D_crit = 1.358·√((n+m)/(n·m)): D < D_crit means the test cannot tell the two apart. Within the
budget, callers change every ${PAIRS_PER_CALLER} pairs (each stays within its first ${result.budget} denials of the hour);
beyond it, one caller whose ${result.budget} were spent first. The control emulates the old code (the hidden
probe followed by one audit append, the missing one without): it shows the test sees one append.

${table(
  [
    'case',
    'hidden median',
    'hidden p90',
    'missing median',
    'missing p90',
    'ratio median',
    'D',
    'D_crit',
    'verdict',
  ],
  result.timing.map((row) => [
    row.case,
    ms(row.hidden.median),
    ms(row.hidden.p90),
    ms(row.missing.median),
    ms(row.missing.p90),
    x(row.hidden.median, row.missing.median),
    row.d.toFixed(3),
    row.dCrit.toFixed(3),
    row.d < row.dCrit ? 'indistinguishable (D < D_crit)' : '**distinguishable** (D ≥ D_crit)',
  ]),
)}

**Audit flooding.** A reader's GET of a hot secret it may read (in process, sequential, up to
${result.alone.n / (result.floods.length + 1)} per phase) alone, and while another process floods GETs of the same secret that are
denied, paced at ${ratePerSecond} requests/s with at most ${maxInFlight} in flight, for at most ${maxSeconds} s, on loopback
(the reader's phases alternate with the floods; "alone" pools ${result.alone.n} samples from ${result.floods.length + 1} phases).
"appended" counts the flood callers' entries in the hot secret's trail, "counted" what their hourly
denial counters gained. The flood runs in a process of its own, as an attacker's requests run in
Lambda instances of their own, but here it shares this machine's cores with the reader and
DynamoDB Local, so part of any slowdown is CPU and DynamoDB Local, not the trail: the reference (r)
shows what the same rate of legitimate reads of another secret costs the reader. Target: the
reader within 1.5x of alone.

${table(
  [
    'reader',
    'n',
    'median',
    'p99',
    'ratio median',
    'ratio p99',
    'flood sent',
    'flood rate',
    'flood statuses',
    'appended to trail',
    'counted',
  ],
  [
    [
      'alone',
      result.alone.n,
      ms(result.alone.median),
      ms(result.alone.p99),
      '1.00x',
      '1.00x',
      '',
      '',
      '',
      '',
      '',
    ],
    ...result.floods.map((row) => [
      `under flood ${row.flood}`,
      row.reader.n,
      ms(row.reader.median),
      ms(row.reader.p99),
      x(row.reader.median, result.alone.median),
      x(row.reader.p99, result.alone.p99),
      row.figures.sent,
      `${(row.figures.sent / row.figures.seconds).toFixed(0)}/s`,
      Object.entries(row.figures.statuses)
        .map(([status, count]) => `${status}: ${count}`)
        .join(', '),
      row.appended,
      row.counted,
    ]),
  ],
)}
`;
}
