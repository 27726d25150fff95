/**
 * IAM login from the client side (issue 19 item 2) against the in-process vault, which checks
 * SigV4 for real with the local credentials: the typed client with `auth: 'iam'` (default
 * credential chain, from the environment here), its renewal on a clock the test moves, and the
 * CLI's `login --iam` and `agent --iam` as processes.
 */
process.env.NOT_FOUND_MIN_MS = '0';

import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VaultApiError, VaultClient } from '../../shared/client/vault-client.ts';
import { builtCli, type CliUser, cliUser, credentialsPath, oneLine, secrets } from '../support/cli.ts';
import { type InProcessVault, startInProcessVault } from '../support/in-process-vault.ts';

/** The local credentials: what the local vault's SigV4 check knows as the local-dev role. */
const AWS_KEYS = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };
Object.assign(process.env, AWS_KEYS);

let vault: InProcessVault;
let user: CliUser;
const password = `iam-${Date.now().toString(36)}`;

beforeAll(async () => {
  vault = await startInProcessVault({
    iamPrincipals: [
      {
        arn: 'arn:aws:iam::000000000000:role/local-dev',
        subject: 'iam-app',
        scopes: ['user'],
        roles: ['iam-apps'],
      },
    ],
  });
  user = cliUser();
  const writer = await vault.issuer.mint({
    sub: 'iam-writer',
    scopes: ['user', 'vaultAdd'],
    roles: ['iam-apps', 'other'],
  });
  for (const [name, role] of [
    ['iam/db', 'iam-apps'],
    ['iam/hidden', 'other'],
  ] as const) {
    const created = await vault.call(writer, 'POST', '/secrets', {
      name,
      data: { password },
      read_roles: [{ id: role }],
    });
    expect(created.status).toBe(201);
  }
}, 60_000);

afterAll(async () => {
  await vault?.close();
});

/** fetch, noting each request's path and bearer token: what the client sent, in order. */
function watched() {
  const sent: Array<{ path: string; bearer: string | undefined }> = [];
  const fetcher: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    sent.push({
      path: new URL(String(input)).pathname,
      bearer: headers.get('authorization')?.replace(/^Bearer /, ''),
    });
    return fetch(input, init);
  };
  const logins = () => sent.filter((request) => request.path.endsWith('/auth/iam')).length;
  return { sent, fetcher, logins };
}

describe("the client with auth: 'iam'", () => {
  it('logs in once with the default credential chain and reads what the mapped role may read, nothing else', async () => {
    const { fetcher, logins } = watched();
    const client = new VaultClient({ baseUrl: vault.runtime.apiUrl, auth: 'iam', fetch: fetcher });
    expect((await client.getSecret('iam/db')).data).toEqual({ password });
    expect((await client.getSecret('iam/db')).data).toEqual({ password });
    expect(logins()).toBe(1);
    await expect(client.getSecret('iam/hidden')).rejects.toMatchObject({ status: 404 });
  });

  it('renews the token once 80% of its life has passed, and logs in first once it has run out', async () => {
    let clock = Date.now();
    const { sent, fetcher, logins } = watched();
    const client = new VaultClient({
      baseUrl: vault.runtime.apiUrl,
      auth: 'iam',
      iam: { now: () => clock },
      fetch: fetcher,
    });
    await client.getSecret('iam/db');
    const lifetimeMs = 900_000; // the vault's default (IAM_LOGIN_TOKEN_TTL_SECONDS)
    clock += lifetimeMs * 0.79;
    await client.getSecret('iam/db');
    expect(logins()).toBe(1);
    clock += lifetimeMs * 0.02;
    // Past 80%: this read goes out with the current token while the renewal runs beside it.
    await client.getSecret('iam/db');
    const reads = () => sent.filter((request) => request.path.includes('/secrets/'));
    const first = reads()[0]!.bearer;
    expect(reads()[2]!.bearer).toBe(first);
    // Once the renewal's answer is in, reads carry the new token; no further login meanwhile.
    for (let i = 0; i < 100 && reads().at(-1)!.bearer === first; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      await client.getSecret('iam/db');
    }
    expect(reads().at(-1)!.bearer).not.toBe(first);
    expect(logins()).toBe(2);
    // Run out by the client's clock: the next read waits for a login and goes out after it.
    clock += lifetimeMs * 2;
    await client.getSecret('iam/db');
    expect(sent.at(-2)!.path).toMatch(/\/auth\/iam$/);
    expect(logins()).toBe(3);
  });

  it('fails typed when the vault refuses the signature: 403 in the error shape', async () => {
    const client = new VaultClient({
      baseUrl: vault.runtime.apiUrl,
      auth: 'iam',
      iam: { credentials: async () => ({ accessKeyId: 'local', secretAccessKey: 'not-the-secret' }) },
      retries: 0,
    });
    const refused = await client.getSecret('iam/db').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(VaultApiError);
    expect(refused).toMatchObject({ status: 403, code: 'PERMISSION_DENIED' });
  });
});

