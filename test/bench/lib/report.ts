/**
 * The report's sections on issue 18's targets: cold start (3), cost (6), memory (8), the targets
 * table at the top and the closing note. Each target is judged here, on a figure measured in the
 * same run against a baseline measured beside it.
 */
import { operations } from '../../../shared/operations.ts';
import type { ColdStartResult } from './cold-start.ts';
import {
  type Api,
  ASSUMPTIONS,
  chooseMemory,
  durationAt,
  MEMORY_SIZES,
  PRICES,
  perMillion,
  secretsManager,
  storagePerMonth,
  type Usage,
} from './cost.ts';
import type { MemoryResult } from './memory.ts';
import type { PerRequest } from './per-request.ts';
import { ms } from './stats.ts';

export const table = (head: string[], rows: Array<Array<string | number>>) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
export const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
export const mb = (value: number) => `${value.toFixed(1)} MB`;
export const x = (value: number) => `${value.toFixed(2)}x`;
export const money = (value: number) =>
  `$${value < 10 ? value.toFixed(2) : Math.round(value).toLocaleString('en-US')}`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export interface Target {
  item: string;
  target: string;
  figure: string;
  met: boolean;
}
const verdict = (met: boolean) => (met ? 'met' : '**missed**');

// ---- 3. Cold start

/** The functions that run the whole stack: every API operation a token is needed for. */
const FULL_STACK: ReadonlySet<string> = new Set(
  Object.values(operations)
    .filter((operation) => operation.scopes.length > 0)
    .map((operation) => operation.id),
);

export function coldStartFigures(cold: ColdStartResult, focus: string) {
  const stack = cold.rows.filter((row) => FULL_STACK.has(row.lambda));
  const one = cold.rows.find((row) => row.lambda === focus)!;
  const ratios = (row: (typeof cold.rows)[number]) => ({
    bytes: row.bytes / cold.baseline.bytes,
    importMs: row.start.importMs / row.baseline.importMs,
    importCpu: row.start.importCpuMs / row.baseline.importCpuMs,
  });
  return {
    count: stack.length,
    median: {
      bytes: median(stack.map((row) => ratios(row).bytes)),
      importMs: median(stack.map((row) => ratios(row).importMs)),
      importCpu: median(stack.map((row) => ratios(row).importCpu)),
    },
    focus: ratios(one),
  };
}

export function coldStartTargets(cold: ColdStartResult, focus: string): Target[] {
  const f = coldStartFigures(cold, focus);
  return [
    {
      item: '1. cold start',
      target: 'import ≤ 1.10x, median of the full-stack functions',
      figure: `${x(f.median.importMs)} (CPU ${x(f.median.importCpu)})`,
      met: f.median.importMs <= 1.1,
    },
    {
      item: '1. cold start',
      target: `import ≤ 1.10x, ${focus}`,
      figure: `${x(f.focus.importMs)} (CPU ${x(f.focus.importCpu)})`,
      met: f.focus.importMs <= 1.1,
    },
    {
      item: '1. cold start',
      target: 'bundle ≤ 1.30x, median of the full-stack functions',
      figure: x(f.median.bytes),
      met: f.median.bytes <= 1.3,
    },
    {
      item: '1. cold start',
      target: `bundle ≤ 1.30x, ${focus}`,
      figure: x(f.focus.bytes),
      met: f.focus.bytes <= 1.3,
    },
  ];
}

