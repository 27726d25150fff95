/**
 * What one caller can make the vault store is bounded. Refusals for a missing scope never reach a
 * secret's trail; refusals of a scoped caller (hidden secrets, and probes of names that do not
 * exist, recorded alike) reach it only within the caller's hourly budget, and are counted beyond.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessVault, startInProcessVault } from '../support/in-process-vault.ts';
import { USERS } from '../support/users.ts';

const BUDGET = 5;
let vault: InProcessVault;
let owner: string;

beforeAll(async () => {
  process.env.AUDIT_DENIALS_PER_HOUR = String(BUDGET);
  vault = await startInProcessVault();
  owner = await vault.issuer.mint(USERS.owner);
  const created = await get(owner, 'POST', '/secrets', {
    name: 'budget/hidden',
    data: { v: 1 },
    read_roles: [{ id: 'owners' }],
  });
  expect(created.status).toBe(201);
});

afterAll(() => vault.close());

const get = (token: string, method = 'GET', path = '/secrets/budget%2Fhidden', body?: unknown) =>
  vault.call(token, method, path, body);

type Item = { pk: string; sk: string; actor?: string; n?: number };
const items = async () =>
  (await vault.snapshot())
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Item);

describe('denials are bounded per caller', () => {
  it('a token without the scope never writes to any trail, however often it tries', async () => {
    const noScope = await vault.issuer.mint({ sub: 'nobody', scopes: ['vaultAdd'] });
    for (let i = 0; i < 20; i++) expect((await get(noScope)).status).toBe(403);
    const mine = (await items()).filter((item) => item.actor === 'nobody' || item.pk.includes('nobody'));
    expect(mine).toEqual([]);
  });

  it('a scoped caller adds at most its budget of denials per hour; the rest are only counted', async () => {
    const prober = await vault.issuer.mint({ sub: 'pete', scopes: ['user'], roles: ['others'] });
    for (let i = 0; i < 12; i++) {
      expect((await get(prober)).status).toBe(404);
      expect((await get(prober, 'GET', `/secrets/budget%2Fmissing-${i}`)).status).toBe(404);
    }
    const all = await items();
    const entries = all.filter((item) => item.pk.startsWith('A#shared#') && item.actor === 'pete');
    // One counter per hour: two if the run straddled an hour's end.
    const counters = all.filter((item) => item.pk === 'A#denials#pete');
    expect(counters.reduce((sum, item) => sum + (item.n ?? 0), 0)).toBe(24);
    expect(entries.length).toBeGreaterThanOrEqual(BUDGET);
    expect(entries.length).toBeLessThanOrEqual(BUDGET * counters.length);
  });
});
