/**
 * Offset paging through the listing directory (shared/store/listing-index.ts) against DynamoDB
 * Local: every page at every offset is the right slice, whatever splits and merges happened, and a
 * deep page reads no more than half a bucket before it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local.ts';
import { createSecret } from '../../shared/domain/create-secret.ts';
import { deleteSecret } from '../../shared/domain/delete-secret.ts';
import type { Listing } from '../../shared/domain/ports.ts';
import { restoreSecret } from '../../shared/domain/restore-secret.ts';
import { DynamoAuditLog } from '../../shared/store/dynamo-audit-log.ts';
import { DynamoSecretStore } from '../../shared/store/dynamo-secret-store.ts';
import { entryPk } from '../../shared/store/keys.ts';
import { ListingIndex } from '../../shared/store/listing-index.ts';
import { caller } from '../support/callers.ts';
import { expectEveryPage as expectEveryPageOf } from '../support/listing-check.ts';
import { type LocalParts, localParts } from '../support/local-parts.ts';

const SPLIT_AT = 4; // as local-parts sets it
const manager = caller('mona', ['vaultManage', 'admin']);
const shared: Listing = { kind: 'shared' };

let parts: LocalParts;
let index: ListingIndex;
/** A second store on the same table whose client counts the listing entries each Query returns. */
let metered: { store: DynamoSecretStore; entriesRead: number };
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  parts = await localParts();
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: parts.dynamoEndpoint });
  db = DynamoDBDocumentClient.from(client);
  metered = { store: undefined as never, entriesRead: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const items = (result.output as { Items?: Array<{ pk?: { S?: string } }> }).Items ?? [];
      metered.entriesRead += items.filter((item) => item.pk?.S?.startsWith('L#')).length;
      return result;
    },
    { step: 'initialize', name: 'countEntries' },
  );
  metered.store = new DynamoSecretStore(db, {
    tableName: parts.tableName,
    maxVersions: 5,
    expiryWarningSeconds: 0,
    listingBucketSplitAt: SPLIT_AT,
    trail: new DynamoAuditLog(db, { tableName: parts.tableName, retentionDays: 1 }),
  });
  index = new ListingIndex(db, parts.tableName, SPLIT_AT);
});

const create = (name: string, owner?: string) =>
  createSecret(parts.deps, owner ? caller(owner, ['user']) : manager, {
    ref: { name, ...(owner && { ownerId: owner }) },
    data: { v: 1 },
    readRoles: [],
    writeRoles: [],
  });

/** Every page at every offset, both directions, as this file's store serves them. */
const expectEveryPage = (listing: Listing, expected: string[], limits = [1, 7]) =>
  expectEveryPageOf(parts.deps.secrets, listing, expected, limits);

async function expectDirectoryAddsUp(listing: Listing, count: number) {
  const directory = await index.directory(listing);
  expect(directory.count).toBe(count);
  expect(directory.buckets.reduce((sum, bucket) => sum + bucket.n, 0)).toBe(count);
  return directory;
}

// Names chosen to sort differently by UTF-8 bytes and UTF-16 units, with the separators names may hold.
const NAMES = Array.from({ length: 45 }, (_, i) => {
  const odd = ['ü', '😀', '\uFF5E', '#', ' x', '/y'][i % 6];
  return `app-${String((i * 17) % 45).padStart(2, '0')}${odd}`;
});

describe('paging a listing through its directory', () => {
  it('serves every offset of 45 secrets created out of order, with buckets split to at most 4', async () => {
    for (const name of NAMES) await create(name);
    await expectEveryPage(shared, NAMES);
    const directory = await expectDirectoryAddsUp(shared, NAMES.length);
    expect(directory.buckets.length).toBeGreaterThanOrEqual(Math.ceil(NAMES.length / SPLIT_AT));
    expect(Math.max(...directory.buckets.map((bucket) => bucket.n))).toBeLessThanOrEqual(SPLIT_AT);
  });

  it('reads at most half a bucket before a deep page, not the entries before its offset', async () => {
    for (const offset of [20, 30, 41]) {
      metered.entriesRead = 0;
      const page = await metered.store.page(shared, offset, 3, false);
      expect(page.items).toHaveLength(3);
      expect(metered.entriesRead).toBeLessThanOrEqual(SPLIT_AT / 2 + 3);
    }
  });

  it('stays exact through deletes (emptied buckets merge away) and restores', async () => {
    const deleted = NAMES.filter((_, i) => i % 3 !== 0);
    for (const name of deleted) await deleteSecret(parts.deps, manager, { name });
    const left = NAMES.filter((_, i) => i % 3 === 0);
    await expectEveryPage(shared, left, [2, 5]);
    const directory = await expectDirectoryAddsUp(shared, left.length);
    expect(directory.buckets.filter((bucket) => bucket.n === 0 && bucket.lo !== '')).toEqual([]);

    for (const name of deleted.slice(0, 10)) await restoreSecret(parts.deps, manager, { name });
    await expectEveryPage(shared, [...left, ...deleted.slice(0, 10)], [4]);
    await expectDirectoryAddsUp(shared, left.length + 10);
  });

  it('keeps an exact directory when 40 secrets are created at once in one listing', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `c-${String(i).padStart(2, '0')}`);
    await Promise.all(names.map((name) => create(name, 'olga')));
    const listing: Listing = { kind: 'owner', ownerId: 'olga' };
    await expectDirectoryAddsUp(listing, names.length);
    await expectEveryPage(listing, names, [5]);
  });

  it('pages a listing written behind the index exactly once its directory is rebuilt', async () => {
    const listing: Listing = { kind: 'owner', ownerId: 'legacy' };
    const names = Array.from({ length: 30 }, (_, i) => `old-${String(i).padStart(2, '0')}`);
    for (const name of names.slice(0, 10)) await create(name, 'legacy');
    // Entries written behind the index's back, as an older version of the store did.
    await db.send(
      new BatchWriteCommand({
        RequestItems: {
          [parts.tableName]: names.slice(10, 30).map((name) => ({
            PutRequest: {
              Item: {
                pk: entryPk(listing),
                sk: name,
                name,
                ownerId: 'legacy',
                readRoles: [],
                writeRoles: [],
                tags: [],
              },
            },
          })),
        },
      }),
    );
    await index.rebuild(listing);
    await expectDirectoryAddsUp(listing, 30);
    await expectEveryPage(listing, names, [4]);
    // And it stays exact as writes resume.
    await create('old-15a', 'legacy');
    await expectEveryPage(listing, [...names, 'old-15a'], [4]);
  });
});
