/**
 * The real PrivX Python SDK (issue 14, "PrivX drop-in"): `test/e2e/python/smoke.py` drives every
 * vault method of privx-sdk-for-python (vendored in `test/e2e/python/privx_api`, see its
 * README.txt) against the e2e vault, through the SDK's own `PrivXAPI` and its own login.
 *
 * The SDK speaks only HTTPS, so the vault is put behind a TLS front with a throwaway self-signed
 * certificate (made by `openssl`), handed to the SDK as its `ca_cert`, as for a real PrivX: the
 * SDK runs unmodified. Needs `python3` (3.8+) and `openssl`; without either the test fails, unless
 * `VAULT_SKIP_PYTHON=1`.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { baseUrl, recordSent, token } from '../support/http.ts';

const run = promisify(execFile);
const PYTHON = process.env.PYTHON ?? 'python3';
const SMOKE = 'test/e2e/python/smoke.py';
const skip = process.env.VAULT_SKIP_PYTHON === '1';

/** Every vault method of privx_api v43.0.0 (`VaultAPI` in privx_api/vault.py). */
const SDK_VAULT_METHODS = [
  'create_secret',
  'create_user_secret',
  'delete_secret',
  'delete_user_secret',
  'get_secret',
  'get_secret_metadata',
  'get_secrets',
  'get_user_secret',
  'get_user_secret_metadata',
  'get_user_secrets',
  'get_vault_schemas',
  'get_vault_service_status',
  'search_secrets',
  'update_secret',
  'update_user_secret',
];

interface Line {
  method?: string;
  step?: string;
  ok?: boolean;
  status?: number;
  data?: unknown;
  summary?: string;
  sdk_vault_methods?: string[];
  failed?: string[];
  [field: string]: unknown;
}

/** Data that tends to break a round trip: non-ASCII (Python sends it as \u escapes), markup, nesting, types. */
const secretData = (kind: string) => ({
  username: `py-${kind}-${randomUUID()}`,
  password: `pw-${randomUUID()}`,
  note: `Grüße, 東京 & <b>"quoted"</b> \\ back\nslash ✓ 🔑 ${kind}`,
  port: 5432,
  ratio: 0.25,
  enabled: true,
  nothing: null,
  list: [1, 'two', { three: [3.5, false] }],
  nested: { deeper: { kind, empty: {}, none: [] } },
});

async function need(command: string, args: string[]): Promise<void> {
  try {
    await run(command, args);
  } catch (error) {
    throw new Error(
      `${command} is needed for the PrivX Python SDK smoke test (${(error as Error).message}); ` +
        'install it, or set VAULT_SKIP_PYTHON=1 to skip this test',
    );
  }
}

/** A TLS front for the vault with a fresh self-signed certificate for 127.0.0.1 (its PEM is returned). */
async function tlsFront(dir: string): Promise<{ server: Server; url: string; caFile: string }> {
  const keyFile = join(dir, 'key.pem');
  const caFile = join(dir, 'cert.pem');
  // Self-signed, so it is its own CA; marked as one (critical basicConstraints) to pass strict X.509 checks.
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,digitalSignature,keyCertSign',
    '-keyout',
    keyFile,
    '-out',
    caFile,
  ]);
  const vault = new URL(baseUrl());
  const server = createServer({ key: readFileSync(keyFile), cert: readFileSync(caFile) }, (client) => {
    const upstream = connect({ host: vault.hostname, port: Number(vault.port) });
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `https://127.0.0.1:${port}`, caFile };
}

/** Settings smoke.py reads from its environment: secrets go there, not on its command line. */
const SMOKE_ENV = [
  'VAULT_URL',
  'VAULT_CA_FILE',
  'VAULT_TOKEN',
  'VAULT_SMOKE_DATA',
  'PRIVX_API_CLIENT_ID',
  'PRIVX_API_CLIENT_SECRET',
  'PRIVX_OAUTH_CLIENT_ID',
  'PRIVX_OAUTH_CLIENT_SECRET',
];

async function smoke(
  settings: Record<string, string>,
): Promise<{ code: number; lines: Line[]; stderr: string }> {
  const env = { ...process.env };
  for (const name of SMOKE_ENV) delete env[name];
  const child = await run(PYTHON, [SMOKE], { env: { ...env, ...settings }, timeout: 25_000 }).then(
    (done) => ({ code: 0, ...done }),
    (failed: { code?: number; stdout?: string; stderr?: string; message: string }) => ({
      code: typeof failed.code === 'number' ? failed.code : -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr || failed.message,
    }),
  );
  const lines = child.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Line);
  return { code: child.code, lines, stderr: child.stderr };
}

