/** What the listing tests share: the directory's invariants, read straight from the table, and paging checks. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import type { Listing, SecretStore } from '../../shared/domain/ports.ts';
import { DynamoAuditLog } from '../../shared/store/dynamo-audit-log.ts';
import { DynamoSecretStore } from '../../shared/store/dynamo-secret-store.ts';
import { queryAll } from '../../shared/store/dynamo-support.ts';
import { COUNT, counterKey, entryPk } from '../../shared/store/keys.ts';
import { BUCKET_PREFIX, GROUP_PREFIX, toBucket, toGroup } from '../../shared/store/listing-directory.ts';

/**
 * A store and trail on `table` with tiny directory ranges (buckets of 4, groups of 3), so a few
 * dozen secrets split and merge both levels.
 */
export function tinyListingStore(db: DynamoDBDocumentClient, table: string) {
  const audit = new DynamoAuditLog(db, { tableName: table, retentionDays: 1 });
  const secrets = new DynamoSecretStore(db, {
    tableName: table,
    maxVersions: 3,
    expiryWarningSeconds: 0,
    listingBucketSplitAt: 4,
    listingGroupSplitAt: 3,
    trail: audit,
  });
  return { audit, secrets };
}

/** DynamoDB orders sort keys by their UTF-8 bytes, not by JavaScript's UTF-16 order. */
export const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * Reads a listing's counter, groups, buckets and entries (strongly consistent) and checks what
 * every reader relies on: the counts add up at both levels, groups tile the listing, each group's
 * buckets tile it (so no bucket straddles two groups) and number `nb + 1`. Returns the directory.
 */
export async function expectTwoLevelDirectory(db: DynamoDBDocumentClient, table: string, listing: Listing) {
  const items = await queryAll(db, table, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': counterKey(listing).pk },
    ConsistentRead: true,
  });
  const entries = await queryAll(db, table, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': entryPk(listing) },
    ProjectionExpression: 'sk',
    ConsistentRead: true,
  });
  const count = (items.find((item) => item.sk === COUNT)?.n as number | undefined) ?? 0;
  const groups = items.filter((item) => String(item.sk).startsWith(GROUP_PREFIX)).map(toGroup);
  const buckets = items
    .filter((item) => String(item.sk).startsWith(BUCKET_PREFIX))
    .map((item) => toBucket(item));
  const sum = (ranges: Array<{ n: number }>) => ranges.reduce((total, range) => total + range.n, 0);
  expect(count).toBe(entries.length);
  expect(sum(groups)).toBe(count);
  expect(sum(buckets)).toBe(count);
  const tiles = (ranges: Array<{ lo: string; hi?: string }>, lo: string, hi?: string) => {
    expect(ranges[0]?.lo).toBe(lo);
    for (const [i, range] of ranges.entries()) expect(range.hi).toBe(ranges[i + 1]?.lo ?? hi);
  };
  tiles(groups, '');
  for (const group of groups) {
    const inside = buckets.filter(
      (bucket) =>
        byBytes(bucket.lo, group.lo) >= 0 && (group.hi === undefined || byBytes(bucket.lo, group.hi) < 0),
    );
    tiles(inside, group.lo, group.hi);
    expect({ group: group.lo, n: sum(inside), buckets: inside.length }).toEqual({
      group: group.lo,
      n: group.n,
      buckets: group.nb + 1,
    });
  }
  // Every entry lies in the bucket its counts say.
  for (const bucket of buckets) {
    const inside = entries.filter(
      (entry) =>
        byBytes(entry.sk as string, bucket.lo) >= 0 &&
        (bucket.hi === undefined || byBytes(entry.sk as string, bucket.hi) < 0),
    );
    expect({ bucket: bucket.lo, n: inside.length }).toEqual({ bucket: bucket.lo, n: bucket.n });
  }
  return { count, groups, buckets };
}

/** Every page at every offset, both directions, against the expected names. */
export async function expectEveryPage(
  store: SecretStore,
  listing: Listing,
  expected: readonly string[],
  limits = [5],
) {
  const ascending = [...expected].sort(byBytes);
  const descending = [...ascending].reverse();
  for (const limit of limits)
    for (let offset = 0; offset <= ascending.length; offset++)
      for (const [order, descend] of [
        [ascending, false],
        [descending, true],
      ] as const) {
        const page = await store.page(listing, offset, limit, descend);
        expect({
          offset,
          limit,
          descend,
          count: page.count,
          names: page.items.map((item) => item.name),
        }).toEqual({
          offset,
          limit,
          descend,
          count: ascending.length,
          names: order.slice(offset, offset + limit),
        });
      }
}
