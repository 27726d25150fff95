/**
 * Rebuilding a listing's directory from its entries (layout: listing-directory.ts): for a listing
 * written before the index existed, or before its groups did (the one-off backfill,
 * infra/tools/rebuild-listings.ts). Buckets are made half full, so the writes that follow do not
 * split them at once, and groups full (a group splits only when a bucket in it does): fewer groups
 * than growth leaves (~96 buckets of ~24 entries), so the upper level stays one 4 KB read longer.
 * Run it while nothing writes to the listing: its writes are many batches, and a writer between
 * them would count against a directory about to be replaced.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Listing } from '../domain/ports.ts';
import { call, type Item, queryAll, sleep } from './dynamo-support.ts';
import { COUNT, counterKey, entryPk } from './keys.ts';
import {
  BUCKET_PREFIX,
  CHANGE_PREFIX,
  type DirectoryContext,
  directoryKey,
  freshRev,
  GROUP_PREFIX,
} from './listing-directory.ts';

/** The most items one BatchWriteItem takes, and how many run at once. */
const BATCH_LIMIT = 25;
const PARALLEL_BATCHES = 8;

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
  const put = (prefix: string, range: Range): Item => ({
    ...directoryKey(listing, prefix, range.lo),
    n: range.n,
    rev: freshRev(),
    ...(prefix === GROUP_PREFIX && { nb: range.nb }),
    ...(range.hi !== undefined && { hi: range.hi }),
  });
  const puts: Item[] = [
    ...buckets.map((bucket) => put(BUCKET_PREFIX, bucket)),
    ...groups.map((group) => put(GROUP_PREFIX, group)),
    { ...counterKey(listing), n: names.length },
  ];
  // Old ranges not written again go (change stamps stay: they count updates, not ranges).
  const rewritten = new Set(puts.map((item) => item.sk as string));
  const deletes = existing
    .map((item) => item.sk as string)
    .filter((sk) => sk !== COUNT && !sk.startsWith(CHANGE_PREFIX) && !rewritten.has(sk));
  const requests = [
    ...puts.map((Item) => ({ PutRequest: { Item } })),
    ...deletes.map((sk) => ({ DeleteRequest: { Key: { pk: counterKey(listing).pk, sk } } })),
  ];
  // Not one transaction anyway (a listing's directory can be thousands of items): batches, in
  // parallel, each retried until DynamoDB has taken all of it.
  const batches: Array<typeof requests> = [];
  for (let i = 0; i < requests.length; i += BATCH_LIMIT) batches.push(requests.slice(i, i + BATCH_LIMIT));
  const lane = async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      let pending = batch;
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > 1) await sleep(Math.min(1000, 20 * 2 ** attempt));
        const { UnprocessedItems } = await call(() =>
          ctx.db.send(new BatchWriteCommand({ RequestItems: { [ctx.table]: pending } })),
        );
        pending = (UnprocessedItems?.[ctx.table] ?? []) as typeof pending;
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_BATCHES }, lane));
}
