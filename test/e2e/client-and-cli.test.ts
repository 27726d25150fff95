import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, EXIT, exitCodeOf, runCli } from '../../shared/client/cli/run.ts';
import { VaultApiError, VaultClient } from '../../shared/client/vault-client.ts';
import { ProblemResponse } from '../../shared/schemas.ts';
import { apiUrl, call, token, uniqueName } from '../support/http.ts';
import { checkedFetch } from '../support/openapi-check.ts';
import { USERS } from '../support/users.ts';

let ops: string;
let client: VaultClient;

beforeAll(async () => {
  ops = await token(USERS.ops);
  // Every response the client and the CLI receive is checked against the served OpenAPI document.
  client = new VaultClient({ baseUrl: apiUrl(''), token: ops, fetch: checkedFetch });
});

/**
 * A fetch that fails the first `failures` calls with `status` (and Retry-After), then passes
 * through to the vault; it records when each call came.
 */
function flakyFetch(failures: number, status: number, retryAfter = '0') {
  const state = { calls: 0, at: [] as number[] };
  const wrapped: typeof fetch = async (input, init) => {
    state.calls++;
    state.at.push(performance.now());
    if (state.calls <= failures) {
      return new Response(
        JSON.stringify({ error_code: 'DATABASE_ERROR', error_message: 'busy', trace_id: 't' }),
        {
          status,
          headers: { 'Content-Type': 'application/json', 'Retry-After': retryAfter },
        },
      );
    }
    return checkedFetch(input, init);
  };
  return { wrapped, state };
}