/** Every SDK vault method called, every call passed, and each read gave back exactly what was written. */
function expectAllPassed(
  result: { code: number; lines: Line[]; stderr: string },
  data: Record<string, ReturnType<typeof secretData>>,
): void {
  const { code, lines, stderr } = result;
  // A method may fail only as a deliberate difference smoke.py names (none today).
  const failed = lines.filter(
    (line) => line.method !== undefined && line.ok !== true && line.deliberate === undefined,
  );
  expect(failed, stderr).toEqual([]);
  expect(code, `${stderr}\n${lines.map((line) => JSON.stringify(line)).join('\n')}`).toBe(0);
  const summary = lines.at(-1)!;
  expect(summary).toMatchObject({ ok: true, failed: [] });
  // The SDK's own list (read from its code by smoke.py) is the one this test expects, all called.
  expect(summary.sdk_vault_methods).toEqual(SDK_VAULT_METHODS);
  const called = new Set(lines.map((line) => line.method).filter(Boolean));
  for (const method of SDK_VAULT_METHODS) expect(called, method).toContain(method);

  const read = (method: string, step?: string) =>
    lines.find((line) => line.method === method && line.step === step)?.data;
  expect(read('get_secret')).toEqual(data.shared);
  expect(read('get_secret', 'after update')).toEqual(data.shared_updated);
  expect(read('get_user_secret')).toEqual(data.personal);
  expect(read('get_user_secret', 'after update')).toEqual(data.personal_updated);
  expect(lines.find((line) => line.step === 'after delete' && line.method === 'get_secret')?.status).toBe(
    404,
  );
  expect(
    lines.find((line) => line.step === 'after delete' && line.method === 'get_user_secret')?.status,
  ).toBe(404);
}

function freshData() {
  const data = {
    shared: secretData('shared'),
    shared_updated: secretData('shared_updated'),
    personal: secretData('personal'),
    personal_updated: secretData('personal_updated'),
  };
  recordSent(Object.values(data).flatMap((value) => [value.username, value.password, value.note]));
  return data;
}

describe.skipIf(skip)('PrivX Python SDK (privx-sdk-for-python v43.0.0) against the vault', () => {
  let dir: string;
  let front: Awaited<ReturnType<typeof tlsFront>>;

  beforeAll(async () => {
    await need(PYTHON, ['--version']);
    await need('openssl', ['version']);
    dir = mkdtempSync(join(tmpdir(), 'vault-python-sdk-'));
    front = await tlsFront(dir);
  });

  afterAll(async () => {
    if (front) await new Promise((resolve) => front.server.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('every vault method works through the SDK and its own PrivX OAuth login', async () => {
    const clients = JSON.parse(readFileSync(join(inject('vaultStateDir'), 'api-clients.json'), 'utf8'));
    const [client] = clients.clients;
    const data = freshData();
    recordSent([client.secret, clients.oauthClient.secret]);
    const result = await smoke({
      VAULT_URL: front.url,
      VAULT_CA_FILE: front.caFile,
      PRIVX_OAUTH_CLIENT_ID: clients.oauthClient.id,
      PRIVX_OAUTH_CLIENT_SECRET: clients.oauthClient.secret,
      PRIVX_API_CLIENT_ID: client.id,
      PRIVX_API_CLIENT_SECRET: client.secret,
      VAULT_SMOKE_DATA: JSON.stringify(data),
    });
    expectAllPassed(result, data);
    expect(result.lines[0]).toMatchObject({ transport: 'https', auth: 'oauth password grant' });
    expect(result.lines.find((line) => line.method === 'authenticate')).toMatchObject({ ok: true });
  });

  it('again on the same server, with a bearer token set where the SDK keeps its own (as on AWS)', async () => {
    const role = `py-sdk-${randomUUID()}`;
    const bearer = await token({
      sub: `py-sdk-user-${randomUUID()}`,
      scopes: ['user', 'vaultAdd', 'vaultManage'],
      roles: [role],
    });
    recordSent([bearer]);
    const data = freshData();
    const result = await smoke({
      VAULT_URL: front.url,
      VAULT_CA_FILE: front.caFile,
      VAULT_TOKEN: bearer,
      VAULT_SMOKE_DATA: JSON.stringify(data),
    });
    expectAllPassed(result, data);
    expect(result.lines[0]).toMatchObject({ transport: 'https', auth: 'bearer token' });
  });
});
