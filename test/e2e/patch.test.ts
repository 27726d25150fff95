/**
 * PATCH as API consumers meet it: the typed client's patchSecret (a merge patch, sent as
 * application/merge-patch+json, every answer checked against the served OpenAPI document) and the
 * CLI's `secrets patch`, which no longer reads the data to write it back.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../shared/client/cli/exit-codes.ts';
import { VaultApiError, VaultClient } from '../../shared/client/vault-client.ts';
import { cliUser, secrets } from '../support/cli.ts';
import { apiUrl, recordSent, token, uniqueName } from '../support/http.ts';
import { checkedFetch } from '../support/openapi-check.ts';

const OPS = { sub: 'ops-patch', scopes: ['user', 'vaultAdd', 'vaultManage', 'admin'], roles: ['app'] };
/** May write the secrets below, never read them. */
const WRITER = { sub: 'walt-patch', scopes: ['user'], roles: ['patch-writers'] };

let ops: VaultClient;
const sent: Array<{ method: string; contentType: string | null }> = [];

beforeAll(async () => {
  const recording: typeof fetch = (input, init) => {
    sent.push({ method: init?.method ?? 'GET', contentType: new Headers(init?.headers).get('content-type') });
    return checkedFetch(input, init);
  };
  ops = new VaultClient({ baseUrl: apiUrl(''), token: await token(OPS), fetch: recording });
});

/** A secret `app` reads and writes and `patch-writers` only writes. */
async function secret(data: Record<string, unknown>): Promise<string> {
  const name = uniqueName('patch/db');
  await ops.createSecret(name, {
    data,
    read_roles: [{ id: 'app' }],
    write_roles: [{ id: 'app' }, { id: 'patch-writers' }],
  });
  return name;
}

describe('client.patchSecret', () => {
  it('merges the fields named into the stored ones, as a merge patch, and honours ifMatch', async () => {
    const name = await secret({ user: 'orders', password: 'first', opts: { ssl: true, pool: 5 } });
    const written = await ops.patchSecret(name, { data: { password: 'second', opts: { pool: null } } });
    expect(written).toEqual({ name, version: 2 });
    expect(sent.at(-1)).toEqual({ method: 'PATCH', contentType: 'application/merge-patch+json' });
    expect((await ops.getSecret(name)).data).toEqual({
      user: 'orders',
      password: 'second',
      opts: { ssl: true },
    });

    const stale = await ops.patchSecret(name, { description: 'x' }, { ifMatch: 1 }).catch((error) => error);
    expect(stale).toBeInstanceOf(VaultApiError);
    expect(stale).toMatchObject({ status: 412, code: 'PRECONDITION_FAILED' });
    expect((await ops.patchSecret(name, { description: 'orders' }, { ifMatch: 2 })).version).toBe(3);
    const refused = await ops.patchSecret(name, { tags: 'ops' } as never).catch((error) => error);
    expect(refused).toMatchObject({ status: 400, code: 'VALUE_INCORRECT_TYPE', property: 'tags' });
  });

  it('patches a personal secret with the owner option', async () => {
    const alice = new VaultClient({
      baseUrl: apiUrl(''),
      token: await token({ sub: 'alice-patch', scopes: ['user'] }),
      fetch: checkedFetch,
    });
    const name = uniqueName('patch/mine');
    await alice.createSecret(name, { data: { pin: 1, user: 'alice' } }, { owner: 'alice-patch' });
    await alice.patchSecret(name, { data: { pin: 2 } }, { owner: 'alice-patch' });
    expect((await alice.getSecret(name, { owner: 'alice-patch' })).data).toEqual({ pin: 2, user: 'alice' });
  });
});

describe('secrets patch', () => {
  it('a writer who may not read sets one field: the others are kept and never reach it', async () => {
    const hidden = uniqueName('kept-password');
    recordSent([hidden]);
    const name = await secret({ user: 'orders', password: hidden });
    const user = cliUser();
    const writer = await token(WRITER);
    const patched = await secrets(user, ['patch', name, '--field', 'api_key', '--value-stdin'], {
      env: { VAULT_URL: apiUrl(''), VAULT_TOKEN: writer },
      stdin: 'from-walt\n',
    });
    expect(patched.code, patched.err).toBe(EXIT.ok);
    expect(patched.err).toContain(
      `updating "${name}" (version 1): read roles: app; write roles: app, patch-writers`,
    );
    expect(`${patched.out}${patched.err}`).not.toContain(hidden);
    // A read-modify-write by a writer without the data would have written {api_key} alone.
    expect((await ops.getSecret(name)).data).toEqual({
      user: 'orders',
      password: hidden,
      api_key: 'from-walt',
    });

    const removed = await secrets(user, ['patch', name, '--field', 'user', '--value', 'null', '--json'], {
      env: { VAULT_URL: apiUrl(''), VAULT_TOKEN: writer },
    });
    expect(removed.code, removed.err).toBe(EXIT.ok);
    expect((await ops.getSecret(name)).data).toEqual({ password: hidden, api_key: 'from-walt' });
  });
});