describe('typed client', () => {
  it('creates, reads, updates, deletes and restores, with typed errors by error_code', async () => {
    const name = uniqueName('client/db');
    await client.createSecret(name, {
      data: { password: 'c1' },
      read_roles: [{ id: 'app' }],
      write_roles: [{ id: 'app' }],
    });
    expect((await client.getSecret(name)).data).toEqual({ password: 'c1' });
    expect((await client.updateSecret(name, { data: { password: 'c2' } })).version).toBe(2);
    const stale = await client
      .updateSecret(name, { data: { password: 'x' } }, { ifMatch: 1 })
      .catch((error) => error);
    expect(stale).toBeInstanceOf(VaultApiError);
    expect(stale).toMatchObject({ status: 412, code: 'PRECONDITION_FAILED' });
    await client.deleteSecret(name);
    const missing = await client.getSecret(name).catch((error) => error);
    expect(missing).toMatchObject({
      status: 404,
      code: 'OBJECT_NOT_FOUND',
      notFound: true,
      traceId: expect.any(String),
    });
    await client.restoreSecret(name);
    expect((await client.getSecret(name)).data).toEqual({ password: 'c2' });
  });

  it('iterates list and search results across pages', async () => {
    const prefix = uniqueName('client-page');
    for (let i = 0; i < 7; i++)
      await client.createSecret(`${prefix}-${i}`, { data: { i }, read_roles: [{ id: 'app' }] });
    const names: string[] = [];
    for await (const secret of client.searchSecrets({ keywords: prefix }, { pageSize: 3, sortdir: 'DESC' }))
      names.push(secret.name);
    expect(names).toEqual(Array.from({ length: 7 }, (_, i) => `${prefix}-${6 - i}`));
  });

  it('retries 503 and 429 with backoff (and a create stays single thanks to its idempotency key), not 404', async () => {
    const name = uniqueName('client-retry');
    const flaky = flakyFetch(2, 503);
    const retrying = new VaultClient({ baseUrl: apiUrl(''), token: ops, fetch: flaky.wrapped });
    await retrying.createSecret(name, { data: { v: 1 }, read_roles: [{ id: 'app' }] });
    expect(flaky.state.calls).toBe(3);
    const throttled = flakyFetch(1, 429);
    await new VaultClient({ baseUrl: apiUrl(''), token: ops, fetch: throttled.wrapped }).getSecret(name);
    expect(throttled.state.calls).toBe(2);
    const notFound = flakyFetch(0, 200);
    await new VaultClient({ baseUrl: apiUrl(''), token: ops, fetch: notFound.wrapped })
      .getSecret(`${name}-missing`)
      .catch(() => undefined);
    expect(notFound.state.calls).toBe(1);
    const giveUp = flakyFetch(10, 503);
    const error = await new VaultClient({
      baseUrl: apiUrl(''),
      token: ops,
      fetch: giveUp.wrapped,
      retries: 2,
    })
      .getSecret(name)
      .catch((e) => e);
    expect(error).toMatchObject({ status: 503, retryable: true });
    expect(giveUp.state.calls).toBe(3);
  });

  it('waits as long as Retry-After asks before retrying, and gives up at once on a wait beyond its limit', async () => {
    const name = uniqueName('client-retry-after');
    await client.createSecret(name, { data: { v: 1 }, read_roles: [{ id: 'app' }] });
    const patient = flakyFetch(1, 429, '1');
    await new VaultClient({ baseUrl: apiUrl(''), token: ops, fetch: patient.wrapped }).getSecret(name);
    expect(patient.state.calls).toBe(2);
    // Not a speed figure: the retry must not come before the second the vault asked for.
    expect(patient.state.at[1]! - patient.state.at[0]!).toBeGreaterThanOrEqual(990);
    const tooLong = flakyFetch(1, 503, '3600');
    const error = await new VaultClient({ baseUrl: apiUrl(''), token: ops, fetch: tooLong.wrapped })
      .getSecret(name)
      .catch((e) => e);
    expect(error).toMatchObject({ status: 503, retryAfterMs: 3_600_000 });
    expect(tooLong.state.calls).toBe(1);
  });

  it('times out a hung request', async () => {
    const hung: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)),
      );
    const slow = new VaultClient({
      baseUrl: apiUrl(''),
      token: ops,
      fetch: hung,
      timeoutMs: 200,
      retries: 0,
    });
    const started = Date.now();
    await expect(slow.status()).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('caches reads, and a new version reaches the cached reader within maxStaleMs', async () => {
    const name = uniqueName('client-cache');
    await client.createSecret(name, {
      data: { password: 'old' },
      read_roles: [{ id: 'app' }],
      write_roles: [{ id: 'app' }],
    });
    const counting = flakyFetch(0, 200);
    const cached = new VaultClient({
      baseUrl: apiUrl(''),
      token: ops,
      fetch: counting.wrapped,
      cache: { maxStaleMs: 400 },
    });
    expect((await cached.getSecret(name)).data).toEqual({ password: 'old' });
    expect((await cached.getSecret(name)).data).toEqual({ password: 'old' });
    expect(counting.state.calls).toBe(1);
    await client.updateSecret(name, { data: { password: 'new' } });
    // Within the bound a cached reader may still see the old value; after it, never.
    await new Promise((done) => setTimeout(done, 450));
    expect((await cached.getSecret(name)).data).toEqual({ password: 'new' });
    const before = counting.state.calls;
    await new Promise((done) => setTimeout(done, 450));
    expect((await cached.getSecret(name)).data).toEqual({ password: 'new' });
    // An unchanged version costs one metadata call, not a read of the value.
    expect(counting.state.calls - before).toBe(1);
  });

  it("the read cache never serves a value after its expires time: the reader gets the vault's 410", async () => {
    const name = uniqueName('client-cache-expiring');
    const expires = Date.now() + 2_000;
    await client.createSecret(name, {
      data: { password: 'short-lived' },
      read_roles: [{ id: 'app' }],
      expires: new Date(expires).toISOString(),
    });
    // One reader inside its staleness window, one that re-checks the metadata on every read.
    const readers = [60_000, 100].map((maxStaleMs) => {
      const counting = flakyFetch(0, 200);
      return {
        counting,
        client: new VaultClient({
          baseUrl: apiUrl(''),
          token: ops,
          fetch: counting.wrapped,
          cache: { maxStaleMs },
        }),
      };
    });
    for (const reader of readers) {
      expect((await reader.client.getSecret(name)).data).toEqual({ password: 'short-lived' });
      expect((await reader.client.getSecret(name)).data).toEqual({ password: 'short-lived' });
    }
    // Before expiry the value came from memory: one read of the value each.
    expect(readers[0]!.counting.state.calls).toBe(1);
    await new Promise((done) => setTimeout(done, expires - Date.now() + 100));
    for (const reader of readers) {
      await expect(reader.client.getSecret(name)).rejects.toMatchObject({
        status: 410,
        code: 'OBJECT_EXPIRED',
      });
      // And it stays refused: nothing was left in memory to fall back on.
      await expect(reader.client.getSecret(name)).rejects.toMatchObject({
        status: 410,
        code: 'OBJECT_EXPIRED',
      });
    }
  });

  it('an expiry set after a value was cached reaches the cached reader at its next check', async () => {
    const name = uniqueName('client-cache-new-expiry');
    await client.createSecret(name, {
      data: { password: 'kept' },
      read_roles: [{ id: 'app' }],
      write_roles: [{ id: 'app' }],
    });
    const cached = new VaultClient({
      baseUrl: apiUrl(''),
      token: ops,
      fetch: checkedFetch,
      cache: { maxStaleMs: 100 },
    });
    expect((await cached.getSecret(name)).data).toEqual({ password: 'kept' });
    const expires = Date.now() + 1_500;
    await client.updateSecret(name, { expires: new Date(expires).toISOString() });
    await new Promise((done) => setTimeout(done, 150));
    expect((await cached.getSecret(name)).data).toEqual({ password: 'kept' });
    await new Promise((done) => setTimeout(done, expires - Date.now() + 100));
    await expect(cached.getSecret(name)).rejects.toMatchObject({ status: 410, code: 'OBJECT_EXPIRED' });
  });
});

