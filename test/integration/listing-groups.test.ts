/**
 * The listing directory's second level (groups of buckets, shared/store/listing-index.ts) against
 * DynamoDB Local, with tiny sizes so every test splits and merges both levels: the counts stay
 * exact and the ranges nested through splits, merges and concurrent writers; every offset pages
 * right; a deep page reads the groups, part of one group and at most half a bucket of entries; and
 * paging visits every secret once while others are created and deleted meanwhile.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local.ts';
import { createSecret } from '../../shared/domain/create-secret.ts';
import { deleteSecret } from '../../shared/domain/delete-secret.ts';
import type { Listing, VaultDeps } from '../../shared/domain/ports.ts';
import { updateSecret } from '../../shared/domain/update-secret.ts';
import { DynamoAuditLog } from '../../shared/store/dynamo-audit-log.ts';
import { DynamoSecretStore } from '../../shared/store/dynamo-secret-store.ts';
import { caller } from '../support/callers.ts';
import { byBytes, expectEveryPage, expectTwoLevelDirectory } from '../support/listing-check.ts';
import { type LocalParts, localParts } from '../support/local-parts.ts';

process.env.NOT_FOUND_MIN_MS = '0';

const SPLIT_AT = 4;
const GROUP_SPLIT_AT = 3;
const manager = caller('mona', ['vaultManage', 'admin']);
const shared: Listing = { kind: 'shared' };

let parts: LocalParts;
let db: DynamoDBDocumentClient;
let deps: VaultDeps;
/** Items each Query returned, by kind: listing entries, directory buckets, directory groups and counter. */
const read = { entries: 0, buckets: 0, top: 0 };

const storeOn = (client: DynamoDBDocumentClient) =>
  new DynamoSecretStore(client, {
    tableName: parts.tableName,
    maxVersions: 5,
    expiryWarningSeconds: 0,
    listingBucketSplitAt: SPLIT_AT,
    listingGroupSplitAt: GROUP_SPLIT_AT,
    trail: new DynamoAuditLog(client, { tableName: parts.tableName, retentionDays: 1 }),
  });

beforeAll(async () => {
  parts = await localParts();
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: parts.dynamoEndpoint });
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      // The document client's own middleware may already have unmarshalled the items.
      const text = (value: unknown) =>
        typeof value === 'string' ? value : ((value as { S?: string })?.S ?? '');
      for (const item of (result.output as { Items?: Array<Record<string, unknown>> }).Items ?? []) {
        const pk = text(item.pk);
        const sk = text(item.sk);
        if (pk.startsWith('L#')) read.entries++;
        else if (pk.startsWith('C#') && sk.startsWith('b#')) read.buckets++;
        else if (pk.startsWith('C#')) read.top++;
      }
      return result;
    },
    { step: 'initialize', name: 'countItems' },
  );
  db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  deps = { ...parts.deps, secrets: storeOn(db) };
});

const create = (name: string, owner?: string) =>
  createSecret(deps, owner ? caller(owner, ['user']) : manager, {
    ref: { name, ...(owner && { ownerId: owner }) },
    data: { v: 1 },
    readRoles: [],
    writeRoles: [],
  });

const remove = (name: string, owner?: string) =>
  deleteSecret(deps, owner ? caller(owner, ['user', 'admin']) : manager, {
    name,
    ...(owner && { ownerId: owner }),
  });

// Names that sort differently by UTF-8 bytes and UTF-16 units, with the separators names may hold.
const NAMES = Array.from({ length: 70 }, (_, i) => {
  const odd = ['ü', '😀', '\uFF5E', '#', ' x', '/y', ''][i % 7];
  return `s-${String((i * 29) % 70).padStart(2, '0')}${odd}`;
});

