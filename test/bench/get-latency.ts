/**
 * Local latency of a secret GET over HTTP, against the unauthenticated status route measured in
 * the same run (same server, same HTTP path, no JWT, no DynamoDB, no KMS). Not a test: it prints.
 *   node test/bench/get-latency.ts [--requests 1000]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { devIssuer } from '../../infra/local/dev-issuer.ts';
import { startLocalRuntime } from '../../infra/local/runtime.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '1000' } } });
const requests = Number(values.requests);

process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
const runtime = await startLocalRuntime({
  port: 0,
  stateDir: mkdtempSync(join(tmpdir(), 'vault-bench-')),
  inMemory: true,
});
const issuer = await devIssuer(runtime.stateDir);
const token = await issuer.mint({ sub: 'bench', scopes: ['user', 'vaultAdd'], roles: ['bench'] });
const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };

await fetch(`${runtime.apiUrl}/secrets`, {
  method: 'POST',
  headers,
  body: JSON.stringify({
    name: 'bench/db',
    data: { password: 'x'.repeat(64) },
    read_roles: [{ id: 'bench' }],
  }),
});

async function measure(url: string, withToken: boolean): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < requests + 50; i++) {
    const started = performance.now();
    const response = await fetch(url, { headers: withToken ? headers : {} });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
    if (i >= 50) times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const baseline = await measure(`${runtime.apiUrl}/status`, false);
const get = await measure(`${runtime.apiUrl}/secrets/bench%2Fdb`, true);
await runtime.close();

const row = (label: string, sorted: number[]) =>
  `${label.padEnd(34)} median ${quantile(sorted, 0.5).toFixed(2)} ms   p99 ${quantile(sorted, 0.99).toFixed(2)} ms`;
console.log(`${requests} sequential requests each, after 50 warm-up, Node ${process.version}`);
console.log(row('GET /status (baseline)', baseline));
console.log(row('GET /secrets/{name} (warm key cache)', get));
console.log(
  `ratio GET/baseline: median ${(quantile(get, 0.5) / quantile(baseline, 0.5)).toFixed(2)}x, p99 ${(quantile(get, 0.99) / quantile(baseline, 0.99)).toFixed(2)}x`,
);
process.exit(0);
