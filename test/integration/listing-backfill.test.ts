/**
 * Upgrading a table whose listings were written before the directory had groups (or buckets):
 * readers fall back and stay exact, `node infra/tools/rebuild-listings.ts` rebuilds every counted
 * listing whose directory does not add up, and afterwards pages, search and writes use (and keep)
 * the two-level directory.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureTable, LOCAL_AWS } from '../../infra/local/dynamodb-local.ts';
import { createSecret } from '../../shared/domain/create-secret.ts';
import { deleteSecret } from '../../shared/domain/delete-secret.ts';
import type { Listing, VaultDeps } from '../../shared/domain/ports.ts';
import { searchSecrets } from '../../shared/domain/search-secrets.ts';
import { counterKey, entryPk } from '../../shared/store/keys.ts';
import { backfillListings } from '../../shared/store/listing-backfill.ts';
import { caller } from '../support/callers.ts';
import {
  byBytes,
  expectEveryPage,
  expectTwoLevelDirectory,
  tinyListingStore,
} from '../support/listing-check.ts';
import { localParts } from '../support/local-parts.ts';

process.env.NOT_FOUND_MIN_MS = '0';

const ROOT = join(import.meta.dirname, '..', '..');
const manager = caller('mona', ['vaultManage', 'admin', 'vaultAdd']);
const shared: Listing = { kind: 'shared' };
const olga: Listing = { kind: 'owner', ownerId: 'olga' };
const SHARED = Array.from(
  { length: 30 },
  (_, i) => `old/${String(i).padStart(2, '0')}${i % 3 === 0 ? '-key' : ''}`,
);
const OLGA = Array.from({ length: 12 }, (_, i) => `mine-${i}`);

let table: string;
let db: DynamoDBDocumentClient;
let deps: VaultDeps;
/** Listing entries each Query returned on this client. */
let entriesRead = 0;

beforeAll(async () => {
  const parts = await localParts();
  table = `legacy-${randomUUID()}`;
  await ensureTable(parts.dynamoEndpoint, table, { stream: false });
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: parts.dynamoEndpoint });
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      for (const item of (result.output as { Items?: Array<Record<string, unknown>> }).Items ?? []) {
        const pk = typeof item.pk === 'string' ? item.pk : (item.pk as { S?: string })?.S;
        if (pk?.startsWith('L#')) entriesRead++;
      }
      return result;
    },
    { step: 'initialize', name: 'countEntries' },
  );
  db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  deps = { ...parts.deps, ...tinyListingStore(db, table) };
  // As an older version of the store left them: the shared listing with its counter and a
  // one-level directory of two buckets; olga's listing with a counter and no directory at all.
  const now = new Date().toISOString();
  const entry = (listing: Listing, name: string, ownerId?: string) => ({
    pk: entryPk(listing),
    sk: name,
    name,
    ...(ownerId && { ownerId }),
    readRoles: ownerId ? [] : ['ops'],
    writeRoles: [],
    author: 'old',
    updatedBy: 'old',
    created: now,
    updated: now,
    version: 1,
    tags: [],
  });
  const items = [
    ...SHARED.map((name) => entry(shared, name)),
    ...SHARED.map((name) => entry({ kind: 'role', roleId: 'ops' }, name)),
    ...OLGA.map((name) => entry(olga, name, 'olga')),
    { ...counterKey(shared), n: SHARED.length },
    { pk: counterKey(shared).pk, sk: 'b#', n: 15, rev: 3, hi: SHARED[15] },
    { pk: counterKey(shared).pk, sk: `b#${SHARED[15]}`, n: 15, rev: 0 },
    { ...counterKey(olga), n: OLGA.length },
  ];
  for (let i = 0; i < items.length; i += 25)
    await db.send(
      new BatchWriteCommand({
        RequestItems: { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
});

const keyed = (keywords: string) =>
  searchSecrets(deps, manager, { keywords }, { offset: 0, limit: 100 }).then((page) =>
    page.items.map((item) => item.name),
  );

describe('listings written before the two-level directory', () => {
  it('page and search right before the backfill, reading the whole listing to search', async () => {
    await expectEveryPage(deps.secrets, shared, SHARED, [7]);
    await expectEveryPage(deps.secrets, olga, OLGA, [5]);
    entriesRead = 0;
    expect(await keyed('KEY')).toEqual(SHARED.filter((name) => name.endsWith('-key')));
    expect(entriesRead).toBe(SHARED.length);
  }, 120_000);

  it('are rebuilt by the backfill tool, which leaves role listings and current ones alone', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      join(ROOT, 'infra/tools/rebuild-listings.ts'),
      '--dynamodb-endpoint',
      inject('dynamoEndpoint'),
      '--table',
      table,
      '--split-at',
      '4',
    ]);
    expect(stdout.trim().split('\n')).toEqual([
      'o:olga: rebuilt',
      'shared: rebuilt',
      '2 of 2 listings rebuilt',
    ]);
    await expectTwoLevelDirectory(db, table, shared);
    await expectTwoLevelDirectory(db, table, olga);
    expect(await backfillListings(db, table, { splitAt: 4 })).toEqual([
      { listing: 'o:olga', current: true },
      { listing: 'shared', current: true },
    ]);
  }, 120_000);

  it('then page, search from the warm copy, and take writes on the two-level directory', async () => {
    await expectEveryPage(deps.secrets, shared, SHARED, [7]);
    expect(await keyed('key')).toEqual(SHARED.filter((name) => name.endsWith('-key')));
    entriesRead = 0;
    expect(await keyed('key')).toEqual(SHARED.filter((name) => name.endsWith('-key')));
    // Warm: the counter and the groups, and the manager's own (empty) personal listing.
    expect(entriesRead).toBe(0);
    for (const name of ['old/05a-key', 'old/27b'])
      await createSecret(deps, manager, { ref: { name }, data: { v: 1 }, readRoles: [], writeRoles: [] });
    await deleteSecret(deps, manager, { name: 'old/27b' });
    const now = [...SHARED, 'old/05a-key'].sort(byBytes);
    await expectTwoLevelDirectory(db, table, shared);
    await expectEveryPage(deps.secrets, shared, now, [7]);
    expect(await keyed('key')).toEqual(now.filter((name) => name.endsWith('-key')));
  }, 120_000);
});
