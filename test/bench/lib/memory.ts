/**
 * Memory of one function process: the bundled get-secret alone in a Node process started with the
 * heap limits Lambda gives a 128 MB function (lib/lambda-process.ts), driven by GETs of one secret
 * against DynamoDB Local and the local KMS endpoint, one at a time as Lambda sends them. RSS and
 * heap are sampled as it goes; after warm-up the slope says whether anything accumulates, and the
 * heap kept after a full GC at the end of warm-up and at the end says it again without the GC's
 * sawtooth.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalRuntime } from '../../../infra/local/runtime.ts';
import { apiEvent } from '../../support/api-event.ts';
import { bundle, median } from './cold-start.ts';
import { runInLambdaProcess } from './lambda-process.ts';
import type { MemorySample } from './lambda-worker.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

export interface MemoryResult {
  memoryMb: number;
  requests: number;
  warmup: number;
  statuses: Record<string, number>;
  peakRssMb: number;
  peakHeapUsedMb: number;
  /** At the end: anonymous memory, and file pages (mostly the Node binary, shared with other processes). */
  rssAnonMb: number | undefined;
  rssFileMb: number | undefined;
  /** Least-squares slopes over the samples after warm-up, in MB per 1,000 requests. */
  rssSlope: number;
  heapSlope: number;
  /** After a full GC: at the end of warm-up and at the end. */
  retained: MemorySample[];
  samples: MemorySample[];
  /** Per GET in that process (bundled, warm): wall clock and CPU, median; bytes it logged. */
  getMs: number;
  getCpuMs: number;
  logBytesPerRequest: number;
}

/** Slope of y over x, per 1,000 x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : (sxy / sxx) * 1000;
}

export async function measureMemory(
  runtime: LocalRuntime,
  token: string,
  options: { requests: number; warmup: number; memoryMb: number },
): Promise<MemoryResult> {
  const file = join(mkdtempSync(join(tmpdir(), 'vault-memory-')), 'get-secret.mjs');
  await bundle(join(ROOT, 'lambdas/get-secret/handler.ts'), file);
  const name = 'bench/memory';
  const created = await fetch(`${runtime.apiUrl}/secrets`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      name,
      data: { user: 'app', password: 'x'.repeat(32) },
      read_roles: [{ id: 'app' }],
      write_roles: [{ id: 'app' }],
    }),
  });
  if (created.status !== 201 && created.status !== 409)
    throw new Error(`memory: create ${name}: ${created.status} ${await created.text()}`);
  const result = await runInLambdaProcess({
    memoryMb: options.memoryMb,
    steps: [
      {
        name: 'get-secret',
        bundle: file,
        events: [apiEvent('GET', `/vault/api/v1/secrets/${encodeURIComponent(name)}`, { token })],
        count: options.requests,
      },
    ],
    sampleEvery: Math.max(1, Math.floor(options.requests / 200)),
    gcAfter: [options.warmup, options.requests],
  });
  const step = result.steps[0]!;
  const after = result.samples.filter((sample) => sample.requests >= options.warmup);
  return {
    memoryMb: options.memoryMb,
    requests: options.requests,
    warmup: options.warmup,
    statuses: step.statuses,
    peakRssMb: result.maxRssMb,
    rssAnonMb: result.rssAnonMb,
    rssFileMb: result.rssFileMb,
    peakHeapUsedMb: Math.max(...result.samples.map((sample) => sample.heapUsedMb)),
    rssSlope: slope(after.map((sample) => [sample.requests, sample.rssMb])),
    heapSlope: slope(after.map((sample) => [sample.requests, sample.heapUsedMb])),
    retained: result.retained,
    samples: result.samples,
    getMs: median(step.wallMs.slice(options.warmup)),
    getCpuMs: median(step.cpuMs.slice(options.warmup)),
    logBytesPerRequest: result.logBytes / options.requests,
  };
}
