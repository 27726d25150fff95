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
 * Flooding, as deployed (every concurrent request in a Lambda instance of its own): the reader
 * and each flood are processes of their own (lib/denials-worker.ts), each invoking the GET
 * handler in process against the same DynamoDB Local and local KMS endpoint, so they share only
 * DynamoDB (and the hot secret's items and lanes), never an event loop; this process (the local
 * KMS endpoint, the JWKS, the stream poller) serves neither's requests. A reader's paced GETs of a
 * hot secret (it may read it) alone, then while a flood process sends GETs of the same secret that
 * are denied: (a) a token without the operation's scope, (b) a `user` token without the read role
 * (one caller: its first 100 denials of the hour are appended, the rest only counted: measured
 * beyond the budget (b) and during its first 100 (b′)), a control (c) in which every denial is
 * appended (fresh callers every 100 requests), as every denial was before the budget, and a
 * reference (r): the same rate of permitted GETs of another secret, to tell what any load of that
 * rate costs the reader on these shared local parts. All floods at one rate; rounds in
 * alternating order, the reader alone between them; CPU use of the machine and of each process
 * over every reader phase, from /proc. Loopback only, bounded in rate, count and time.
 */
import { execFileSync, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { LOCAL_AWS, LOCAL_TABLE } from '../../../infra/local/dynamodb-local.ts';
import type { LocalRuntime } from '../../../infra/local/runtime.ts';
import type { AuditEvent } from '../../../shared/domain/audit.ts';
import type { ApiEvent, ApiResult } from '../../../shared/http/types.ts';
import { DynamoAuditLog } from '../../../shared/store/dynamo-audit-log.ts';
import { denialCounterKey } from '../../../shared/store/keys.ts';
import { apiEvent, lambdaContext } from '../../support/api-event.ts';
import type { FloodFigures, FloodPlan, WorkerMessage } from './denials-worker.ts';
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
  key: string;
  flood: string;
  reader: Spread;
  figures: FloodFigures;
  /** Entries the flood's callers left in the hot secret's trail. */
  appended: number;
  /** Denials on the flood's callers' hourly counters. */
  counted: number;
  /** CPU use over the reader's phases under this flood. */
  cpu: CpuShare;
}

export interface DenialsResult {
  timing: TimingRow[];
  alone: Spread;
  aloneCpu: CpuShare;
  alonePhases: number;
  floods: FloodRow[];
  budget: number;
  flood: { ratePerSecond: number; maxInFlight: number; maxSeconds: number };
  rounds: number;
  readerRate: number;
  readerSamples: number;
  cores: number;
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
  options: {
    pairs: number;
    readerSamples: number;
    /** Reads per second the reader starts (one at a time). */
    readerRate: number;
    floodRate: number;
    floodSeconds: number;
    rounds: number;
  },
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

  // ---- Flooding: the reader and each flood in processes of their own (lib/denials-worker.ts).
  const hot = freshName();
  await createSecret(hot, { user: 'app', password: 'y'.repeat(32) });
  const other = freshName();
  await createSecret(other, { user: 'app', password: 'z'.repeat(32) });
  const readerToken = await mint({ sub: `reader-${runId}`, scopes: ['user'], roles: ['app'] });
  const dynamoPid = dynamoDbLocalPid();
  const reader = startWorker();
  reader.send({ kind: 'reader', path: path(hot), token: readerToken, warmup: 50 });
  await reader.next('ready');

