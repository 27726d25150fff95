/**
 * Role names are display text kept beside role ids (issue 14), found by the red team to break
 * writes in two ways: a role id that is an Object.prototype member name (`constructor`,
 * `__proto__`) was a 500, and long names on every listing entry pushed a maximal secret's writes
 * past DynamoDB's 4 MB transaction limit. Both are bounded or refused now, never a 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ROLES, MAX_TAGS } from '../../shared/schemas.ts';
import { type InProcessVault, startInProcessVault } from '../support/in-process-vault.ts';

const PROTOTYPE_IDS = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'];

let vault: InProcessVault;
let manager: string;

beforeAll(async () => {
  vault = await startInProcessVault();
  manager = await vault.issuer.mint({
    sub: 'ops',
    scopes: ['user', 'vaultAdd', 'vaultManage'],
    roles: [],
  });
});

afterAll(() => vault.close());

const at = (name: string) => `/secrets/${encodeURIComponent(name)}`;
const cjk = (length: number, offset = 0) =>
  Array.from({ length }, (_, i) => String.fromCodePoint(0x4e00 + ((offset * 7919 + i) % 20000))).join('');

describe('role names', () => {
  it.each(PROTOTYPE_IDS)('a role id %s with a name is stored and answered with it', async (id) => {
    const name = `proto/${id}`;
    const created = await vault.call(manager, 'POST', '/secrets', {
      name,
      data: { v: 1 },
      read_roles: [{ id, name: `Team ${id}` }],
      write_roles: [{ id: 'writers', name: 'Builders' }],
    });
    expect(created.status, created.text).toBe(201);
    const updated = await vault.call(manager, 'PUT', at(name), {
      write_roles: [{ id: 'writers', name: 'Builders 2' }],
    });
    expect(updated.status, updated.text).toBe(200);
    const read = await vault.call(manager, 'GET', `/metadata${at(name)}`);
    expect(read.json.read_roles).toEqual([{ id, name: `Team ${id}`, deleted: false }]);
    expect(read.json.write_roles).toEqual([{ id: 'writers', name: 'Builders 2', deleted: false }]);
  });

  it('a secret at every maximum, names within their budget, can be created and take a full data write', async () => {
    const roles = Array.from({ length: 2 * MAX_ROLES }, (_, i) => ({
      id: cjk(128, i),
      // Names within their budget: 40 names of 60 CJK characters (180 bytes) each, 7,200 bytes.
      name: cjk(60, 100 + i),
    }));
    const name = cjk(256, 999);
    const created = await vault.call(manager, 'POST', '/secrets', {
      name,
      data: { blob: 'x'.repeat(60_000) },
      read_roles: roles.slice(0, MAX_ROLES),
      write_roles: roles.slice(MAX_ROLES),
      description: cjk(2048, 5),
      tags: Array.from({ length: MAX_TAGS }, (_, i) => ({
        key: cjk(128, 200 + i),
        value: cjk(256, 300 + i),
      })),
    });
    expect(created.status, created.text.slice(0, 300)).toBe(201);
    const written = await vault.call(manager, 'PUT', at(name), { data: { blob: 'y'.repeat(64_000) } });
    expect(written.status, written.text.slice(0, 300)).toBe(200);
  });

  it('names beyond the budget are refused with a 400 and nothing is stored', async () => {
    const before = await vault.snapshot();
    const refused = await vault.call(manager, 'POST', '/secrets', {
      name: 'names/too-long',
      data: {},
      read_roles: Array.from({ length: MAX_ROLES }, (_, i) => ({ id: `r${i}`, name: cjk(200, i) })),
    });
    expect(refused.status, refused.text).toBe(400);
    expect(refused.json.property ?? refused.json.details?.[0]?.property).toBe('read_roles');
    expect(await vault.snapshot()).toBe(before);
  });

  it.each([
    ['a bidi override', 'admin\u202Egnp.exe'],
    ['a zero-width space', 'ad\u200Bmin'],
    ['a line separator', 'ad\u2028min'],
    ['edge whitespace', ' admin'],
    ['a name not in NFC', 'Cafe\u0301'],
  ])('a role name with %s is refused', async (_label, roleName) => {
    const refused = await vault.call(manager, 'POST', '/secrets', {
      name: `names/${encodeURIComponent(roleName)}`,
      data: {},
      read_roles: [{ id: 'r', name: roleName }],
    });
    expect(refused.status, refused.text).toBe(400);
  });
});
