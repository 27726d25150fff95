/**
 * Rebuilding a listing's directory from its entries (layout: listing-directory.ts): for a listing
 * written before the index existed, or before its groups did (the one-off backfill,
 * infra/tools/rebuild-listings.ts). Buckets are made half full, so the writes that follow do not
 * split them at once, and groups full (a group splits only when a bucket in it does): fewer groups
 * than growth leaves (~96 buckets of ~24 entries), so the upper level stays one 4 KB read longer. Run it while nothing writes to the
 * listing: its writes are many transactions, and a writer between them would count against a
 * directory about to be replaced.
 */
import type { Listing } from '../domain/ports.ts';
import { queryAll, type TransactItem, transact } from './dynamo-support.ts';
import { COUNT, counterKey, entryPk } from './keys.ts';
import {
  BUCKET_PREFIX,
  type DirectoryContext,
  directoryKey,
  freshRev,
  GROUP_PREFIX,
} from './listing-directory.ts';

/** The most items one DynamoDB transaction takes. */
const TRANSACTION_LIMIT = 100;

interface Range {
  lo: string;
  hi?: string;
  /** Entries in the range. */
  n: number;
  /** Items the run was cut from (a group's buckets). */
  nb: number;
}

/** Cuts `items` into runs of `size`, as ranges starting at their first item's bound ("" for the first). */
function runs<T>(
  items: readonly T[],
  size: number,
  lo: (item: T) => string,
  n: (run: T[]) => number,
): Range[] {
  const ranges: Range[] = [];
  for (let start = 0; start === 0 || start < items.length; start += size) {
    const run = items.slice(start, start + size);
    const next = items[start + size];
    ranges.push({
      lo: start === 0 ? '' : lo(run[0] as T),
      n: n(run),
      nb: run.length - 1,
      ...(next !== undefined && { hi: lo(next) }),
    });
  }
  return ranges;
}

export async function rebuildListing(ctx: DirectoryContext, listing: Listing): Promise<void> {
  const [entries, existing] = await Promise.all([
    queryAll(ctx.db, ctx.table, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': entryPk(listing) },
      ProjectionExpression: 'sk',
      ConsistentRead: true,
    }),
    queryAll(ctx.db, ctx.table, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': counterKey(listing).pk },
      ProjectionExpression: 'sk',
      ConsistentRead: true,
    }),
  ]);
  const names = entries.map((item) => item.sk as string);
  const buckets = runs(
    names,
    Math.max(1, Math.floor(ctx.splitAt / 2)),
    (name) => name,
    (run) => run.length,
  );
  const groups = runs(
    buckets,
    Math.max(1, ctx.groupSplitAt),
    (bucket) => bucket.lo,
    (run) => run.reduce((sum, bucket) => sum + bucket.n, 0),
  );
  const put = (prefix: string, range: Range): TransactItem => ({
    Put: {
      TableName: ctx.table,
      Item: {
        ...directoryKey(listing, prefix, range.lo),
        n: range.n,
        rev: freshRev(),
        ...(prefix === GROUP_PREFIX && { nb: range.nb }),
        ...(range.hi !== undefined && { hi: range.hi }),
      },
    },
  });
  const writes: TransactItem[] = [
    ...buckets.map((bucket) => put(BUCKET_PREFIX, bucket)),
    ...groups.map((group) => put(GROUP_PREFIX, group)),
    { Put: { TableName: ctx.table, Item: { ...counterKey(listing), n: names.length } } },
  ];
  // Old ranges not written again go; one written again must not also be deleted (two actions on
  // one item in a transaction are refused).
  const rewritten = new Set(writes.map((write) => write.Put?.Item?.sk as string));
  for (const item of existing) {
    const sk = item.sk as string;
    if (sk !== COUNT && !rewritten.has(sk))
      writes.push({ Delete: { TableName: ctx.table, Key: { pk: counterKey(listing).pk, sk } } });
  }
  for (let i = 0; i < writes.length; i += TRANSACTION_LIMIT)
    await transact(ctx.db, writes.slice(i, i + TRANSACTION_LIMIT));
}