describe('a two-level listing directory', () => {
  it('splits buckets and groups as 70 secrets are created out of order, and serves every offset', async () => {
    for (const name of NAMES) await create(name);
    const { groups, buckets } = await expectTwoLevelDirectory(db, parts.tableName, shared);
    expect(groups.length).toBeGreaterThan(3);
    expect(Math.max(...buckets.map((bucket) => bucket.n))).toBeLessThanOrEqual(SPLIT_AT);
    expect(Math.max(...groups.map((group) => group.nb + 1))).toBeLessThanOrEqual(GROUP_SPLIT_AT);
    await expectEveryPage(deps.secrets, shared, NAMES, [6]);
  }, 180_000);

  it('reads for a deep page the groups, half a group of buckets and at most half a bucket of entries', async () => {
    // A fresh store: nothing it keeps from earlier pages (group layouts) spares it a read.
    const store = storeOn(db);
    const { groups } = await expectTwoLevelDirectory(db, parts.tableName, shared);
    for (const offset of [17, 35, 52, 64]) {
      Object.assign(read, { entries: 0, buckets: 0, top: 0 });
      const page = await store.page(shared, offset, 3, false);
      expect(page.items.map((item) => item.name)).toEqual([...NAMES].sort(byBytes).slice(offset, offset + 3));
      expect(read.top).toBe(groups.length + 1);
      // Within one group (and the bucket bounding it), not the listing's ~20 buckets.
      expect(read.buckets).toBeLessThanOrEqual(GROUP_SPLIT_AT + 1);
      expect(read.entries).toBeLessThanOrEqual(SPLIT_AT / 2 + 3);
    }
  }, 60_000);

  it('stays exact as secrets are deleted, and emptied buckets and groups merge away', async () => {
    const gone = NAMES.filter((_, i) => i % 5 !== 0);
    for (const name of gone) await remove(name);
    const left = NAMES.filter((_, i) => i % 5 === 0);
    const empty = (ranges: Array<{ lo: string; n: number }>) =>
      ranges.filter((r) => r.n === 0 && r.lo !== '');
    const thinned = await expectTwoLevelDirectory(db, parts.tableName, shared);
    expect([empty(thinned.buckets), empty(thinned.groups)]).toEqual([[], []]);
    await expectEveryPage(deps.secrets, shared, left, [4]);

    for (const name of left.slice(2)) await remove(name);
    const shrunk = await expectTwoLevelDirectory(db, parts.tableName, shared);
    expect([empty(shrunk.buckets), empty(shrunk.groups)]).toEqual([[], []]);
    expect(shrunk.buckets.length).toBeLessThanOrEqual(3);
    expect(shrunk.groups.length).toBeLessThanOrEqual(3);
    await expectEveryPage(deps.secrets, shared, left.slice(0, 2), [1]);
  }, 180_000);

  it('keeps an exact directory under concurrent creates and deletes in one listing', async () => {
    const owner = 'olga';
    const first = Array.from({ length: 40 }, (_, i) => `c-${String(i).padStart(2, '0')}`);
    await Promise.all(first.map((name) => create(name, owner)));
    const more = Array.from({ length: 20 }, (_, i) => `c-${String(i).padStart(2, '0')}-b`);
    const gone = first.filter((_, i) => i % 2 === 0);
    await Promise.all([
      ...gone.map((name) => remove(name, owner)),
      ...more.map((name) => create(name, owner)),
    ]);
    const listing: Listing = { kind: 'owner', ownerId: owner };
    const left = [...first.filter((name) => !gone.includes(name)), ...more];
    await expectTwoLevelDirectory(db, parts.tableName, listing);
    await expectEveryPage(deps.secrets, listing, left, [7]);
  }, 180_000);

  it('pages through every secret exactly once while other secrets come and go', async () => {
    const owner = 'pat';
    const listing: Listing = { kind: 'owner', ownerId: owner };
    const stable = Array.from({ length: 36 }, (_, i) => `m-${String(i).padStart(2, '0')}`);
    // Offsets are positions: a secret coming or going before a page moves it, and so may one in
    // the page's own group beyond it (the directory and the entries are separate reads). So the
    // churn runs beyond the stable names in the direction of paging (after them going up, before
    // them going down), more than a group of quiet names away, while splits, merges and group
    // splits reshape the directory there and updates move the change counters of the stable ones.
    const quiet = ['f', 't'].flatMap((side) => Array.from({ length: 16 }, (_, i) => `${side}-${i}`));
    for (const name of [...stable, ...quiet]) await create(name, owner);
    for (const [descending, prefix] of [
      [false, 'z-'],
      [true, 'a-'],
    ] as const) {
      let stop = false;
      const kept: string[] = [];
      const churn = (async () => {
        for (let round = 0; !stop; round++) {
          const names = Array.from({ length: 6 }, (_, i) => `${prefix}${round}-${i}`);
          await Promise.all(names.map((name) => create(name, owner)));
          await Promise.all([
            ...names.slice(0, 5).map((name) => remove(name, owner)),
            updateSecret(
              deps,
              caller(owner, ['user']),
              { name: stable[round % stable.length]!, ownerId: owner },
              {
                description: `round ${round}`,
              },
            ),
          ]);
          kept.push(names[5]!);
        }
      })();
      try {
        for (let pass = 0; pass < 3; pass++) {
          const seen: string[] = [];
          for (let offset = 16; offset < 16 + stable.length; offset += 5) {
            const page = await deps.secrets.page(listing, offset, 5, descending);
            expect(page.count).toBeGreaterThanOrEqual(stable.length + quiet.length);
            seen.push(...page.items.map((item) => item.name).filter((name) => name.startsWith('m-')));
          }
          expect(seen).toEqual(descending ? [...stable].reverse() : stable);
        }
      } finally {
        stop = true;
        await churn;
      }
      // The churn ran through the passes (each round creates 6 and deletes 5).
      expect(kept.length).toBeGreaterThan(2);
      // The leftovers would sit on the stable names' side of the next pass.
      await Promise.all(kept.map((name) => remove(name, owner)));
    }
    await expectTwoLevelDirectory(db, parts.tableName, listing);
  }, 240_000);
});