export function coldStartSection(cold: ColdStartResult, focus: string): string {
  const f = coldStartFigures(cold, focus);
  const shipped = cold.sourceMaps[0]!;
  const mapped = cold.sourceMaps[1]!;
  return `## 3. Cold start (bundled as the CDK app bundles: infra/constructs/bundling.ts)

Each function is imported in a fresh Node process (as Lambda's init does), in alternation with the
baseline, ${cold.runs} times (${focus}: ${cold.focusRuns}); medians, and each ratio against the baseline
runs taken beside it. Wall clock is what the issue's targets are stated in; CPU time is given beside it
because a busy machine stretches wall clock (waiting for a core) far more than CPU time.
Baseline: ${cold.baseline.lambda}: ${kb(cold.baseline.bytes)}, import ${ms(cold.baseline.start.importMs)} (CPU ${ms(cold.baseline.start.importCpuMs)}), medians over the run.

${table(
  ['Lambda', 'bundle', 'vs baseline', 'import', 'vs baseline', 'import CPU', 'vs baseline'],
  cold.rows.map((row) => [
    FULL_STACK.has(row.lambda) ? row.lambda : `${row.lambda} (not full stack)`,
    kb(row.bytes),
    x(row.bytes / cold.baseline.bytes),
    ms(row.start.importMs),
    x(row.start.importMs / row.baseline.importMs),
    ms(row.start.importCpuMs),
    x(row.start.importCpuMs / row.baseline.importCpuMs),
  ]),
)}

Median over the ${f.count} full-stack functions (every operation a token is needed for): bundle **${x(f.median.bytes)}**,
import **${x(f.median.importMs)}** (CPU ${x(f.median.importCpu)}); ${focus}: bundle **${x(f.focus.bytes)}**, import **${x(f.focus.importMs)}** (CPU ${x(f.focus.importCpu)}).

**Where the rest goes.** ${focus} imported as shipped and with one part replaced by stubs that export
the same names (not a bundle that could serve anything; a measure of what the part costs at import),
${cold.sourceMapRuns} starts each, in alternation:

${table(
  ['', 'bundle', 'import', 'import CPU', 'CPU vs shipped', 'CPU vs baseline'],
  cold.parts.map((row, i) => [
    i < 2 ? row.part : `without ${row.part}`,
    kb(row.bytes),
    ms(row.start.importMs),
    ms(row.start.importCpuMs),
    x(row.start.importCpuMs / cold.parts[0]!.start.importCpuMs),
    x(row.start.importCpuMs / cold.baseline.start.importCpuMs),
  ]),
)}

**Source maps.** ${focus} as shipped (no map, no flag) against the same code with its map beside it and
\`NODE_OPTIONS=--enable-source-maps\`, as the template set it before; each started ${cold.sourceMapRuns} times in
alternation, imported and then answering a first request that throws a domain error (no token: 401).

${table(
  ['variant', 'bundle', 'map', 'import', 'import CPU', 'first request', 'first request CPU'],
  cold.sourceMaps.map((row) => [
    row.variant,
    kb(row.bytes),
    row.mapBytes ? kb(row.mapBytes) : '-',
    ms(row.start.importMs),
    ms(row.start.importCpuMs),
    ms(row.start.firstMs ?? Number.NaN),
    ms(row.start.firstCpuMs ?? Number.NaN),
  ]),
)}

With the map and the flag, import took ${x(mapped.start.importMs / shipped.start.importMs)} (CPU ${x(mapped.start.importCpuMs / shipped.start.importCpuMs)}) the shipped bundle's time and the first
request ${x((mapped.start.firstCpuMs ?? 0) / (shipped.start.firstCpuMs ?? 1))} its CPU${
    mapped.start.importCpuMs / shipped.start.importCpuMs > 1.03
      ? ' (Node reads and parses the map as the bundle loads)'
      : ' (no cost this run could tell from noise)'
  }. The first request's domain error costs no
mapping: nothing formats its stack. Nothing the vault logs carries a stack at all (errors are logged
by class, code and message: shared/http/logger.ts), so a map would serve only a crash outside the
stack. **Shipped: no map and no flag** (infra/constructs/bundling.ts): whatever the map costs, it buys
nothing the logs use; class names are kept (keepNames), so a minified stack still names its functions,
and \`cdk synth\` with sourceMap on rebuilds the exact map (esbuild is deterministic).`;
}

// ---- 6. Cost

export interface CostInputs {
  read: Usage;
  write: Usage;
  memoryMb: number;
  fits: number[];
}

export function costInputs(perRequest: PerRequest[], memory: MemoryResult): CostInputs {
  const get = perRequest.find((row) => row.operation.startsWith('read'))!;
  const put = perRequest.find((row) => row.operation.startsWith('update of the data'))!;
  const logBytes = memory.logBytesPerRequest;
  const { memoryMb, fits } = chooseMemory(memory.peakRssMb);
  return {
    // The GET's times from the memory run (bundled, alone, no counting proxy in the way).
    read: {
      rru: get.rru,
      wru: get.wru,
      kms: ASSUMPTIONS.coldReadFraction,
      wallMs: memory.getMs,
      cpuMs: memory.getCpuMs,
      logBytes,
    },
    write: { rru: put.rru, wru: put.wru, kms: put.kms, wallMs: put.wallMs, cpuMs: put.cpuMs, logBytes },
    memoryMb,
    fits,
  };
}

export function costTargets(inputs: CostInputs): Target[] {
  const read = perMillion(inputs.read, 'HTTP API', inputs.memoryMb).total / secretsManager.perMillionCalls;
  const write = perMillion(inputs.write, 'HTTP API', inputs.memoryMb).total / secretsManager.perMillionCalls;
  const restRead =
    perMillion(inputs.read, 'REST API', inputs.memoryMb).total / secretsManager.perMillionCalls;
  return [
    {
      item: '4. price',
      target: 'reads ≤ 0.5x Secrets Manager, HTTP API',
      figure: `${x(read)} (REST API ${x(restRead)})`,
      met: read <= 0.5,
    },
    {
      item: '4. price',
      target: 'writes ≤ 1.0x Secrets Manager, HTTP API',
      figure: x(write),
      met: write <= 1,
    },
  ];
}

