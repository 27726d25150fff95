/**
 * Every scope set × role set × name-bearing operation × shared/personal secret, checked against
 * an oracle written straight from API.md's rules (deliberately not the code's accessOf). Writes are
 * sent with a stale If-Match (or on a secret that is not deleted, or has no rotation), so an
 * authorized attempt shows as 412/422 and nothing changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../../shared/domain/model.ts';
import { type InProcessVault, startInProcessVault } from '../support/in-process-vault.ts';

type Outcome = 403 | 404 | 412 | 422 | '200+data' | '200';

const SCOPE_SETS: string[][] = [
  [],
  ...SCOPES.map((scope) => [scope]),
  ['user', 'vaultManage'],
  ['user', 'admin'],
];
const ROLE_SETS: string[][] = [[], ['R'], ['W'], ['R', 'W']];

const has = (scopes: string[], ...any: string[]) => any.some((scope) => scopes.includes(scope));

/** API.md, shared secrets (read role R, write role W). */
function sharedOracle(op: string, scopes: string[], roles: string[]): Outcome {
  const reader = has(scopes, 'user') && roles.includes('R');
  const writer = has(scopes, 'user') && roles.includes('W');
  const manager = has(scopes, 'vaultManage');
  if (op === 'delete' || op === 'restore') {
    if (!has(scopes, 'admin', 'vaultManage')) return 403;
    return op === 'delete' ? 412 : 422;
  }
  if (!has(scopes, 'user', 'vaultManage')) return 403;
  if (!reader && !writer && !manager) return 404;
  if (op === 'update' || op === 'patch' || op === 'rotate')
    return writer || manager ? (op === 'rotate' ? 422 : 412) : 403;
  if (op === 'get') return reader ? '200+data' : '200';
  return '200';
}

/** API.md, personal secrets of `owner`. */
function personalOracle(op: string, scopes: string[], isOwner: boolean): Outcome {
  if (!has(scopes, 'user', 'owner', 'vaultManage', 'admin')) return 403;
  if (!isOwner && !has(scopes, 'vaultManage', 'admin')) return 403;
  if (op === 'update' || op === 'patch' || op === 'delete') return 412;
  if (op === 'restore') return 422;
  if (op === 'get') return isOwner ? '200+data' : '200';
  return '200';
}

const SHARED_OPS: Record<string, { method: string; path: string }> = {
  get: { method: 'GET', path: '/secrets/m%2Fshared' },
  metadata: { method: 'GET', path: '/metadata/secrets/m%2Fshared' },
  versions: { method: 'GET', path: '/versions/secrets/m%2Fshared' },
  rotation: { method: 'GET', path: '/rotation/secrets/m%2Fshared' },
  update: { method: 'PUT', path: '/secrets/m%2Fshared' },
  patch: { method: 'PATCH', path: '/secrets/m%2Fshared' },
  rotate: { method: 'POST', path: '/rotate/secrets/m%2Fshared' },
  delete: { method: 'DELETE', path: '/secrets/m%2Fshared' },
  restore: { method: 'POST', path: '/restore/secrets/m%2Fshared' },
};
const PERSONAL_OPS: Record<string, { method: string; path: string }> = {
  get: { method: 'GET', path: '/user/olive/secrets/m%2Fmine' },
  metadata: { method: 'GET', path: '/user/olive/metadata/secrets/m%2Fmine' },
  versions: { method: 'GET', path: '/user/olive/versions/secrets/m%2Fmine' },
  update: { method: 'PUT', path: '/user/olive/secrets/m%2Fmine' },
  patch: { method: 'PATCH', path: '/user/olive/secrets/m%2Fmine' },
  delete: { method: 'DELETE', path: '/user/olive/secrets/m%2Fmine' },
  restore: { method: 'POST', path: '/user/olive/restore/secrets/m%2Fmine' },
};

let vault: InProcessVault;
let cells = 0;

beforeAll(async () => {
  vault = await startInProcessVault();
  const admin = await vault.issuer.mint({ sub: 'setup', scopes: ['vaultAdd'] });
  const olive = await vault.issuer.mint({ sub: 'olive', scopes: ['user'] });
  const post = (token: string, path: string, body: unknown) =>
    fetch(`${vault.runtime.apiUrl}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  expect(
    (
      await post(admin, '/secrets', {
        name: 'm/shared',
        data: { v: 's' },
        read_roles: [{ id: 'R' }],
        write_roles: [{ id: 'W' }],
      })
    ).status,
  ).toBe(201);
  expect((await post(olive, '/user/olive/secrets', { name: 'm/mine', data: { v: 'p' } })).status).toBe(201);
});

afterAll(async () => {
  console.log(`privilege matrix: ${cells} cells checked`);
  await vault.close();
});

async function outcomeOf(
  method: string,
  path: string,
  scopes: string[],
  roles: string[],
  sub: string,
): Promise<Outcome> {
  const token = await vault.issuer.mint({ sub, scopes, roles });
  const response = await fetch(`${vault.runtime.apiUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'If-Match': '"999"' },
    ...((method === 'PUT' || method === 'PATCH') && { body: JSON.stringify({ data: { v: 'changed' } }) }),
  });
  const body = (await response.json()) as { data?: unknown };
  if (response.status === 200) return body.data === undefined ? '200' : '200+data';
  return response.status as Outcome;
}

describe('privilege matrix', () => {
  for (const [op, { method, path }] of Object.entries(SHARED_OPS)) {
    it(`shared secret, ${op}: every scope set × role set`, async () => {
      const mismatches: string[] = [];
      for (const scopes of SCOPE_SETS) {
        for (const roles of ROLE_SETS) {
          const expected = sharedOracle(op, scopes, roles);
          const actual = await outcomeOf(method, path, scopes, roles, 'someone');
          cells++;
          if (actual !== expected)
            mismatches.push(`scopes=[${scopes}] roles=[${roles}]: expected ${expected}, got ${actual}`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  }
  for (const [op, { method, path }] of Object.entries(PERSONAL_OPS)) {
    it(`personal secret, ${op}: every scope set, owner and not`, async () => {
      const mismatches: string[] = [];
      for (const scopes of SCOPE_SETS) {
        for (const sub of ['olive', 'someone-else']) {
          const expected = personalOracle(op, scopes, sub === 'olive');
          const actual = await outcomeOf(method, path, scopes, ['R', 'W'], sub);
          cells++;
          if (actual !== expected)
            mismatches.push(`scopes=[${scopes}] sub=${sub}: expected ${expected}, got ${actual}`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  }

  it('nothing in the matrix changed a secret', async () => {
    const olive = await vault.issuer.mint({ sub: 'olive', scopes: ['user'], roles: ['R'] });
    const shared = await fetch(`${vault.runtime.apiUrl}/secrets/m%2Fshared`, {
      headers: { Authorization: `Bearer ${olive}` },
    });
    expect(await shared.json()).toMatchObject({ version: 1, data: { v: 's' } });
    const mine = await fetch(`${vault.runtime.apiUrl}/user/olive/secrets/m%2Fmine`, {
      headers: { Authorization: `Bearer ${olive}` },
    });
    expect(await mine.json()).toMatchObject({ version: 1, data: { v: 'p' } });
  });
});
