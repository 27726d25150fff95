/**
 * Cold start: each Lambda bundled exactly as the CDK app bundles it (infra/constructs/bundling.ts),
 * its size, and the time a fresh Node process takes to import it (wall clock and CPU), against a
 * minimal handler that imports only the SDK clients it uses. Also what source maps cost: Node's
 * --enable-source-maps at import, and on a first request that throws a domain error.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { ESBUILD_OPTIONS, FUNCTION_ENVIRONMENT, ROOT } from '../../../infra/constructs/bundling.ts';
import { handlerBundle } from '../../../infra/constructs/handler-bundles.ts';
import { quantile } from './stats.ts';

/**
 * Bundles one entry with the vault's options (`sourceMap` overrides them). A vault handler's bundle
 * is the one deployed (handler-bundles.ts: all handlers in one esbuild run, whose minified names
 * differ a little from a bundle made alone).
 */
export async function bundle(
  entry: string,
  outfile: string,
  sourceMap: boolean = ESBUILD_OPTIONS.sourceMap,
): Promise<number> {
  const handler = relative(join(ROOT, 'lambdas'), entry).match(/^([\w-]+)\/handler\.ts$/)?.[1];
  if (handler && sourceMap === ESBUILD_OPTIONS.sourceMap) {
    mkdirSync(dirname(outfile), { recursive: true });
    copyFileSync(handlerBundle(handler), outfile);
    return statSync(outfile).size;
  }
  return (await bundleWithInputs(entry, outfile, sourceMap)).bytes;
}

/** The bundle's size and, for each module in it, the bytes it left in the bundle. */
export async function bundleWithInputs(
  entry: string,
  outfile: string,
  sourceMap: boolean = ESBUILD_OPTIONS.sourceMap,
  stubbed?: RegExp,
): Promise<{ bytes: number; inputs: Record<string, number> }> {
  const { sourceMap: _deployed, banner, ...options } = ESBUILD_OPTIONS;
  const { metafile } = await build({
    ...options,
    mainFields: [...options.mainFields],
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    sourcemap: sourceMap,
    banner: { js: banner },
    metafile: true,
    logLevel: 'silent',
    plugins: stubbed ? [stubs(stubbed)] : [],
  });
  const output = Object.values(metafile.outputs).find((out) => out.entryPoint !== undefined)!;
  const inputs = Object.fromEntries(
    Object.entries(output.inputs).map(([path, { bytesInOutput }]) => [path, bytesInOutput]),
  );
  return { bytes: statSync(outfile).size, inputs };
}

/**
 * Modules replaced by stubs that export the same names as empty objects and functions: not a
 * bundle that could serve anything, a measure of what those modules cost at import.
 */
function stubs(modules: RegExp): Plugin {
  return {
    name: 'stubs',
    setup(build) {
      build.onLoad({ filter: modules }, ({ path }) => {
        const source = readFileSync(path, 'utf8');
        const names = (pattern: RegExp) => [...source.matchAll(pattern)].map((match) => match[1]!);
        return {
          loader: 'ts',
          contents: [
            ...names(/export const (\w+)/g).map((name) => `export const ${name} = {};`),
            ...names(/export (?:async )?function (\w+)/g).map(
              (name) => `export function ${name}() { return {}; }`,
            ),
            ...names(/export class (\w+)/g).map((name) => `export class ${name} {}`),
          ].join('\n'),
        };
      });
    },
  };
}

/** What the focus function's import is spent on beyond the SDK: these parts stubbed out in turn. */
const PARTS = [
  { part: 'the request and response schemas (zod/mini)', modules: /shared\/schemas\/\w+\.ts$/ },
  {
    part: 'the store (DynamoSecretStore and its listing code)',
    modules: /shared\/store\/dynamo-secret-store\.ts$/,
  },
];