export function costSection(perRequest: PerRequest[], inputs: CostInputs): string {
  const rows: Array<[string, Usage]> = [
    ['read', inputs.read],
    ['write', inputs.write],
  ];
  const apis: Api[] = ['HTTP API', 'REST API'];
  const storage = storagePerMonth(10_000);
  return `## 6. Cost model (us-east-1 list prices; assumptions in \`test/bench/lib/cost.ts\`)

**Measured per request.** The bundled functions, each in a process of its own, against DynamoDB Local
through a proxy that asks for and adds up \`ConsumedCapacity\` (what DynamoDB bills); KMS calls
counted at the local KMS endpoint; CPU and wall time of a warm request in that process (wall time
through the proxy, one more loopback hop).

${table(
  ['request', 'RRU', 'WRU', 'KMS calls', 'DynamoDB calls', 'CPU', 'wall'],
  perRequest.map((row) => [
    row.operation,
    row.rru.toFixed(2),
    row.wru.toFixed(2),
    row.kms.toFixed(2),
    Object.entries(row.calls)
      .map(([op, n]) => `${op} ${Number(n.toFixed(2))}`)
      .join(', '),
    ms(row.cpuMs),
    ms(row.wallMs),
  ]),
)}

A read pays for its audit entry: one put on the secret's trail, 2 WRU (the entry and its by-day
index entry). A write is one transaction (DynamoDB bills each item in it twice): the head, the new
version and the audit entry; an update of the description alone writes a version too and makes no KMS call.
Reads are priced with ${ASSUMPTIONS.coldReadFraction} KMS calls (a cold data-key cache: a new instance or version).
Log bytes: the access line, measured (${inputs.read.logBytes.toFixed(0)} bytes per request), plus ${ASSUMPTIONS.platformLogBytes} bytes of Lambda's own lines (assumed).

**Memory size.** The cheapest size the measured peak fits in (section 8: ${inputs.fits.length > 0 ? `fits ${inputs.fits.join(', ')} MB` : 'fits none of these'}): **${inputs.memoryMb} MB**.
Lambda CPU is assumed to scale with memory (one vCPU at ${ASSUMPTIONS.fullCpuMb} MB), so a request's CPU time
(measured on a full local core) is stretched by ${ASSUMPTIONS.fullCpuMb}/size; its waiting time is as measured (local DynamoDB, pessimistic).

${table(
  ['memory', 'read: duration', 'read: compute per 1M', 'write: duration', 'write: compute per 1M'],
  MEMORY_SIZES.map((size) => {
    const read = perMillion(inputs.read, 'HTTP API', size);
    const write = perMillion(inputs.write, 'HTTP API', size);
    return [
      `${size} MB${size === inputs.memoryMb ? ' (chosen)' : ''}`,
      ms(durationAt(size, inputs.read)),
      money(read.parts['Lambda compute']),
      ms(durationAt(size, inputs.write)),
      money(write.parts['Lambda compute']),
    ];
  }),
)}

Compute is a few cents per million at any of these sizes; a smaller size trades latency (CPU-bound
parts of a request slow down in proportion) for those cents.

${table(
  [
    '',
    ...Object.keys(perMillion(inputs.read, 'HTTP API', inputs.memoryMb).parts),
    'total',
    'vs Secrets Manager',
  ],
  rows.flatMap(([kind, usage]) =>
    apis.map((api) => {
      const cost = perMillion(usage, api, inputs.memoryMb);
      return [
        `per 1M ${kind}s, ${api}`,
        ...Object.values(cost.parts).map(money),
        `**${money(cost.total)}**`,
        x(cost.total / secretsManager.perMillionCalls),
      ];
    }),
  ),
)}

AWS Secrets Manager: ${money(secretsManager.perMillionCalls)} per million API calls, reads and writes alike.
10,000 secrets stored, per month: DynamoDB storage ${money(storage.dynamo)} + fixed (2 KMS keys, dashboard, ${ASSUMPTIONS.alarms} alarms) ${money(storage.fixed)} = **${money(storage.total)}**, against AWS Secrets Manager's ${money(secretsManager.perMonth(10_000))} (${money(PRICES.secretsManagerSecretMonth)} per secret).

![cost comparison](cost-chart.svg)`;
}

// ---- 8. Memory

/** Flat after warm-up: grows by less than this per 1,000 requests. */
const FLAT_MB_PER_1K = 0.5;

