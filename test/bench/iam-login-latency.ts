/**
 * Local latency of IAM login (a SigV4-signed POST /auth/iam: the gateway's signature check, the
 * mapping, a KMS Sign, the audit entry) and of a secret GET with the token it gives against the
 * same GET with a dev-issuer token (what accepting the vault's own issuer costs a warm verifier).
 * Not a test: it prints.
 *   node test/bench/iam-login-latency.ts [--requests 300]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { devIssuer } from '../../infra/local/dev-issuer.ts';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local.ts';
import { startLocalRuntime } from '../../infra/local/runtime.ts';
import { signV4 } from '../../shared/client/iam-auth.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '300' } } });
const requests = Number(values.requests);
const WARM_UP = 30;

process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
const runtime = await startLocalRuntime({
  port: 0,
  stateDir: mkdtempSync(join(tmpdir(), 'vault-bench-')),
  inMemory: true,
  iamPrincipals: [
    { arn: 'arn:aws:iam::000000000000:role/local-dev', subject: 'bench', scopes: ['user'], roles: ['bench'] },
  ],
});
const issuer = await devIssuer(runtime.stateDir);
const dev = await issuer.mint({ sub: 'bench', scopes: ['user', 'vaultAdd'], roles: ['bench'] });
await fetch(`${runtime.apiUrl}/secrets`, {
  method: 'POST',
  headers: { Authorization: `Bearer ${dev}`, 'Content-Type': 'application/json' },
  body: JSON.stringify({
    name: 'bench/db',
    data: { password: 'x'.repeat(64) },
    read_roles: [{ id: 'bench' }],
  }),
});

const loginUrl = `${runtime.apiUrl}/auth/iam`;
async function login(): Promise<string> {
  const json = { 'content-type': 'application/json' };
  const signed = signV4({ method: 'POST', url: loginUrl, headers: json, body: '{}' }, LOCAL_AWS.credentials, {
    region: 'us-east-1',
    service: 'execute-api',
    at: new Date(),
  });
  const response = await fetch(loginUrl, { method: 'POST', headers: { ...json, ...signed }, body: '{}' });
  if (response.status !== 200) throw new Error(`login: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function measure(run: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < requests + WARM_UP; i++) {
    const started = performance.now();
    await run();
    if (i >= WARM_UP) times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

const read = (token: string) => async () => {
  const response = await fetch(`${runtime.apiUrl}/secrets/bench%2Fdb`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`read: ${response.status}`);
};

const logins = await measure(login);
const vaultToken = await login();
const withDev = await measure(read(dev));
const withVault = await measure(read(vaultToken));
await runtime.close();

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const row = (label: string, sorted: number[]) =>
  `${label.padEnd(42)} median ${quantile(sorted, 0.5).toFixed(2)} ms   p99 ${quantile(sorted, 0.99).toFixed(2)} ms`;
console.log(`${requests} sequential requests each, after ${WARM_UP} warm-up, Node ${process.version}`);
console.log(row('POST /auth/iam (signed, mapped)', logins));
console.log(row('GET /secrets/{name}, dev-issuer token', withDev));
console.log(row("GET /secrets/{name}, the vault's own token", withVault));
