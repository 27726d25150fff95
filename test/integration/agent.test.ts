/**
 * `secrets agent` (issue 19 item 3) as a sidecar runs it: the built CLI as a process, in front of
 * an in-process vault (real tokens, DynamoDB Local, the local KMS endpoint), read with plain curl.
 * The vault becoming unreachable is real too: the vault is stopped, last.
 */
process.env.NOT_FOUND_MIN_MS = '0';

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtCli, type CliUser, cliUser, oneLine, secrets } from '../support/cli.ts';
import { type InProcessVault, startInProcessVault } from '../support/in-process-vault.ts';

const run = promisify(execFile);
const HEADER = 'X-Vault-Agent-Token';

let vault: InProcessVault;
let user: CliUser;
let writer: string;
let app: string;
const name = 'apps/db';
const password = `pw-${Date.now().toString(36)}-first`;

interface RunningAgent {
  child: ChildProcess;
  port: number;
  tokenFile: string;
  token: string;
  stderr: () => string;
  stop: () => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `secrets agent` as a process; resolves once it says where it listens. */
async function startAgent(args: string[], env: Record<string, string> = {}): Promise<RunningAgent> {
  const tokenFile = join(user.home, `agent-token-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const child = spawn(
    process.execPath,
    [await builtCli(), 'agent', '--port', '0', '--listen', '127.0.0.1', '--token-file', tokenFile, ...args],
    {
      cwd: user.cwd,
      env: {
        PATH: process.env.PATH ?? '',
        ...user.env,
        VAULT_URL: vault.runtime.apiUrl,
        VAULT_TOKEN: app,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + 20_000;
  let port: number | undefined;
  while (port === undefined) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`agent did not start:\n${err}`);
    const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
    if (match) port = Number(match[1]);
    else await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    child,
    port,
    tokenFile,
    token: readFileSync(tokenFile, 'utf8').trim(),
    stderr: () => err,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** A plain curl, as an app in any language would call: status, headers and body. */
async function curl(url: string, headers: Record<string, string> = {}, method = 'GET') {
  const args = ['-sS', '-i', '-X', method, url];
  for (const [key, value] of Object.entries(headers)) args.push('-H', `${key}: ${value}`);
  const { stdout } = await run('curl', args);
  const [head = '', ...rest] = stdout.split('\r\n\r\n');
  const lines = head.split('\r\n');
  const status = Number(lines[0]!.split(' ')[1]);
  const headerMap = new Map(
    lines
      .slice(1)
      .map((line) => [
        line.slice(0, line.indexOf(':')).toLowerCase(),
        line.slice(line.indexOf(':') + 1).trim(),
      ]),
  );
  return { status, headers: headerMap, body: rest.join('\r\n\r\n') };
}

let agent: RunningAgent;
const at = (path: string) => `http://127.0.0.1:${agent.port}${path}`;
const withToken = () => ({ [HEADER]: agent.token });

beforeAll(async () => {
  vault = await startInProcessVault();
  user = cliUser();
  writer = await vault.issuer.mint({
    sub: 'agent-writer',
    scopes: ['user', 'vaultAdd', 'vaultManage'],
    roles: ['apps'],
  });
  app = await vault.issuer.mint({ sub: 'agent-app', scopes: ['user'], roles: ['apps'] });
  const created = await vault.call(writer, 'POST', '/secrets', {
    name,
    data: { password, port: 5432 },
    read_roles: [{ id: 'apps' }],
    write_roles: [{ id: 'apps' }],
  });
  expect(created.status).toBe(201);
  agent = await startAgent(['--ttl', '1', '--max-stale', '2']);
}, 60_000);

afterAll(async () => {
  if (agent?.child.exitCode === null) await agent.stop();
  await vault?.close();
});

describe('secrets agent', () => {
  it('writes its token to a file only its owner can read, and serves a secret to curl carrying it', async () => {
    expect(statSync(agent.tokenFile).mode & 0o777).toBe(0o600);
    expect(agent.stderr()).toContain(agent.tokenFile);
    expect(agent.token).toMatch(/^[\w-]{43}$/);
    for (const path of [`/secrets/${encodeURIComponent(name)}`, '/secrets/apps/db']) {
      const reply = await curl(at(path), withToken());
      expect(reply.status).toBe(200);
      expect(reply.headers.get('cache-control')).toBe('no-store');
      const secret = JSON.parse(reply.body);
      expect(secret).toMatchObject({ name, data: { password, port: 5432 } });
    }
  });

  it('refuses a request without the token (401) or with another (403), in the error shape, with no secret data', async () => {
    const missing = await curl(at('/secrets/apps/db'));
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.body)).toMatchObject({
      error_code: 'UNAUTHENTICATED',
      details: [{ error_code: 'TOKEN_MISSING' }],
      trace_id: expect.any(String),
    });
    const wrong = await curl(at('/secrets/apps/db'), { [HEADER]: `${agent.token.slice(0, -1)}x` });
    expect(wrong.status).toBe(403);
    expect(JSON.parse(wrong.body).error_code).toBe('PERMISSION_DENIED');
    for (const reply of [missing, wrong]) expect(reply.body).not.toContain(password);
    expect(agent.stderr()).not.toContain(password);
  });

  it('refuses forwarded requests, other Host names and anything but GET, as the AWS agent does', async () => {
    const forwarded = await curl(at('/secrets/apps/db'), {
      ...withToken(),
      'X-Forwarded-For': '203.0.113.9',
    });
    expect(forwarded.status).toBe(400);
    const rebound = await curl(at('/secrets/apps/db'), { ...withToken(), Host: 'attacker.example:2773' });
    expect(rebound.status).toBe(400);
    expect(JSON.parse(rebound.body).property).toBe('Host');
    const posted = await curl(at('/secrets/apps/db'), withToken(), 'POST');
    expect(posted.status).toBe(405);
    expect(posted.headers.get('allow')).toBe('GET, HEAD');
    for (const reply of [forwarded, rebound, posted]) expect(reply.body).not.toContain(password);
    expect((await curl(at('/ping'))).body).toBe('ok\n');
  });

  it('answers ?field= with the raw value as text, a non-string as JSON, a missing field as 404', async () => {
    const field = await curl(at('/secrets/apps/db?field=password'), withToken());
    expect(field.status).toBe(200);
    expect(field.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(field.body).toBe(password);
    expect((await curl(at('/secrets/apps/db?field=port'), withToken())).body).toBe('5432');
    const none = await curl(at('/secrets/apps/db?field=user'), withToken());
    expect(none.status).toBe(404);
    expect(JSON.parse(none.body)).toMatchObject({ error_code: 'OBJECT_NOT_FOUND', property: 'field' });
    const unknown = await curl(at('/secrets/apps/db?fields=password'), withToken());
    expect(unknown.status).toBe(400);
    expect((await curl(at('/secrets/apps/missing'), withToken())).status).toBe(404);
  });

  it('sees an update of the secret within its stale window (--ttl 1), and still serves an older version on ?version=', async () => {
    const before = await curl(at('/secrets/apps/db?field=password'), withToken());
    expect(before.body).toBe(password);
    const rotated = `pw-${Date.now().toString(36)}-rotated`;
    const updated = await vault.call(writer, 'PUT', `/secrets/${encodeURIComponent(name)}`, {
      data: { password: rotated, port: 5432 },
    });
    expect(updated.status).toBe(200);
    const changedAt = Date.now();
    let seen = '';
    while (seen !== rotated && Date.now() - changedAt < 5000) {
      seen = (await curl(at('/secrets/apps/db?field=password'), withToken())).body;
      if (seen !== rotated) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(seen).toBe(rotated);
    // Within the window plus one check; a missing cache would see it at once, a cache that never
    // checks would never see it.
    expect(Date.now() - changedAt).toBeLessThan(1000 + 2000);
    const old = await curl(at('/secrets/apps/db?field=password&version=1'), withToken());
    expect(old.body).toBe(password);
  });

  it('reads the vault once for many reads within --ttl: one audited read', async () => {
    const reader = await vault.issuer.mint({ sub: 'agent-cached', scopes: ['user'], roles: ['apps'] });
    const cached = await startAgent(['--ttl', '300'], { VAULT_TOKEN: reader });
    try {
      for (let i = 0; i < 10; i++)
        expect(
          (
            await curl(`http://127.0.0.1:${cached.port}/secrets/apps/db?field=port`, {
              [HEADER]: cached.token,
            })
          ).body,
        ).toBe('5432');
      const admin = await vault.issuer.mint({ sub: 'agent-auditor', scopes: ['admin'], roles: [] });
      const trail = await vault.call(
        admin,
        'GET',
        `/audit?secret=${encodeURIComponent(name)}&actor=agent-cached&offset=0&limit=100`,
      );
      expect(trail.status).toBe(200);
      const reads = (trail.json.items as Array<{ action: string; actor: string }>).filter(
        (item) => item.action === 'read' && item.actor === 'agent-cached',
      );
      expect(reads).toHaveLength(1);
    } finally {
      await cached.stop();
    }
  });

  it('never serves a secret past its expires time, even within --ttl', async () => {
    const cached = await startAgent(['--ttl', '300']);
    try {
      const expiring = `apps/expiring-${Date.now().toString(36)}`;
      const expires = new Date(Math.ceil((Date.now() + 2500) / 1000) * 1000)
        .toISOString()
        .replace('.000Z', 'Z');
      const created = await vault.call(writer, 'POST', '/secrets', {
        name: expiring,
        data: { password },
        read_roles: [{ id: 'apps' }],
        expires,
      });
      expect(created.status).toBe(201);
      const url = `http://127.0.0.1:${cached.port}/secrets/${expiring}?field=password`;
      expect((await curl(url, { [HEADER]: cached.token })).body).toBe(password);
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, Date.parse(expires) - Date.now()) + 1200),
      );
      const after = await curl(url, { [HEADER]: cached.token });
      expect(after.status).toBe(410);
      expect(JSON.parse(after.body).error_code).toBe('OBJECT_EXPIRED');
      expect(after.body).not.toContain(password);
    } finally {
      await cached.stop();
    }
  });

  it('refuses to listen on anything but loopback, in one line, exit 2', async () => {
    for (const address of ['0.0.0.0', '::', '10.0.0.1', 'example.com']) {
      const result = await secrets(user, ['agent', '--listen', address, '--port', '0'], {
        env: { VAULT_URL: vault.runtime.apiUrl, VAULT_TOKEN: app },
      });
      expect(result.code).toBe(2);
      expect(oneLine(result.err)).toBe(true);
      expect(result.err).toContain('loopback only');
      expect(result.err).not.toContain('listening');
    }
  });

  it('stops on SIGTERM with exit 0: no child left, its token file removed, its port closed', async () => {
    const other = await startAgent(['--ttl', '1']);
    const children = readdirSync('/proc').filter((entry) => {
      if (!/^\d+$/.test(entry)) return false;
      try {
        return (
          readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] ===
          String(other.child.pid)
        );
      } catch {
        return false;
      }
    });
    expect(children).toEqual([]);
    const { code, signal } = await other.stop();
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(existsSync(other.tokenFile)).toBe(false);
    await expect(fetch(`http://127.0.0.1:${other.port}/ping`)).rejects.toThrow();
  });

  it('serves a value the vault confirmed within --max-stale when the vault is down, saying so, then refuses (502)', async () => {
    expect((await curl(at('/secrets/apps/db?field=port'), withToken())).status).toBe(200);
    const confirmed = Date.now();
    await vault.close();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const stale = await curl(at('/secrets/apps/db?field=port'), withToken());
    expect(stale.status).toBe(200);
    expect(stale.body).toBe('5432');
    expect(stale.headers.get('cache-status')).toBe('vault-agent; hit; detail=NETWORK_ERROR');
    expect(Number(stale.headers.get('age'))).toBeGreaterThanOrEqual(1);
    // --ttl 1 + --max-stale 2: three seconds after the vault last confirmed it, no more.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, confirmed + 3200 - Date.now())));
    const gone = await curl(at('/secrets/apps/db?field=port'), withToken());
    expect(gone.status).toBe(502);
    expect(JSON.parse(gone.body).error_code).toBe('INTRA_SERVICE_COMMUNICATION_ERROR');
  });
});