describe('RFC 9457', () => {
  it('problem+json on request, with the same error_code; the PrivX shape otherwise', async () => {
    const path = `/secrets/${encodeURIComponent(uniqueName('nope'))}`;
    const problem = await call('GET', path, { token: ops, headers: { Accept: 'application/problem+json' } });
    expect(problem.status).toBe(404);
    expect(problem.headers.get('content-type')).toBe('application/problem+json');
    expect(ProblemResponse.parse(problem.json)).toMatchObject({
      status: 404,
      title: 'Not Found',
      error_code: 'OBJECT_NOT_FOUND',
      detail: 'Secret not found',
    });
    const invalid = await call('POST', '/secrets', {
      token: ops,
      body: { data: 1 },
      headers: { Accept: 'application/problem+json' },
    });
    expect(invalid.json).toMatchObject({
      status: 400,
      error_code: 'INVALID_REQUEST_DATA',
      details: expect.any(Array),
    });
    expect((await call('GET', path, { token: ops })).json).toMatchObject({
      error_code: 'OBJECT_NOT_FOUND',
      error_message: 'Secret not found',
    });
  });

  it('the OpenAPI document is served with the absolute URL it was reached at, for generated clients', async () => {
    const document = await call('GET', '/openapi.json');
    expect(document.status).toBe(200);
    expect(document.json.openapi).toBe('3.1.0');
    expect(document.json.servers).toEqual([{ url: apiUrl('') }]);
  });
});

