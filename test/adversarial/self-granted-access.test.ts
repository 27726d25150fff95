/**
 * Nobody widens their own access. A manager (vaultManage), a writer (write role only) and an admin
 * each start unable to read a secret; through any sequence of their own requests (changing read
 * and write roles, writing data, deleting and restoring) none of them may ever obtain its data,
 * current or past: not by GET, not by ?version=N or ?stage=previous, not by batch read. Their
 * refused attempts are in the secret's audit trail.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessVault, startInProcessVault } from '../support/in-process-vault.ts';
import { USERS } from '../support/users.ts';

const MARKER = 'self-grant-marker';
const ROLE_POOL = ['owners', 'writers', 'mgr', 'adm', 'others'];
const ATTACKERS = {
  manager: { sub: 'mia', scopes: ['user', 'vaultManage'], roles: ['mgr'] },
  writer: { sub: 'walt', scopes: ['user'], roles: ['writers'] },
  admin: { sub: 'ada', scopes: ['user', 'admin'], roles: ['adm'] },
  'manager and writer': { sub: 'max', scopes: ['user', 'vaultManage'], roles: ['mgr', 'writers'] },
  // Acts with a vaultManage-only token, reads with a user-only token of the same identity.
  'manager splitting its scopes over two tokens': { sub: 'mona', scopes: ['vaultManage'], roles: ['mgr'] },
} as const;
/** A second token of the same identity: what the attacker reads with, besides its acting token. */
const READS_WITH: Partial<Record<keyof typeof ATTACKERS, { scopes: string[] }>> = {
  'manager splitting its scopes over two tokens': { scopes: ['user'] },
};

let vault: InProcessVault;
let owner: string;
let auditor: string;
const tokens: Record<string, string> = {};
const readTokens: Record<string, string[]> = {};

beforeAll(async () => {
  vault = await startInProcessVault();
  owner = await vault.issuer.mint(USERS.owner);
  auditor = await vault.issuer.mint(USERS.auditor);
  for (const [label, claims] of Object.entries(ATTACKERS)) {
    const mint = (scopes: readonly string[]) =>
      vault.issuer.mint({ ...claims, scopes: [...scopes], roles: [...claims.roles] });
    tokens[label] = await mint(claims.scopes);
    const other = READS_WITH[label as keyof typeof ATTACKERS];
    readTokens[label] = [tokens[label]!, ...(other ? [await mint(other.scopes)] : [])];
  }
});

afterAll(() => vault.close());

const api = (token: string, method: string, path: string, body?: unknown) =>
  vault.call(token, method, path, body);

const at = (name: string) => `/secrets/${encodeURIComponent(name)}`;
const roles = (ids: readonly string[]) => ids.map((id) => ({ id }));

let counter = 0;
/** A secret only `owners` read (and write) and `writers` write, with two versions of data. */
async function victim(): Promise<string> {
  const name = `grant/${counter++}`;
  const created = await api(owner, 'POST', '/secrets', {
    name,
    data: { password: `${MARKER}-v1` },
    read_roles: roles(['owners']),
    write_roles: roles(['writers', 'owners']),
  });
  expect(created.status, created.text).toBe(201);
  const updated = await api(owner, 'PUT', at(name), { data: { password: `${MARKER}-v2` } });
  expect(updated.json.version, updated.text).toBe(2);
  return name;
}

/** Every way to read data; none may carry it. */
async function expectNoData(tokens: readonly string[], name: string, step: string) {
  for (const token of tokens) await expectNoDataFor(token, name, step);
}

async function expectNoDataFor(token: string, name: string, step: string) {
  const replies = await Promise.all([
    api(token, 'GET', at(name)),
    api(token, 'GET', `${at(name)}?version=1`),
    api(token, 'GET', `${at(name)}?version=2`),
    api(token, 'GET', `${at(name)}?stage=previous`),
    api(token, 'POST', '/batch/secrets', { names: [name] }),
  ]);
  for (const reply of replies) {
    expect(reply.status, reply.text).toBeLessThan(500);
    expect(reply.text, `after ${step}`).not.toContain(MARKER);
    expect(reply.json.data, `after ${step}`).toBeUndefined();
  }
}