  const periodMs = 1000 / options.readerRate;
  /** One phase of the reader (paced, sequential), ended early when `end` resolves; CPU over it. */
  const readerPhase = async (floodPid?: number, end?: Promise<unknown>) => {
    const before = cpuSnapshot(reader.child.pid!, floodPid, dynamoPid);
    reader.send({ kind: 'read', samples: options.readerSamples, periodMs });
    const times = reader.next('times');
    if (end)
      void Promise.race([times, end.then(() => 'ended')]).then((first) => {
        if (first === 'ended') reader.send({ kind: 'stop-read' });
      });
    const { times: list } = (await times) as { times: number[] };
    return { times: list, cpu: cpuDelta(before, cpuSnapshot(reader.child.pid!, floodPid, dynamoPid)) };
  };
  const floodPlan = { ratePerSecond: options.floodRate, maxInFlight: 16, maxSeconds: options.floodSeconds };
  /** A flood in a process of its own, and a reader phase beside it; the flood stops when the reader is done. */
  const underFlood = async (
    target: string,
    tokens: string[],
    perToken: number,
    maxRequests: number,
    settleMs: number,
  ) => {
    const flood = startWorker();
    const plan: FloodPlan = { path: path(target), tokens, perToken, maxRequests, ...floodPlan };
    flood.send({ kind: 'flood', plan });
    await flood.next('ready');
    const done = flood.next('done') as Promise<{ figures: FloodFigures }>;
    // Let the flood reach its pace before the reader starts.
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const phase = await readerPhase(flood.child.pid!, done);
    // It may have ended already, at its count cap, and disconnected.
    if (flood.child.connected) flood.send({ kind: 'stop' });
    const { figures } = await done;
    await flood.exited;
    return { ...phase, figures };
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
  const cases: FloodCase[] = [
    {
      key: 'a',
      flood: '(a) token without the scope: 403, never touches the trail',
      sub: 'flood-a',
      scopes: ['vaultAdd'],
      callers: 1,
      perToken: Number.MAX_SAFE_INTEGER,
      maxRequests: steady,
    },
    {
      key: 'b',
      flood: `(b) user token without the read role, beyond its ${BUDGET} of the hour: 404, counted only`,
      sub: 'flood-b',
      scopes: ['user'],
      callers: 1,
      perToken: Number.MAX_SAFE_INTEGER,
      maxRequests: steady,
      spent: true,
    },
    {
      key: 'b′',
      flood: `(b′) the same, its first ${BUDGET} of the hour (appended; reader sampled while they last)`,
      sub: 'flood-b-first',
      scopes: ['user'],
      callers: 1,
      perToken: BUDGET,
      maxRequests: BUDGET,
    },
    {
      key: 'c',
      flood: `control (c), old behaviour: every denial appended to the hot secret's lanes (a fresh caller every ${BUDGET})`,
      sub: 'flood-c',
      scopes: ['user'],
      callers: Math.ceil(steady / BUDGET) + 1,
      perToken: BUDGET,
      maxRequests: steady,
    },
    {
      key: 'r',
      flood:
        'reference (r): the same rate of permitted GETs of another secret (200, each appended to its trail)',
      sub: 'load-r',
      scopes: ['user'],
      roles: ['app'],
      target: other,
      callers: 1,
      perToken: Number.MAX_SAFE_INTEGER,
      maxRequests: steady,
    },
  ];
  // Rounds in alternating order, so a drift (a neighbour on the CPU, a growing table) weighs on all.
  const order = Array.from({ length: options.rounds }, (_, round) =>
    round % 2 === 0 ? cases : [...cases].reverse(),
  ).flatMap((list, round) => list.map((flood) => ({ flood, round })));

  const alone = { times: [] as number[], cpu: [] as CpuShare[] };
  const pooled = new Map<string, { times: number[]; cpu: CpuShare[]; runs: FloodRun[] }>();
  const aloneOnce = async () => {
    const { times, cpu } = await readerPhase();
    alone.times.push(...times);
    alone.cpu.push(cpu);
  };
  await aloneOnce();
  for (const { flood, round } of order) {
    const prefix = `${flood.sub}-${round}-${runId}`;
    const tokens = await Promise.all(
      Array.from({ length: flood.callers }, (_, i) =>
        mint({ sub: `${prefix}-${i}`, scopes: flood.scopes, roles: flood.roles ?? ['other'] }),
      ),
    );
    // A caller beyond its budget: spend it first, on names that do not exist.
    if (flood.spent) for (let i = 0; i < BUDGET; i++) await call(tokens[0]!, freshName(), 404);
    const since = new Date().toISOString();
    const before = await countedFor(prefix, flood.callers, since);
    const { times, cpu, figures } = await underFlood(
      flood.target ?? hot,
      tokens,
      flood.perToken,
      flood.maxRequests,
      flood.maxRequests === BUDGET ? 0 : 300,
    );
    const entry = pooled.get(flood.key) ?? { times: [], cpu: [], runs: [] };
    entry.times.push(...times);
    entry.cpu.push(cpu);
    entry.runs.push({
      figures,
      appended: await appendedBy(prefix, since),
      counted: (await countedFor(prefix, flood.callers, since)) - before,
    });
    pooled.set(flood.key, entry);
    await aloneOnce();
  }
  reader.send({ kind: 'exit' });
  await reader.exited;
  db.destroy();

  const floods: FloodRow[] = cases.map((flood) => {
    const { times, cpu, runs } = pooled.get(flood.key)!;
    const statuses: Record<string, number> = {};
    for (const run of runs)
      for (const [status, count] of Object.entries(run.figures.statuses))
        statuses[status] = (statuses[status] ?? 0) + count;
    return {
      key: flood.key,
      flood: flood.flood,
      reader: spread(times),
      figures: {
        sent: runs.reduce((sum, run) => sum + run.figures.sent, 0),
        seconds: runs.reduce((sum, run) => sum + run.figures.seconds, 0),
        late: runs.reduce((sum, run) => sum + run.figures.late, 0),
        statuses,
      },
      appended: runs.reduce((sum, run) => sum + run.appended, 0),
      counted: runs.reduce((sum, run) => sum + run.counted, 0),
      cpu: poolCpu(cpu),
    };
  });
  return {
    timing,
    alone: spread(alone.times),
    aloneCpu: poolCpu(alone.cpu),
    alonePhases: alone.cpu.length,
    floods,
    budget: BUDGET,
    flood: floodPlan,
    rounds: options.rounds,
    readerRate: options.readerRate,
    readerSamples: options.readerSamples,
    cores: cpus().length,
  };
}

interface FloodCase {
  key: string;
  flood: string;
  sub: string;
  scopes: string[];
  callers: number;
  perToken: number;
  maxRequests: number;
  spent?: boolean;
  roles?: string[];
  target?: string;
}

interface FloodRun {
  figures: FloodFigures;
  appended: number;
  counted: number;
}

/** A worker process (lib/denials-worker.ts) and its messages, taken in order of kind. */
function startWorker() {
  const child = fork(new URL('./denials-worker.ts', import.meta.url), [], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const queue: Array<{ kind: string }> = [];
  let wake = () => {};
  child.on('message', (message: { kind: string }) => {
    queue.push(message);
    wake();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const next = async (kind: string): Promise<unknown> => {
    for (;;) {
      const at = queue.findIndex((message) => message.kind === kind);
      if (at >= 0) return queue.splice(at, 1)[0];
      await Promise.race([
        new Promise<void>((resolve) => {
          wake = resolve;
        }),
        exited.then((code) => {
          throw new Error(`denials worker exited (${code}) while awaiting '${kind}'`);
        }),
      ]);
    }
  };
  return { child, exited, next, send: (message: WorkerMessage) => child.send(message) };
}

// ---- CPU use, from /proc (Linux): the machine's, and that of each process of the benchmark.

/** Cores busy on average over a phase (1 = one core fully busy), by whom. */
export interface CpuShare {
  seconds: number;
  /** All processes on the machine, this benchmark's and anyone else's. */
  machine: number;
  reader: number;
  flood: number;
  dynamo: number;
  /** The benchmark's own process: the local KMS endpoint, the JWKS, the stream poller. */
  main: number;
  /** The rest of the machine: processes outside this benchmark. */
  others: number;
}

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process, in clock ticks (0 once it is gone). */
function processTicks(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Busy ticks of all cores: user, nice, system, irq, softirq, steal (not idle, not iowait). */
function machineTicks(): number {
  try {
    const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = values.map(Number);
    return user! + nice! + system! + irq! + softirq! + steal!;
  } catch {
    return Number.NaN;
  }
}

/** DynamoDB Local's JVM: the `java` process among this process's descendants. */
function dynamoDbLocalPid(): number | undefined {
  try {
    const parents = new Map<number, number>();
    const names = new Map<number, string>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        names.set(Number(entry), stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
        parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      } catch {
        // gone meanwhile
      }
    }
    const descends = (pid: number): boolean => {
      for (let at = parents.get(pid); at !== undefined && at > 1; at = parents.get(at))
        if (at === process.pid) return true;
      return false;
    };
    return [...names].find(([pid, name]) => name === 'java' && descends(pid))?.[0];
  } catch {
    return undefined;
  }
}

interface CpuSnapshot {
  at: number;
  machine: number;
  reader: number;
  flood: number;
  dynamo: number;
  main: number;
}

const cpuSnapshot = (readerPid: number, floodPid: number | undefined, dynamoPid: number | undefined) => ({
  at: performance.now(),
  machine: machineTicks(),
  reader: processTicks(readerPid),
  flood: processTicks(floodPid),
  dynamo: processTicks(dynamoPid),
  main: processTicks(process.pid),
});

function cpuDelta(before: CpuSnapshot, after: CpuSnapshot): CpuShare {
  const seconds = (after.at - before.at) / 1000;
  const cores = (key: keyof Omit<CpuSnapshot, 'at'>) =>
    (after[key] - before[key]) / TICKS_PER_SECOND / seconds;
  const share = {
    seconds,
    machine: cores('machine'),
    reader: cores('reader'),
    flood: cores('flood'),
    dynamo: cores('dynamo'),
    main: cores('main'),
  };
  return {
    ...share,
    others: Math.max(0, share.machine - share.reader - share.flood - share.dynamo - share.main),
  };
}

/** Phases pooled, each weighted by its length. */
function poolCpu(phases: CpuShare[]): CpuShare {
  const seconds = phases.reduce((sum, phase) => sum + phase.seconds, 0);
  const mean = (key: keyof Omit<CpuShare, 'seconds'>) =>
    phases.reduce((sum, phase) => sum + phase[key] * phase.seconds, 0) / seconds;
  return {
    seconds,
    machine: mean('machine'),
    reader: mean('reader'),
    flood: mean('flood'),
    dynamo: mean('dynamo'),
    main: mean('main'),
    others: mean('others'),
  };
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
  const reference = result.floods.find((row) => row.key === 'r')!;
  const pct = (cores: number) => `${Math.round((cores / result.cores) * 100)} %`;
  const core = (cores: number) => cores.toFixed(2);
  const cpuRow = (label: string, cpu: CpuShare) => [
    label,
    `${cpu.seconds.toFixed(0)} s`,
    `${core(cpu.machine)} (${pct(cpu.machine)})`,
    core(cpu.reader),
    core(cpu.flood),
    core(cpu.dynamo),
    core(cpu.main),
    core(cpu.others),
  ];
  const b = result.floods.find((row) => row.key === 'b')!;
  const verdict = (value: number, base: number) => (value / base <= 1.5 ? 'met' : '**missed**');
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

**Audit flooding.** As deployed, where every concurrent request runs in a Lambda instance of its
own: the reader and each flood are processes of their own, each importing the deployed GET
handler and invoking it in process, against the same DynamoDB Local table and local KMS endpoint.
They share DynamoDB (and the hot secret's items and audit lanes), never an event loop; the
benchmark's own process (local KMS endpoint, JWKS, stream poller) serves neither's requests. The
reader (one warm process for the whole run) GETs a hot secret it may read, one at a time, started
every ${(1000 / result.readerRate).toFixed(0)} ms (${result.readerRate}/s), up to ${result.readerSamples} per phase, alone and while a flood process (a fresh one per
phase) sends it GETs of the same secret that are denied, all floods and the reference at the same
pace: ${ratePerSecond} requests/s, at most ${maxInFlight} in flight, for at most ${maxSeconds} s, on loopback. ${result.rounds} round${result.rounds === 1 ? '' : 's'} of the five
floods${result.rounds > 1 ? ', in alternating order,' : ''} with a reader phase alone after each ("alone" pools ${result.alone.n} samples from ${result.alonePhases} phases
interleaved with the floods; each flood row pools its rounds). The reference (r) is the same rate of
permitted GETs of another secret (each appended to that secret's trail): what any load of that rate
costs the reader on this machine and DynamoDB Local, so "vs (r)" is the share of the slowdown that
denials add beyond it. The control (c) is the old behaviour (every denial appended to the hot
secret's lanes, by the real handler: a fresh caller every ${result.budget}), to show the benchmark sees the
mechanism. "appended" counts the flood callers' entries in the hot secret's trail, "counted" what
their hourly denial counters gained, "late" the flood requests started more than one period behind
schedule. Target: the reader within 1.5x of alone.

${table(
  [
    'reader',
    'n',
    'median',
    'p99',
    'median vs alone',
    'p99 vs alone',
    'median vs (r)',
    'p99 vs (r)',
    'flood sent',
    'flood rate',
    'late',
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
      x(result.alone.median, reference.reader.median),
      x(result.alone.p99, reference.reader.p99),
      '',
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
      x(row.reader.median, reference.reader.median),
      x(row.reader.p99, reference.reader.p99),
      row.figures.sent,
      `${(row.figures.sent / row.figures.seconds).toFixed(1)}/s`,
      row.figures.late,
      Object.entries(row.figures.statuses)
        .map(([status, count]) => `${status}: ${count}`)
        .join(', '),
      row.appended,
      row.counted,
    ]),
  ],
)}

(b), the denials an ordinary user can send without limit: median ${x(b.reader.median, result.alone.median)} and p99 ${x(b.reader.p99, result.alone.p99)} of alone
(target 1.5x: median ${verdict(b.reader.median, result.alone.median)}, p99 ${verdict(b.reader.p99, result.alone.p99)}); against the same rate of permitted reads (r), median
${x(b.reader.median, reference.reader.median)} and p99 ${x(b.reader.p99, reference.reader.p99)}.

**CPU during the reader's phases** (from /proc: cores busy on average, 1.00 = one core; the machine
has ${result.cores}). "machine" is every process on it, including any outside this benchmark ("others");
"main" is the benchmark's own process (local KMS endpoint, JWKS, stream poller). The benchmark's
own processes (reader, flood, DynamoDB Local, main) are what a flood rate costs; "others" is outside
its control and varies from phase to phase: read a p99 beside it, since tails follow it.

${table(
  ['phase', 'time', 'machine', 'reader', 'flood', 'DynamoDB Local', 'main', 'others'],
  [cpuRow('alone', result.aloneCpu), ...result.floods.map((row) => cpuRow(`flood (${row.key})`, row.cpu))],
)}
`;
}
