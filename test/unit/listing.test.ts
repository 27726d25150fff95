import { describe, expect, it } from 'vitest';
import { createSecret } from '../../shared/domain/create-secret.ts';
import { listPersonalSecrets, listSecrets } from '../../shared/domain/list-secrets.ts';
import type { Caller } from '../../shared/domain/model.ts';
import { searchSecrets } from '../../shared/domain/search-secrets.ts';
import { caller } from '../support/callers.ts';
import { memoryDeps } from '../support/memory-store.ts';

const adder = caller('creator', ['vaultAdd']);
const ops = caller('olga', ['user'], ['ops']);
const dev = caller('dan', ['user'], ['dev']);
const both = caller('bea', ['user'], ['ops', 'dev']);
const manager = caller('mona', ['vaultManage']);

async function fixture() {
  const deps = memoryDeps();
  const shared = (name: string, readRoles: string[], writeRoles: string[] = []) =>
    createSecret(deps, adder, { ref: { name }, data: { v: name }, readRoles, writeRoles });
  await shared('prod/db', ['ops']);
  await shared('prod/api-key', ['ops'], ['dev']);
  await shared('dev/db', ['dev']);
  await shared('shared/ci', ['ops', 'dev']);
  await shared('nobody', []);
  const personal = (who: Caller, name: string) =>
    createSecret(deps, who, {
      ref: { name, ownerId: who.userId },
      data: { v: name },
      readRoles: [],
      writeRoles: [],
    });
  await personal(ops, 'olga-notes');
  await personal(dev, 'dan-notes');
  return deps;
}

const names = (page: { items: Array<{ name: string }> }) => page.items.map((item) => item.name);

describe('list', () => {
  it('lists what the caller holds a read or write role for, each secret once, by name', async () => {
    const deps = await fixture();
    expect(names(await listSecrets(deps, ops, { offset: 0, limit: 100 }))).toEqual([
      'prod/api-key',
      'prod/db',
      'shared/ci',
    ]);
    expect(names(await listSecrets(deps, dev, { offset: 0, limit: 100 }))).toEqual([
      'dev/db',
      'prod/api-key',
      'shared/ci',
    ]);
    const page = await listSecrets(deps, both, { offset: 0, limit: 100 });
    expect(page.count).toBe(4);
    expect(names(page)).toEqual(['dev/db', 'prod/api-key', 'prod/db', 'shared/ci']);
  });

  it('gives a vault manager every shared secret, and count is the total, not the page', async () => {
    const deps = await fixture();
    const page = await listSecrets(deps, manager, { offset: 1, limit: 2 });
    expect(page.count).toBe(5);
    expect(names(page)).toEqual(['nobody', 'prod/api-key']);
  });

  it('pages with offset and limit', async () => {
    const deps = await fixture();
    const page = await listSecrets(deps, both, { offset: 3, limit: 2 });
    expect(page).toMatchObject({ count: 4 });
    expect(names(page)).toEqual(['shared/ci']);
  });

  it('lists personal secrets for their owner only', async () => {
    const deps = await fixture();
    expect(names(await listPersonalSecrets(deps, ops, 'olga', { offset: 0, limit: 100 }))).toEqual([
      'olga-notes',
    ]);
    await expect(listPersonalSecrets(deps, dev, 'olga', { offset: 0, limit: 100 })).rejects.toThrow(/owner/);
    expect(names(await listPersonalSecrets(deps, manager, 'dan', { offset: 0, limit: 100 }))).toEqual([
      'dan-notes',
    ]);
  });
});

describe('search', () => {
  const all = { offset: 0, limit: 100 };

  it('matches every keyword case-insensitively within what the caller may see', async () => {
    const deps = await fixture();
    expect(names(await searchSecrets(deps, ops, { keywords: 'DB' }, all))).toEqual(['prod/db']);
    expect(names(await searchSecrets(deps, both, { keywords: 'db' }, all))).toEqual(['dev/db', 'prod/db']);
    expect(names(await searchSecrets(deps, both, { keywords: 'prod, db' }, all))).toEqual(['prod/db']);
  });

  it('includes the caller’s own personal secrets, and filters by kind and access', async () => {
    const deps = await fixture();
    expect(names(await searchSecrets(deps, ops, {}, all))).toEqual([
      'olga-notes',
      'prod/api-key',
      'prod/db',
      'shared/ci',
    ]);
    expect(names(await searchSecrets(deps, ops, { filter: 'personal' }, all))).toEqual(['olga-notes']);
    expect(names(await searchSecrets(deps, ops, { filter: 'shared' }, all))).toEqual([
      'prod/api-key',
      'prod/db',
      'shared/ci',
    ]);
    expect(names(await searchSecrets(deps, dev, { filter: 'writable' }, all))).toEqual([
      'dan-notes',
      'prod/api-key',
    ]);
    expect(names(await searchSecrets(deps, dev, { filter: 'readable' }, all))).toEqual([
      'dan-notes',
      'dev/db',
      'shared/ci',
    ]);
  });

  it('searches other owners only for managers', async () => {
    const deps = await fixture();
    expect(names(await searchSecrets(deps, ops, { ownerIds: ['dan'] }, all))).toEqual([]);
    expect(names(await searchSecrets(deps, manager, { ownerIds: ['dan', 'olga'] }, all))).toEqual([
      'dan-notes',
      'olga-notes',
    ]);
  });

  it('sorts by name, created or updated in either direction', async () => {
    const deps = await fixture();
    const desc = await searchSecrets(deps, manager, { filter: 'shared' }, { ...all, sortdir: 'DESC' });
    expect(names(desc)).toEqual(['shared/ci', 'prod/db', 'prod/api-key', 'nobody', 'dev/db']);
    const created = await searchSecrets(
      deps,
      both,
      { filter: 'shared' },
      { ...all, sortkey: 'created', sortdir: 'DESC' },
    );
    expect(names(created)).toEqual(['shared/ci', 'dev/db', 'prod/api-key', 'prod/db']);
  });
});
