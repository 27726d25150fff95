/**
 * Cold start: each Lambda bundled exactly as the CDK app bundles it (esbuild, ESM, minified,
 * `module` main fields), its size, and the time a fresh Node process takes to import it,
 * against a minimal handler that imports only the SDK clients it uses.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { quantile } from './stats.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

export async function bundle(entry: string, outfile: string): Promise<number> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    mainFields: ['module', 'main'],
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  return statSync(outfile).size;
}

const ENV = {
  ...process.env,
  AWS_REGION: 'us-east-1',
  TABLE_NAME: 'bench',
  KMS_KEY_ID: 'alias/bench',
  JWT_ISSUER: 'https://issuer.example',
  JWT_AUDIENCE: 'vault',
  EVENT_BUS_NAME: 'bench',
  POWERTOOLS_LOG_LEVEL: 'WARN',
};

export function importOnce(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: ENV,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`import of ${file} failed: ${run.stderr}`);
  return Number(run.stdout);
}

const median = (times: number[]) =>
  quantile(
    [...times].sort((a, b) => a - b),
    0.5,
  );

/**
 * Import times of a bundle and of the baseline, taken in alternation so that a machine getting
 * busier or quieter during the run moves both alike and the ratio stays honest.
 */
function importTimes(file: string, baselineFile: string, runs: number): { ms: number; baselineMs: number } {
  const times: number[] = [];
  const baselineTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    baselineTimes.push(importOnce(baselineFile));
    times.push(importOnce(file));
  }
  return { ms: median(times), baselineMs: median(baselineTimes) };
}

export interface ColdStartRow {
  lambda: string;
  bytes: number;
  importMs: number;
  /** The baseline's import time measured alongside this row. */
  baselineMs: number;
}

export async function measureColdStart(
  runs: number,
): Promise<{ baseline: { lambda: string; bytes: number; importMs: number }; rows: ColdStartRow[] }> {
  const out = mkdtempSync(join(tmpdir(), 'vault-bundles-'));
  const lambdas = readdirSync(join(ROOT, 'lambdas')).sort();
  const baselineFile = join(out, 'baseline.mjs');
  const baselineBytes = await bundle(join(ROOT, 'test/bench/fixtures/minimal-handler.ts'), baselineFile);
  importOnce(baselineFile); // warms the file cache
  const rows: ColdStartRow[] = [];
  for (const lambda of lambdas) {
    const file = join(out, `${lambda}.mjs`);
    const bytes = await bundle(join(ROOT, 'lambdas', lambda, 'handler.ts'), file);
    importOnce(file);
    const { ms, baselineMs } = importTimes(file, baselineFile, runs);
    rows.push({ lambda, bytes, importMs: ms, baselineMs });
  }
  const baseline = {
    lambda: 'minimal handler (DynamoDB + KMS clients only)',
    bytes: baselineBytes,
    importMs: median(rows.map((row) => row.baselineMs)),
  };
  return { baseline, rows };
}