type Step =
  | { kind: 'read_roles'; ids: string[] }
  | { kind: 'write_roles'; ids: string[] }
  | { kind: 'data and read_roles'; ids: string[] }
  | { kind: 'patch of read_roles'; ids: string[] }
  | { kind: 'patch of data and write_roles'; ids: string[] }
  | { kind: 'delete and restore' };

const idsArb = fc.subarray(ROLE_POOL, { minLength: 1 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  idsArb.map((ids) => ({ kind: 'read_roles' as const, ids })),
  idsArb.map((ids) => ({ kind: 'write_roles' as const, ids })),
  idsArb.map((ids) => ({ kind: 'data and read_roles' as const, ids })),
  idsArb.map((ids) => ({ kind: 'patch of read_roles' as const, ids })),
  idsArb.map((ids) => ({ kind: 'patch of data and write_roles' as const, ids })),
  fc.constant({ kind: 'delete and restore' as const }),
);

async function perform(token: string, name: string, step: Step) {
  switch (step.kind) {
    case 'read_roles':
      return [await api(token, 'PUT', at(name), { read_roles: roles(step.ids) })];
    case 'write_roles':
      return [await api(token, 'PUT', at(name), { write_roles: roles(step.ids) })];
    case 'data and read_roles':
      return [await api(token, 'PUT', at(name), { data: { mine: 'x' }, read_roles: roles(step.ids) })];
    case 'patch of read_roles':
      return [await api(token, 'PATCH', at(name), { read_roles: roles(step.ids) })];
    case 'patch of data and write_roles':
      return [await api(token, 'PATCH', at(name), { data: { mine: 'x' }, write_roles: roles(step.ids) })];
    case 'delete and restore':
      return [await api(token, 'DELETE', at(name)), await api(token, 'POST', `/restore${at(name)}`)];
  }
}

describe('nobody widens their own access', () => {
  it.each(Object.keys(ATTACKERS))(
    '%s: no sequence of its own requests yields data it could not read before',
    async (label) => {
      const token = tokens[label]!;
      await fc.assert(
        fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 3 }), async (steps) => {
          const name = await victim();
          await expectNoData(readTokens[label]!, name, 'nothing');
          for (const step of steps) {
            for (const reply of await perform(token, name, step)) {
              expect(reply.status, `${step.kind}: ${reply.text}`).toBeLessThan(500);
              // A patch merges into data the attacker cannot read: no answer may carry any of it.
              expect(reply.text, step.kind).not.toContain(MARKER);
            }
            await expectNoData(readTokens[label]!, name, JSON.stringify(step));
          }
        }),
        { numRuns: 6, seed: 1313 },
      );
    },
  );

  it('a vaultManage-only token adding a role its identity holds is refused, though this token could not read', async () => {
    const name = await victim();
    const refused = await api(tokens['manager splitting its scopes over two tokens']!, 'PUT', at(name), {
      read_roles: roles(['owners', 'mgr']),
    });
    expect(refused.status, refused.text).toBe(403);
  });

  it('a manager adding its own role to read_roles is refused with 403, changes nothing and is audited', async () => {
    const name = await victim();
    const manager = tokens.manager!;
    const before = await api(owner, 'GET', `/metadata${at(name)}`);
    const refused = await api(manager, 'PUT', at(name), { read_roles: roles(['owners', 'mgr']) });
    expect(refused.status, refused.text).toBe(403);
    expect(refused.json.error_code).toBe('PERMISSION_DENIED');
    expect((await api(owner, 'GET', `/metadata${at(name)}`)).json).toEqual(before.json);
    const trail = await api(auditor, 'GET', `/audit?secret=${encodeURIComponent(name)}`);
    expect(trail.json.items).toContainEqual(
      expect.objectContaining({ action: 'update', outcome: 'denied', actor: 'mia' }),
    );
  });

  it('granting roles one does not hold, and a reader granting its own role, still work', async () => {
    const name = await victim();
    const granted = await api(tokens.manager!, 'PUT', at(name), { read_roles: roles(['owners', 'others']) });
    expect(granted.status, granted.text).toBe(200);
    const byReader = await api(owner, 'PUT', at(name), {
      read_roles: roles(['owners', 'others', 'writers']),
    });
    expect(byReader.status, byReader.text).toBe(200);
    // The writer can now read: a reader gave it that, not the writer itself.
    const read = await api(tokens.writer!, 'GET', at(name));
    expect(read.json.data).toEqual({ password: `${MARKER}-v2` });
  });
});
