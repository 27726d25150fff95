/**
 * `npm run bench:agent`: warm reads of one secret through `secrets agent` (the built CLI as a
 * process, as a sidecar runs it) against direct API calls to the local vault, sampled in
 * alternation; and how many vault API calls the agent made per 1,000 reads (counted by a proxy
 * between the agent and the vault), with the default --ttl 300 and with --ttl 1. Then, if the
 * vault serves IAM login, what the login adds: a cold one (credential chain loaded and resolved,
 * signed, answered) and a warm one. A benchmark: it prints.
 *   npm run bench:agent [-- --reads 1000]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { devIssuer } from '../../infra/local/dev-issuer.ts';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local.ts';
import { startLocalRuntime } from '../../infra/local/runtime.ts';
import { VaultApiError, VaultClient } from '../../shared/client/vault-client.ts';
import { builtCli } from '../support/cli.ts';
import { ms, ratio, type Sample, sample, samplePair } from './lib/stats.ts';

const { values } = parseArgs({ options: { reads: { type: 'string', default: '1000' } } });
const reads = Number(values.reads);

process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
const runtime = await startLocalRuntime({
  port: 0,
  stateDir: mkdtempSync(join(tmpdir(), 'vault-bench-agent-')),
  inMemory: true,
});
const issuer = await devIssuer(runtime.stateDir);
const token = await issuer.mint({ sub: 'bench-app', scopes: ['user', 'vaultAdd'], roles: ['bench'] });
const name = 'bench/db';
await fetch(`${runtime.apiUrl}/secrets`, {
  method: 'POST',
  headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
  body: JSON.stringify({ name, data: { password: 'x'.repeat(64) }, read_roles: [{ id: 'bench' }] }),
});

/** Between the agents and the vault: forwards every request and counts it. */
let vaultCalls = 0;
const api = new URL(runtime.apiUrl);
const proxy = createServer((incoming, outgoing) => {
  vaultCalls++;
  const forward = request(
    {
      host: api.hostname,
      port: api.port,
      path: incoming.url,
      method: incoming.method,
      headers: incoming.headers,
    },
    (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    },
  );
  incoming.pipe(forward);
});
await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}${api.pathname}`;

const cli = await builtCli();
const agents: ChildProcess[] = [];
async function startAgent(ttl: number): Promise<{ url: string; token: string }> {
  const tokenFile = join(mkdtempSync(join(tmpdir(), 'bench-agent-')), 'token');
  const child = spawn(
    process.execPath,
    [cli, 'agent', '--port', '0', '--listen', '127.0.0.1', '--ttl', String(ttl), '--token-file', tokenFile],
    {
      env: { PATH: process.env.PATH, HOME: tmpdir(), VAULT_URL: proxyUrl, VAULT_TOKEN: token },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  agents.push(child);
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  for (let waited = 0; waited < 30_000; waited += 50) {
    const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(err)?.[1];
    if (port)
      return {
        url: `http://127.0.0.1:${port}/secrets/${encodeURIComponent(name)}`,
        token: readFileSync(tokenFile, 'utf8').trim(),
      };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`agent did not start: ${err}`);
}

async function read(url: string, headers: Record<string, string>) {
  const response = await fetch(url, { headers });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
}

