/**
 * What one request consumes, measured rather than assumed, for the cost model (lib/cost.ts): the
 * bundled functions, each in a process of its own (lib/lambda-process.ts), send their DynamoDB
 * calls through a proxy that counts the capacity units DynamoDB bills (lib/capacity-proxy.ts);
 * KMS calls are counted at the local KMS endpoint; CPU time per request is taken in the process.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalRuntime } from '../../../infra/local/runtime.ts';
import { apiEvent } from '../../support/api-event.ts';
import { startCapacityProxy } from './capacity-proxy.ts';
import { bundle, median } from './cold-start.ts';
import { runInLambdaProcess } from './lambda-process.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

export interface PerRequest {
  operation: string;
  requests: number;
  rru: number;
  wru: number;
  kms: number;
  /** DynamoDB calls per request, by operation. */
  calls: Record<string, number>;
  /** Median CPU time of a warm request (the second half) in its process, and its wall clock (through the counting proxy). */
  cpuMs: number;
  wallMs: number;
}

export async function measurePerRequest(
  runtime: LocalRuntime,
  token: string,
  requests: number,
): Promise<PerRequest[]> {
  const dir = mkdtempSync(join(tmpdir(), 'vault-per-request-'));
  const bundles: Record<string, string> = {};
  for (const lambda of ['create-secret', 'update-secret', 'get-secret']) {
    bundles[lambda] = join(dir, `${lambda}.mjs`);
    await bundle(join(ROOT, 'lambdas', lambda, 'handler.ts'), bundles[lambda]!);
  }
  const proxy = await startCapacityProxy(runtime.dynamoEndpoint);
  const kmsCalls = async () =>
    Object.values(
      (await (await fetch(`${runtime.kmsEndpoint}/__local/stats`)).json()) as Record<string, number>,
    ).reduce((a, b) => a + b, 0);
  const path = (name: string) => `/vault/api/v1/secrets/${encodeURIComponent(name)}`;
  const secret = (name: string) => ({
    name,
    data: { user: 'app', password: 'x'.repeat(32) },
    read_roles: [{ id: 'app' }],
    write_roles: [{ id: 'app' }],
  });
  const runs = [
    {
      operation: 'create (a new secret, 1 read and 1 write role)',
      lambda: 'create-secret',
      events: Array.from({ length: requests }, (_, i) =>
        apiEvent('POST', '/vault/api/v1/secrets', { token, body: secret(`bench/cost-${i}`) }),
      ),
    },
    {
      operation: 'update of the data (a new version)',
      lambda: 'update-secret',
      events: [0, 1].map((i) =>
        apiEvent('PUT', path('bench/cost-0'), { token, body: { data: { password: `p${i}`.repeat(16) } } }),
      ),
    },
    {
      operation: 'update of the description only (a new version)',
      lambda: 'update-secret',
      events: [0, 1].map((i) =>
        apiEvent('PUT', path('bench/cost-1'), { token, body: { description: `d${i}` } }),
      ),
    },
    {
      operation: 'read (GET, warm data-key cache)',
      lambda: 'get-secret',
      events: [apiEvent('GET', path('bench/cost-0'), { token })],
    },
  ];
  const rows: PerRequest[] = [];
  try {
    for (const run of runs) {
      proxy.reset();
      const kmsBefore = await kmsCalls();
      const result = await runInLambdaProcess(
        {
          memoryMb: 512,
          steps: [{ name: run.lambda, bundle: bundles[run.lambda]!, events: run.events, count: requests }],
          sampleEvery: requests,
          gcAfter: [],
        },
        { DYNAMODB_ENDPOINT: proxy.url },
      );
      const step = result.steps[0]!;
      const failed = Object.keys(step.statuses).filter((status) => Number(status) >= 300);
      if (failed.length > 0) throw new Error(`${run.operation}: ${JSON.stringify(step.statuses)}`);
      const used = proxy.read();
      // The first request of each process reads the data key from KMS (a cold cache): a warm
      // read makes no KMS call, which lib/cost.ts prices apart (its cold-read fraction).
      const kms = (await kmsCalls()) - kmsBefore - (run.lambda === 'get-secret' ? 1 : 0);
      rows.push({
        operation: run.operation,
        requests,
        rru: used.rru / requests,
        wru: used.wru / requests,
        kms: kms / requests,
        calls: Object.fromEntries(Object.entries(used.calls).map(([op, n]) => [op, n / requests])),
        // The second half: the first requests of a process run while its code is still compiling.
        cpuMs: median(step.cpuMs.slice(Math.floor(requests / 2))),
        wallMs: median(step.wallMs.slice(Math.floor(requests / 2))),
      });
    }
  } finally {
    await proxy.close();
  }
  return rows;
}