/** The heap kept after a full GC grew by less than this between the end of warm-up and the end. */
const KEPT_HEAP_MB = 1;

const keptHeapGrowth = (memory: MemoryResult) => {
  const [warm, end] = memory.retained;
  return warm && end ? end.heapUsedMb - warm.heapUsedMb : Number.NaN;
};

export function memoryTargets(memory: MemoryResult): Target[] {
  const heapFlat = memory.heapSlope <= FLAT_MB_PER_1K && keptHeapGrowth(memory) <= KEPT_HEAP_MB;
  return [
    {
      item: '5. memory',
      target: `peak RSS ≤ 128 MB, get-secret alone, ${memory.requests.toLocaleString('en-US')} GETs`,
      figure: mb(memory.peakRssMb),
      met: memory.peakRssMb <= 128,
    },
    {
      item: '5. memory',
      target: `heap flat after warm-up (≤ ${FLAT_MB_PER_1K} MB per 1,000 requests; kept after GC ≤ +${KEPT_HEAP_MB} MB)`,
      figure: `${memory.heapSlope.toFixed(2)} MB per 1,000; kept ${keptHeapGrowth(memory) >= 0 ? '+' : ''}${keptHeapGrowth(memory).toFixed(1)} MB`,
      met: heapFlat,
    },
    {
      item: '5. memory',
      target: `RSS flat after warm-up (≤ ${FLAT_MB_PER_1K} MB per 1,000 requests)`,
      figure: `${memory.rssSlope.toFixed(2)} MB per 1,000`,
      met: memory.rssSlope <= FLAT_MB_PER_1K,
    },
  ];
}

export function memorySection(memory: MemoryResult, flags: string[]): string {
  const [warm, end] = memory.retained;
  return `## 8. Memory of one function process

The bundled get-secret alone in a Node process started as Lambda starts a ${memory.memoryMb} MB function
(\`${flags.join(' ')}\`: as copies of Lambda's Node.js bootstrap compute them from the memory size, an
assumption; no NODE_OPTIONS, as deployed), invoked ${memory.requests.toLocaleString('en-US')} times with API Gateway events (GETs of one
secret, one at a time) against DynamoDB Local and the local KMS endpoint, logging at INFO as deployed.
Statuses: ${Object.entries(memory.statuses)
    .map(([status, n]) => `${status}: ${n}`)
    .join(', ')}. A GET took ${ms(memory.getMs)} (CPU ${ms(memory.getCpuMs)}), median after warm-up.

${table(
  ['', 'RSS', 'heap used', 'heap total', 'external'],
  [
    ...[
      memory.samples[0]!,
      ...memory.samples.filter((_, i, all) => i > 0 && i % Math.ceil(all.length / 8) === 0),
    ].map((sample) => [
      `after ${sample.requests.toLocaleString('en-US')} requests`,
      mb(sample.rssMb),
      mb(sample.heapUsedMb),
      mb(sample.heapTotalMb),
      mb(sample.externalMb),
    ]),
    ...[warm, end]
      .filter((sample) => sample !== undefined)
      .map((sample) => [
        `after ${sample.requests.toLocaleString('en-US')} requests and a full GC`,
        mb(sample.rssMb),
        mb(sample.heapUsedMb),
        mb(sample.heapTotalMb),
        mb(sample.externalMb),
      ]),
  ],
)}

Peak RSS **${mb(memory.peakRssMb)}**${memory.rssAnonMb !== undefined ? ` (at the end ${mb(memory.rssAnonMb)} anonymous + ${mb(memory.rssFileMb ?? 0)} file pages, mostly the Node binary)` : ''}; peak heap used ${mb(memory.peakHeapUsedMb)}.
After warm-up (${memory.warmup.toLocaleString('en-US')} requests) RSS moves ${memory.rssSlope.toFixed(2)} MB and heap used ${memory.heapSlope.toFixed(2)} MB per 1,000 requests
(least squares); the heap kept after a full GC went from ${warm ? mb(warm.heapUsedMb) : '?'} to ${end ? mb(end.heapUsedMb) : '?'}${
    memoryTargets(memory)[1]!.met ? ': nothing accumulates on the heap.' : ': **the heap grows**.'
  }${
    memoryTargets(memory)[2]!.met
      ? ''
      : ' RSS still creeps up outside the heap (heap total and external stay level): memory the allocator and the compilers keep, which this run cannot tell from a slow leak without a longer one.'
  }`;
}

// ---- Targets and closing

export function targetsSection(targets: Target[]): string {
  return `## Targets (issue 18 items 1, 4 and 5)

${table(
  ['item', 'target', 'figure', 'verdict'],
  targets.map((target) => [target.item, target.target, target.figure, verdict(target.met)]),
)}`;
}