try {
  const agent = await startAgent(300);
  const direct = `${runtime.apiUrl}/secrets/${encodeURIComponent(name)}`;
  const viaAgent = () => read(agent.url, { 'X-Vault-Agent-Token': agent.token });
  const viaApi = () => read(direct, { Authorization: `Bearer ${token}` });
  // Warm-up happens inside samplePair; the count covers the measured reads only.
  await viaAgent();
  const before = vaultCalls;
  const [agentSample, apiSample] = await samplePair(reads, viaAgent, viaApi);
  const callsTtl300 = vaultCalls - before;

  const checking = await startAgent(1);
  await read(checking.url, { 'X-Vault-Agent-Token': checking.token });
  const beforeChecks = vaultCalls;
  const started = performance.now();
  for (let i = 0; i < reads; i++) await read(checking.url, { 'X-Vault-Agent-Token': checking.token });
  const seconds = (performance.now() - started) / 1000;
  const callsTtl1 = vaultCalls - beforeChecks;

  const cached = new VaultClient({ baseUrl: runtime.apiUrl, token, cache: { maxStaleMs: 300_000 } });
  const inProcess = await sample(reads, () => cached.getSecret(name));

  const row = (label: string, s: Sample) =>
    `${label.padEnd(44)} p50 ${ms(s.median).padStart(9)}   p99 ${ms(s.p99).padStart(9)}`;
  const per1000 = (calls: number) => ((calls * 1000) / reads).toFixed(1);
  console.log(
    `${reads} sequential warm reads of one secret, Node ${process.version}, agent and vault on this machine`,
  );
  console.log(row('direct API call (GET /secrets/{name})', apiSample));
  console.log(row('through secrets agent (--ttl 300)', agentSample));
  console.log(row('in-process client cache (for reference)', inProcess));
  console.log(
    `agent/direct latency: p50 ${ratio(agentSample.median, apiSample.median)}, p99 ${ratio(agentSample.p99, apiSample.p99)}`,
  );
  console.log(
    `vault API calls per 1,000 reads: direct 1000; agent --ttl 300: ${per1000(callsTtl300)}; agent --ttl 1: ${per1000(callsTtl1)} (${reads} reads over ${seconds.toFixed(1)} s: one version check, a metadata call that is not audited, per --ttl)`,
  );
  await iamLoginLatency();
} finally {
  for (const child of agents) child.kill('SIGTERM');
  proxy.close();
  await runtime.close();
}

/** Milliseconds for a first call made by a fresh Node process with the client package as shipped. */
function firstCall(call: string, options: string, env: Record<string, string> = {}): Promise<number> {
  const client = join(dirname(cli), 'vault-client.js');
  const script = `const { VaultClient } = await import(${JSON.stringify(client)});
const started = performance.now();
const client = new VaultClient(${options});
await client.${call}();
process.stdout.write(String(performance.now() - started));`;
  return new Promise((resolve, reject) => {
    let out = '';
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('exit', (code) =>
      code === 0 ? resolve(Number(out)) : reject(new Error(`${call}: exit ${code}`)),
    );
  });
}

/** What IAM login adds, when the vault serves it with the local credentials. */
async function iamLoginLatency(): Promise<void> {
  const keys = {
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
  };
  Object.assign(process.env, keys);
  const client = new VaultClient({ baseUrl: runtime.apiUrl, auth: 'iam', retries: 0 });
  try {
    await client.iamLogin();
  } catch (error) {
    const why = error instanceof VaultApiError ? `${error.status} ${error.code}` : String(error);
    console.log(`IAM login: not measured (${why}: this vault does not log this principal in)`);
    return;
  }
  const rounds = 5;
  const cold = { iam: [] as number[], bearer: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    const options = (auth: string) => `{ baseUrl: ${JSON.stringify(runtime.apiUrl)}, ${auth}, retries: 0 }`;
    cold.iam.push(await firstCall('status', options("auth: 'iam'"), keys));
    cold.bearer.push(await firstCall('status', options(`token: ${JSON.stringify(token)}`)));
  }
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  const warm = await sample(Math.min(reads, 200), () => client.iamLogin(), 10);
  console.log(
    `IAM login: a fresh process's first call takes ${ms(median(cold.iam))} with auth: 'iam' against ${ms(median(cold.bearer))} with a token (median of ${rounds}): ${ms(median(cold.iam) - median(cold.bearer))} added once (credential chain loaded and resolved, request signed, token minted); a login alone, warm: p50 ${ms(warm.median)}, p99 ${ms(warm.p99)}, renewed at 80% of the token's life off the read path`,
  );
}