const ENV = {
  ...process.env,
  ...FUNCTION_ENVIRONMENT,
  NODE_OPTIONS: '',
  AWS_REGION: 'us-east-1',
  TABLE_NAME: 'bench',
  KMS_KEY_ID: 'alias/bench',
  JWT_ISSUER: 'https://issuer.example',
  JWT_AUDIENCE: 'vault',
  EVENT_BUS_NAME: 'bench',
  // As deployed by default: the operations include IAM login, so every API function is told the
  // vault's own token issuer and key (infra/vault.ts).
  VAULT_TOKEN_ISSUER: 'https://vault.example/vault/api/v1/auth',
  VAULT_TOKEN_KEY_ID: 'arn:aws:kms:us-east-1:000000000000:key/bench-token',
  POWERTOOLS_LOG_LEVEL: 'WARN',
};

/** A first request that fails in the stack before any network call: no token, a domain error (401). */
const FIRST_REQUEST = {
  resource: '/vault/api/v1/secrets/{name+}',
  path: '/vault/api/v1/secrets/bench',
  httpMethod: 'GET',
  headers: {},
  queryStringParameters: null,
  pathParameters: { name: 'bench' },
  body: null,
  isBase64Encoded: false,
  requestContext: { requestId: 'cold', identity: { sourceIp: '127.0.0.1' } },
};

export interface StartTimes {
  importMs: number;
  importCpuMs: number;
  /** The first request (FIRST_REQUEST), when asked for. */
  firstMs?: number;
  firstCpuMs?: number;
}