describe('the CLI', () => {
  it('secrets login --iam saves a login that later commands use, and agent --iam serves from it', async () => {
    const env = { ...AWS_KEYS, VAULT_URL: vault.runtime.apiUrl };
    const login = await secrets(user, ['login', '--iam', '--output', 'json'], { env });
    expect(login.err).not.toContain('error');
    expect(login.code).toBe(0);
    const saved = JSON.parse(readFileSync(credentialsPath(user), 'utf8')).logins[vault.runtime.apiUrl];
    expect(saved).toMatchObject({ subject: 'iam-app', method: 'iam' });
    const field = await secrets(user, ['get', 'iam/db', '--field', 'password'], {
      env: { VAULT_URL: vault.runtime.apiUrl },
    });
    expect(field).toMatchObject({ code: 0, out: `${password}\n` });
    // Expired, the saved IAM login is renewed the way it was made, not refused with "log in again".
    const file = JSON.parse(readFileSync(credentialsPath(user), 'utf8'));
    file.logins[vault.runtime.apiUrl].expires_at = new Date(Date.now() - 1000).toISOString();
    writeFileSync(credentialsPath(user), JSON.stringify(file));
    const renewed = await secrets(user, ['get', 'iam/db', '--field', 'password'], { env });
    expect(renewed).toMatchObject({ code: 0, out: `${password}\n` });
    const withoutKeys = await secrets(user, ['get', 'iam/db', '--field', 'password'], {
      env: { VAULT_URL: vault.runtime.apiUrl, AWS_EC2_METADATA_DISABLED: 'true' },
    });
    expect(withoutKeys.code).toBe(4);
    expect(oneLine(withoutKeys.err)).toBe(true);
    expect(withoutKeys.err).toContain('expired and no AWS credentials were found');

    const tokenFile = join(user.home, 'agent-token');
    const agent = spawn(
      process.execPath,
      [await builtCli(), 'agent', '--iam', '--port', '0', '--listen', '127.0.0.1', '--token-file', tokenFile],
      {
        cwd: user.cwd,
        env: { PATH: process.env.PATH ?? '', ...user.env, ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    agent.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    try {
      let port: string | undefined;
      for (let i = 0; i < 400 && !port && agent.exitCode === null; i++) {
        port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(err)?.[1];
        if (!port) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(port, err).toBeDefined();
      const reply = await fetch(`http://127.0.0.1:${port}/secrets/iam%2Fdb?field=password`, {
        headers: { 'X-Vault-Agent-Token': readFileSync(tokenFile, 'utf8').trim() },
      });
      expect(reply.status).toBe(200);
      expect(await reply.text()).toBe(password);
    } finally {
      agent.kill('SIGTERM');
    }
  });

  it('secrets login --iam without AWS credentials: one line, exit 4, nothing saved', async () => {
    const bare = cliUser();
    const result = await secrets(bare, ['login', '--iam'], {
      env: { VAULT_URL: vault.runtime.apiUrl, AWS_EC2_METADATA_DISABLED: 'true' },
    });
    expect(result.code).toBe(4);
    expect(oneLine(result.err)).toBe(true);
    expect(result.err).toContain('No AWS credentials found');
    expect(() => readFileSync(credentialsPath(bare))).toThrow();
  });
});