describe('secrets CLI', () => {
  // The CLI's own config directory (its saved login) for this block only, never the user's.
  const config = mkdtempSync(join(tmpdir(), 'secrets-cli-config-'));
  function io(
    stdin = '',
    env: CliIo['env'] = { VAULT_TOKEN: ops },
  ): CliIo & { stdout: string[]; stderr: string[] } {
    const stdout: string[] = [];
    const stderr: string[] = [];
    return {
      stdout,
      stderr,
      out: (text) => stdout.push(text),
      err: (text) => stderr.push(text),
      stdin: async () => stdin,
      env: { VAULT_URL: apiUrl(''), HOME: config, XDG_CONFIG_HOME: config, ...env },
      fetch: checkedFetch,
    };
  }
  const run = async (args: string[], stdin?: string, env?: CliIo['env']) => {
    const streams = io(stdin, env);
    const code = await runCli(args, streams);
    return { code, out: streams.stdout.join('\n'), err: streams.stderr.join('\n') };
  };

  it('logs in, puts, lists, gets (masked unless asked), removes, restores, shows history and audit', async () => {
    const name = uniqueName('cli/db');
    // From here on the saved login is the only token: no VAULT_TOKEN.
    const cliUser = await token({
      sub: 'cli-user',
      scopes: ['user', 'vaultAdd', 'vaultManage', 'admin'],
      roles: ['app'],
    });
    expect((await run(['login', '--token-stdin'], cliUser, {})).code).toBe(EXIT.ok);
    const asLogin = (args: string[], stdin?: string) => run(args, stdin, {});
    expect(
      (
        await asLogin([
          'put',
          name,
          '--data',
          '{"password":"cli-value-1"}',
          '--read-role',
          'app',
          '--write-role',
          'app',
        ])
      ).code,
    ).toBe(EXIT.ok);
    expect(
      (await asLogin(['put', name, '--update', '--data-stdin'], '{"password":"cli-value-2"}')).code,
    ).toBe(EXIT.ok);
    const listed = await asLogin(['ls', '--search', name, '--output', 'json']);
    expect(JSON.parse(listed.out).map((s: { name: string }) => s.name)).toEqual([name]);
    const reads = async () =>
      JSON.parse((await asLogin(['audit', '--secret', name, '--output', 'json'])).out).filter(
        (e: { action: string }) => e.action === 'read',
      ).length;
    const readsBefore = await reads();
    const masked = await asLogin(['get', name]);
    expect(masked.code).toBe(EXIT.ok);
    expect(masked.out).toContain(name);
    expect(masked.out).not.toContain('cli-value');
    // A plain get reads the metadata only: the value never left the vault, so no read was recorded.
    expect(await reads()).toBe(readsBefore);
    expect((await asLogin(['get', name, '--reveal', '--output', 'json'])).out).toContain('cli-value-2');
    expect((await asLogin(['get', name, '--field', 'password'])).out).toBe('cli-value-2');
    expect((await asLogin(['get', name, '--version', '1', '--field', 'password'])).out).toBe('cli-value-1');
    expect(
      JSON.parse((await asLogin(['history', name, '--output', 'json'])).out).map(
        (v: { version: number }) => v.version,
      ),
    ).toEqual([2, 1]);
    expect((await asLogin(['rm', name])).code).toBe(EXIT.ok);
    expect((await asLogin(['get', name])).code).toBe(EXIT.notFound);
    expect((await asLogin(['restore', name])).code).toBe(EXIT.ok);
    const audit = await asLogin(['audit', '--secret', name, '--output', 'json']);
    expect(JSON.parse(audit.out).map((e: { action: string }) => e.action)).toContain('restore');
    expect(audit.out).not.toContain('cli-value');
  });

  it('exit codes scripts can rely on', async () => {
    expect((await run(['frobnicate'])).code).toBe(EXIT.usage);
    expect((await run(['get'])).code).toBe(EXIT.usage);
    expect((await run(['put', 'x', '--data', '{not json'])).code).toBe(EXIT.usage);
    expect((await run(['get', 'x', '--token', 'not-a-token'])).code).toBe(EXIT.notAllowed);
    expect((await run(['put', uniqueName('cli-bad'), '--data', '[1,2]'])).code).toBe(EXIT.invalid);
    expect((await run(['get', uniqueName('cli-missing')])).code).toBe(EXIT.notFound);
    const offline = await runCli(['ls', '--url', 'http://127.0.0.1:9/vault/api/v1'], io());
    expect(offline).toBe(EXIT.unavailable);
    // With --output json a script gets the error as JSON on stderr.
    const missing = await run(['get', uniqueName('cli-missing'), '--output', 'json']);
    expect(JSON.parse(missing.err)).toMatchObject({ status: 404, error_code: 'OBJECT_NOT_FOUND' });
    const taken = uniqueName('cli-taken');
    await client.createSecret(taken, { data: { v: 1 } });
    const conflicting = await client
      .updateSecret(taken, { data: { v: 2 } }, { ifMatch: 7 })
      .catch((error) => error);
    expect(exitCodeOf(conflicting)).toBe(EXIT.conflict);
  });

  describe('put never writes a value into a secret it did not create without saying so', () => {
    /**
     * Mallory creates the name first, readable by her role only and writable by the victim's team,
     * so that the victim's `put` of a new secret would hand her the value.
     */
    async function squat(name: string) {
      const mallory = await token({ sub: 'mallory', scopes: ['user', 'vaultAdd'], roles: ['mallory'] });
      const asMallory = new VaultClient({ baseUrl: apiUrl(''), token: mallory, fetch: checkedFetch });
      await asMallory.createSecret(name, {
        data: { password: 'bait' },
        read_roles: [{ id: 'mallory' }],
        write_roles: [{ id: 'team-b' }],
      });
      return asMallory;
    }
    const victim = () => token({ sub: 'bob', scopes: ['user', 'vaultAdd'], roles: ['team-b'] });

    it('a plain put of a taken name is refused with exit 5, as a real process, and nothing is written', async () => {
      const name = uniqueName('shared/squatted');
      const asMallory = await squat(name);
      const child = spawnSync(
        process.execPath,
        [
          ...['shared/client/cli.ts', 'put', name, '--data', '{"password":"bobs-secret"}'],
          ...['--token', await victim()],
        ],
        { env: { ...process.env, VAULT_URL: apiUrl('') }, encoding: 'utf8' },
      );
      expect(child.status).toBe(EXIT.conflict);
      expect(child.stderr).toContain('already exists');
      expect(child.stderr).toContain('read roles: mallory');
      expect(child.stderr).toContain('--update');
      expect(child.stdout).toBe('');
      const after = await asMallory.getSecret(name);
      expect(after).toMatchObject({ version: 1, data: { password: 'bait' } });
    });

    it('refused too for a manager, and for a writer who may not create secrets; JSON on stderr with --output json', async () => {
      const name = uniqueName('shared/squatted');
      const asMallory = await squat(name);
      const writer = await token({ sub: 'wendy', scopes: ['user'], roles: ['team-b'] });
      for (const caller of [ops, writer]) {
        const put = await run(['put', name, '--data', '{"v":"mine"}', '--token', caller, '--output', 'json']);
        expect(put.code).toBe(EXIT.conflict);
        expect(put.out).toBe('');
        expect(JSON.parse(put.err)).toMatchObject({
          error_code: 'VALUE_DUPLICATE',
          read_roles: [{ id: 'mallory' }],
          write_roles: [{ id: 'team-b' }],
        });
      }
      expect(await asMallory.getSecret(name)).toMatchObject({ version: 1, data: { password: 'bait' } });
    });

    it('put --update first says who will receive the value, then writes it under exactly those roles', async () => {
      const name = uniqueName('shared/squatted');
      const asMallory = await squat(name);
      // One timeline for what the CLI says and what it sends, to see which came first.
      const timeline: string[] = [];
      const streams = io();
      const put = await runCli(
        [
          'put',
          name,
          '--update',
          '--data',
          '{"password":"knowingly"}',
          '--token',
          await victim(),
          '--output',
          'json',
        ],
        {
          ...streams,
          err: (text) => timeline.push(`stderr ${text}`),
          fetch: (input, init) => {
            timeline.push(`${init?.method ?? 'GET'} ${String(input)}`);
            return checkedFetch(input, init);
          },
        },
      );
      expect(put).toBe(EXIT.ok);
      const notice = timeline.findIndex((line) => line.startsWith('stderr'));
      const write = timeline.findIndex((line) => line.startsWith('PUT'));
      expect(notice).toBeGreaterThanOrEqual(0);
      expect(notice).toBeLessThan(write);
      expect(timeline[notice]).toContain('read roles: mallory; write roles: team-b');
      expect(JSON.parse(streams.stdout.join('\n'))).toMatchObject({
        name,
        version: 2,
        read_roles: [{ id: 'mallory' }],
        write_roles: [{ id: 'team-b' }],
      });
      expect((await asMallory.getSecret(name)).data).toEqual({ password: 'knowingly' });
    });

    it('put --update names the owner of a personal secret', async () => {
      const owner = uniqueName('pia').replaceAll('/', '-');
      const own = await token({ sub: owner, scopes: ['user'] });
      await new VaultClient({ baseUrl: apiUrl(''), token: own, fetch: checkedFetch }).createSecret(
        'notes',
        { data: { v: 1 } },
        { owner },
      );
      const put = await run([
        'put',
        'notes',
        '--update',
        '--owner',
        owner,
        '--data',
        '{"v":2}',
        '--token',
        ops,
      ]);
      expect(put.code).toBe(EXIT.ok);
      expect(put.err).toContain(`owner: ${owner}`);
    });

    it('put --update of a missing name is refused with exit 3 and creates nothing', async () => {
      const name = uniqueName('cli-update-missing');
      const put = await run(['put', name, '--update', '--data', '{"v":1}', '--token', ops]);
      expect(put.code).toBe(EXIT.notFound);
      expect(put.err).toContain('--update writes only into an existing secret');
      expect((await run(['get', name, '--token', ops])).code).toBe(EXIT.notFound);
    });
  });

  it('lists personal secrets with --owner', async () => {
    const owner = uniqueName('olive').replaceAll('/', '-');
    const own = await token({ sub: owner, scopes: ['user'] });
    await new VaultClient({ baseUrl: apiUrl(''), token: own, fetch: checkedFetch }).createSecret(
      'notes',
      { data: { v: 1 } },
      { owner },
    );
    const listed = await run(['ls', '--owner', owner, '--token', own, '--output', 'json']);
    expect(listed.code).toBe(EXIT.ok);
    expect(JSON.parse(listed.out).map((s: { name: string }) => s.name)).toContain('notes');
  });

  it('runs as a real process: exit code and stderr as a shell sees them', async () => {
    const child = spawnSync(
      process.execPath,
      ['shared/client/cli.ts', 'get', uniqueName('cli-proc-missing'), '--token', ops],
      { env: { ...process.env, VAULT_URL: apiUrl('') }, encoding: 'utf8' },
    );
    expect(child.status).toBe(EXIT.notFound);
    expect(child.stderr).toContain('OBJECT_NOT_FOUND');
    expect(child.stdout).toBe('');
  });
});