/** One fresh Node process: the import of `file` and, with `firstRequest`, one invocation. */
export function startOnce(
  file: string,
  options: { flags?: string[]; firstRequest?: boolean; env?: Record<string, string> } = {},
): StartTimes {
  const first = options.firstRequest
    ? `const c1 = process.cpuUsage(); const t1 = performance.now();
       const r = await m.handler(${JSON.stringify(FIRST_REQUEST)}, { awsRequestId: 'cold', functionName: 'bench', getRemainingTimeInMillis: () => 10000 });
       if (r.statusCode !== 401) throw new Error('first request: ' + r.statusCode + ' ' + r.body);
       const d1 = process.cpuUsage(c1); out.firstMs = performance.now() - t1; out.firstCpuMs = (d1.user + d1.system) / 1000;`
    : '';
  const script = `const c0 = process.cpuUsage(); const t0 = performance.now();
    const m = await import(${JSON.stringify(pathToFileURL(file).href)});
    const d0 = process.cpuUsage(c0); const out = { importMs: performance.now() - t0, importCpuMs: (d0.user + d0.system) / 1000 };
    ${first}
    process.stdout.write(JSON.stringify(out));`;
  const run = spawnSync(process.execPath, [...(options.flags ?? []), '--input-type=module', '-e', script], {
    env: { ...ENV, ...options.env },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`start of ${file} failed: ${run.stderr.slice(-1500)}`);
  return JSON.parse(run.stdout.slice(run.stdout.lastIndexOf('{'))) as StartTimes;
}

export const median = (times: number[]) =>
  quantile(
    [...times].sort((a, b) => a - b),
    0.5,
  );

/** Medians of each field over several starts. */
function medians(starts: StartTimes[]): StartTimes {
  const of = (key: keyof StartTimes) => {
    const values = starts.map((start) => start[key]).filter((value) => value !== undefined);
    return values.length > 0 ? median(values) : undefined;
  };
  return {
    importMs: of('importMs')!,
    importCpuMs: of('importCpuMs')!,
    ...(starts[0]?.firstMs !== undefined && { firstMs: of('firstMs'), firstCpuMs: of('firstCpuMs') }),
  };
}

/**
 * Starts of several variants taken in rounds (a, b, c, a, b, c, ...), so that a machine getting
 * busier or quieter during the run moves all alike and their ratios stay honest.
 */
export function startsInRounds(
  variants: Array<{ file: string; flags?: string[]; firstRequest?: boolean; env?: Record<string, string> }>,
  runs: number,
): StartTimes[] {
  const starts: StartTimes[][] = variants.map(() => []);
  for (const variant of variants) startOnce(variant.file, variant); // warms the file cache
  for (let i = 0; i < runs; i++)
    for (const [v, variant] of variants.entries()) starts[v]!.push(startOnce(variant.file, variant));
  return starts.map(medians);
}

export interface ColdStartRow {
  lambda: string;
  bytes: number;
  start: StartTimes;
  /** The baseline's times measured alongside this row. */
  baseline: StartTimes;
}

export interface SourceMapRow {
  variant: string;
  bytes: number;
  mapBytes: number;
  start: StartTimes;
}

export interface PartRow {
  part: string;
  bytes: number;
  start: StartTimes;
}

export interface ColdStartResult {
  baseline: { lambda: string; bytes: number; start: StartTimes };
  rows: ColdStartRow[];
  runs: number;
  focusRuns: number;
  sourceMaps: SourceMapRow[];
  sourceMapRuns: number;
  /** The focus function as shipped (first row), then with each part stubbed out: import only. */
  parts: PartRow[];
}

/** `runs` starts per function and beside each the baseline's; `focus` (get-secret) gets `focusRuns`. */
export async function measureColdStart(
  runs: number,
  focus: { lambda: string; runs: number },
  sourceMapRuns: number,
): Promise<ColdStartResult> {
  const out = mkdtempSync(join(tmpdir(), 'vault-bundles-'));
  const lambdas = readdirSync(join(ROOT, 'lambdas')).sort();
  const baselineFile = join(out, 'baseline.mjs');
  const baselineBytes = await bundle(join(ROOT, 'test/bench/fixtures/minimal-handler.ts'), baselineFile);
  const rows: ColdStartRow[] = [];
  for (const lambda of lambdas) {
    const file = join(out, `${lambda}.mjs`);
    const bytes = await bundle(join(ROOT, 'lambdas', lambda, 'handler.ts'), file);
    const [baseline, start] = startsInRounds(
      [{ file: baselineFile }, { file }],
      lambda === focus.lambda ? focus.runs : runs,
    );
    rows.push({ lambda, bytes, start: start!, baseline: baseline! });
  }

  // Source maps: the focus function shipped (no map) against the same code with its map and
  // NODE_OPTIONS=--enable-source-maps, as the template set it; each imported alone and then
  // answering a first request that throws a domain error (a missing token: 401).
  const entry = join(ROOT, 'lambdas', focus.lambda, 'handler.ts');
  const shipped = join(out, `${focus.lambda}.mjs`);
  const mapped = join(out, `${focus.lambda}.mapped.mjs`);
  const mappedBytes = await bundle(entry, mapped, true);
  const flags = ['--enable-source-maps'];
  const variants = [
    { variant: 'as shipped: no map', file: shipped, flags: [] },
    { variant: 'map beside the bundle, --enable-source-maps', file: mapped, flags },
    { variant: 'map beside the bundle, flag not set', file: mapped, flags: [] },
  ];
  const starts = startsInRounds(
    variants.map(({ file, flags }) => ({ file, flags, firstRequest: true })),
    sourceMapRuns,
  );
  const sourceMaps = variants.map(({ variant, file }, i) => ({
    variant,
    bytes: file === mapped ? mappedBytes : statSync(shipped).size,
    mapBytes: file === mapped ? statSync(`${mapped}.map`).size : 0,
    start: starts[i]!,
  }));

  const baseline = {
    lambda: 'minimal handler (DynamoDB + KMS clients only)',
    bytes: baselineBytes,
    start: medians(rows.map((row) => row.baseline)),
  };
  // The shipped bundle twice: how far two starts of the same code drift apart on this machine.
  const partFiles = [
    { part: 'as shipped', file: shipped },
    { part: 'as shipped, again (the same file: the noise of this measure)', file: shipped },
  ];
  for (const [i, { part, modules }] of PARTS.entries()) {
    const file = join(out, `${focus.lambda}.part${i}.mjs`);
    await bundleWithInputs(entry, file, false, modules);
    partFiles.push({ part, file });
  }
  const partStarts = startsInRounds(
    partFiles.map(({ file }) => ({ file })),
    sourceMapRuns,
  );
  const parts = partFiles.map(({ part, file }, i) => ({
    part,
    bytes: statSync(file).size,
    start: partStarts[i]!,
  }));

  return { baseline, rows, runs, focusRuns: focus.runs, sourceMaps, sourceMapRuns, parts };
}
