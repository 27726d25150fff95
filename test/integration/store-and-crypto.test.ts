import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local.ts';
import { createSecret } from '../../shared/domain/create-secret.ts';
import { deleteSecret } from '../../shared/domain/delete-secret.ts';
import { DataIntegrityError, DuplicateSecretError } from '../../shared/domain/errors.ts';
import { getSecret } from '../../shared/domain/get-secret.ts';
import { listSecrets } from '../../shared/domain/list-secrets.ts';
import { searchSecrets } from '../../shared/domain/search-secrets.ts';
import { updateSecret } from '../../shared/domain/update-secret.ts';
import { headKey } from '../../shared/store/keys.ts';
import { caller } from '../support/callers.ts';
import { kmsCalls, type LocalParts, localParts } from '../support/local-parts.ts';

const adder = caller('bot', ['vaultAdd']);
const reader = caller('rita', ['user'], ['readers']);
const writer = caller('walt', ['user'], ['writers']);
const manager = caller('mona', ['vaultManage', 'admin']);

let parts: LocalParts;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  parts = await localParts();
  db = DynamoDBDocumentClient.from(new DynamoDBClient({ ...LOCAL_AWS, endpoint: parts.dynamoEndpoint }));
});

const create = (
  name: string,
  data: Record<string, unknown>,
  readRoles = ['readers'],
  writeRoles = ['writers'],
) => createSecret(parts.deps, adder, { ref: { name }, data, readRoles, writeRoles });

describe('DynamoDB store with KMS envelope encryption', () => {
  it('stores only ciphertext: the item holds no plaintext, and reads decrypt it', async () => {
    await create('enc/one', { password: 'plain-text-marker' });
    const { Item } = await db.send(
      new GetCommand({ TableName: parts.tableName, Key: headKey({ name: 'enc/one' }) }),
    );
    expect(JSON.stringify(Item)).not.toContain('plain-text-marker');
    expect(Buffer.from(Item!.sealed).includes(Buffer.from('plain-text-marker'))).toBe(false);
    expect((await getSecret(parts.deps, reader, { name: 'enc/one' })).data).toEqual({
      password: 'plain-text-marker',
    });
  });

  it('a duplicate create fails on the condition and leaves the first intact', async () => {
    await create('dup/one', { v: 1 });
    await expect(create('dup/one', { v: 2 })).rejects.toBeInstanceOf(DuplicateSecretError);
    expect((await getSecret(parts.deps, reader, { name: 'dup/one' })).data).toEqual({ v: 1 });
  });

  it('an item copied onto another secret fails to decrypt with a clear integrity error', async () => {
    await create('copy/source', { secret: 'source-data' });
    await create('copy/target', { secret: 'target-data' });
    const { Item: source } = await db.send(
      new GetCommand({ TableName: parts.tableName, Key: headKey({ name: 'copy/source' }) }),
    );
    const { Item: target } = await db.send(
      new GetCommand({ TableName: parts.tableName, Key: headKey({ name: 'copy/target' }) }),
    );
    await db.send(
      new PutCommand({ TableName: parts.tableName, Item: { ...target, sealed: source!.sealed } }),
    );
    const error = await getSecret(parts.deps, reader, { name: 'copy/target' }).catch((caught) => caught);
    expect(error).toBeInstanceOf(DataIntegrityError);
    expect(error.message).toBe('Stored secret data failed its integrity check');
    expect(error.message).not.toContain('source-data');
  });

  it('warm reads use the data-key cache: no KMS call after the first', async () => {
    await create('cache/hot', { v: 'hot' });
    const before = await kmsCalls(parts.kmsEndpoint);
    for (let i = 0; i < 5; i++) await getSecret(parts.deps, reader, { name: 'cache/hot' });
    const after = await kmsCalls(parts.kmsEndpoint);
    expect((after.Decrypt ?? 0) - (before.Decrypt ?? 0)).toBe(1);
  });

  it('listing pages come from the name-ordered index with the right total, and follow role changes', async () => {
    for (const name of ['list/a', 'list/b', 'list/c']) await create(name, { name }, ['listers']);
    const lister = caller('lee', ['user'], ['listers']);
    const page = await listSecrets(parts.deps, lister, { offset: 1, limit: 1 });
    expect(page).toMatchObject({ count: 3, items: [{ name: 'list/b' }] });
    await updateSecret(parts.deps, manager, { name: 'list/b' }, { readRoles: ['others'] });
    expect(
      (await listSecrets(parts.deps, lister, { offset: 0, limit: 10 })).items.map((item) => item.name),
    ).toEqual(['list/a', 'list/c']);
    const all = await listSecrets(parts.deps, manager, { offset: 0, limit: 100 });
    expect(all.count).toBe(all.items.length);
    await deleteSecret(parts.deps, manager, { name: 'list/c' });
    const afterDelete = await listSecrets(parts.deps, manager, { offset: 0, limit: 100 });
    expect(afterDelete.count).toBe(all.count - 1);
    expect(afterDelete.items.map((item) => item.name)).not.toContain('list/c');
  });

  it('every page is the same whether it is read from the start or walked in from the end', async () => {
    const names = Array.from({ length: 13 }, (_, i) => `pager/${String(i).padStart(2, '0')}`);
    const owner = caller('pat', ['user']);
    for (const name of names)
      await createSecret(parts.deps, owner, {
        ref: { name, ownerId: 'pat' },
        data: {},
        readRoles: [],
        writeRoles: [],
      });
    const listing = { kind: 'owner', ownerId: 'pat' } as const;
    for (const descending of [false, true]) {
      const ordered = descending ? [...names].reverse() : names;
      for (let offset = 0; offset <= 14; offset++) {
        const page = await parts.deps.secrets.page(listing, offset, 4, descending);
        expect(page.count).toBe(13);
        expect(page.items.map((item) => item.name)).toEqual(ordered.slice(offset, offset + 4));
      }
    }
  });

  it('search pages descending straight from the index', async () => {
    const page = await searchSecrets(
      parts.deps,
      manager,
      { filter: 'shared' },
      { offset: 0, limit: 2, sortdir: 'DESC' },
    );
    const names = page.items.map((item) => item.name);
    expect(names).toEqual([...names].sort().reverse());
    expect(page.count).toBeGreaterThan(2);
  });

  it('many parallel writers: each write gets the next version, no gaps, no duplicates, none lost', async () => {
    await create('race/one', { n: 0 });
    const writers = 10;
    const writesEach = 5;
    const results = await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const versions: Array<{ version: number; data: { w: number; i: number } }> = [];
        for (let i = 0; i < writesEach; i++) {
          const data = { w, i };
          versions.push({
            version: (await updateSecret(parts.deps, writer, { name: 'race/one' }, { data })).version,
            data,
          });
        }
        return versions;
      }),
    );
    const all = results.flat().sort((a, b) => a.version - b.version);
    const total = writers * writesEach;
    // Every write has its own version, 2..total+1: none overwritten, none skipped, none twice.
    expect(all.map((write) => write.version)).toEqual(Array.from({ length: total }, (_, i) => i + 2));
    const final = await getSecret(parts.deps, reader, { name: 'race/one' });
    expect(final.version).toBe(total + 1);
    expect(final.data).toEqual(all.at(-1)!.data);
    // Each writer's own writes kept their order.
    for (const own of results)
      expect(own.map((write) => write.version)).toEqual(
        [...own.map((write) => write.version)].sort((a, b) => a - b),
      );
  });
});
