/**
 * Keeping a listing's directory small (layout: listing-directory.ts): a bucket grown past
 * `splitAt` entries splits at its median, a group grown past `groupSplitAt` buckets at its middle
 * bucket, and an emptied bucket or group leaves. Each is one transaction guarded by what it read
 * (a range's `rev` moves with every count change; a group's `nb` with every bucket split or
 * merge inside it), so the counts stay exact under any race: a change that lost one just does
 * not happen, and a later write tries again.
 *
 * The invariant every transaction keeps: group bounds are bucket bounds (no bucket straddles two
 * groups), so the group covering a name holds the bucket covering it. Hence a new group bound is
 * only ever an existing bucket's, checked to still exist; a bucket merges into the one before it
 * only inside its group; the first bucket of a group takes in the next one instead, and the last
 * bucket of an emptied group leaves with the group.
 */
import type { Listing } from '../domain/ports.ts';
import { getItem, type Item, queryAll, type TransactItem, transact } from './dynamo-support.ts';
import {
  addsUp,
  BUCKET_PREFIX,
  type Bucket,
  bucketsIn,
  type DirectoryContext,
  directoryKey,
  entriesIn,
  freshRev,
  GROUP_PREFIX,
  lastAtOrBefore,
  type Placement,
  toBucket,
  toGroup,
} from './listing-directory.ts';

const read = (ctx: DirectoryContext, listing: Listing, prefix: string, lo: string) =>
  getItem(ctx.db, ctx.table, directoryKey(listing, prefix, lo), true);

/** The condition that a range item still covers `:at` (and, but for the first, still exists). */
const covers = (lo: string) =>
  lo === ''
    ? 'attribute_not_exists(hi) OR hi > :at'
    : 'attribute_exists(pk) AND (attribute_not_exists(hi) OR hi > :at)';

/** Moves a group's bucket number, if the group still holds the bucket starting at `at`. */
function countBuckets(ctx: DirectoryContext, listing: Listing, groupLo: string, at: string, delta: number) {
  return {
    Update: {
      TableName: ctx.table,
      Key: directoryKey(listing, GROUP_PREFIX, groupLo),
      UpdateExpression: 'ADD nb :delta',
      ConditionExpression: covers(groupLo),
      ExpressionAttributeValues: { ':delta': delta, ':at': at },
    },
  } satisfies TransactItem;
}

/** Sets a range's upper bound to `hi` (none: it becomes the last), if it still ends at `was`. */
function extend(
  ctx: DirectoryContext,
  listing: Listing,
  prefix: string,
  lo: string,
  was: string,
  hi?: string,
) {
  return {
    Update: {
      TableName: ctx.table,
      Key: directoryKey(listing, prefix, lo),
      UpdateExpression: hi === undefined ? 'REMOVE hi ADD rev :one' : 'SET hi = :hi ADD rev :one',
      ConditionExpression: 'hi = :was',
      ExpressionAttributeValues: { ':was': was, ':one': 1, ...(hi !== undefined && { ':hi': hi }) },
    },
  } satisfies TransactItem;
}

/** Splits the bucket at `lo` at its median, if it is still too large; true when it did. */
export async function splitBucket(
  ctx: DirectoryContext,
  listing: Listing,
  lo: string,
  groupLo: string,
): Promise<boolean> {
  const item = await read(ctx, listing, BUCKET_PREFIX, lo);
  if (!item) return false;
  const bucket = toBucket(item);
  if (bucket.n <= ctx.splitAt) return false;
  const names = (
    await queryAll(ctx.db, ctx.table, {
      ...entriesIn(listing, lo, bucket.hi),
      ProjectionExpression: 'sk',
      ConsistentRead: true,
    })
  )
    .map((entry) => entry.sk as string)
    .filter((name) => name !== bucket.hi);
  // Entries moved since the bucket was read: a later write will split it.
  if (names.length !== bucket.n) return false;
  const half = Math.floor(names.length / 2);
  const middle = names[half] as string;
  const outcome = await transact(ctx.db, [
    {
      Update: {
        TableName: ctx.table,
        Key: directoryKey(listing, BUCKET_PREFIX, lo),
        UpdateExpression: 'SET n = :lower, hi = :middle ADD rev :one',
        // Nothing entered or left the bucket since its entries were read.
        ConditionExpression: 'rev = :rev',
        ExpressionAttributeValues: { ':lower': half, ':middle': middle, ':one': 1, ':rev': bucket.rev },
      },
    },
    {
      Put: {
        TableName: ctx.table,
        Item: {
          ...directoryKey(listing, BUCKET_PREFIX, middle),
          n: names.length - half,
          rev: freshRev(),
          ...(bucket.hi !== undefined && { hi: bucket.hi }),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    // The group still holds the bucket (no group split moved its bound onto it meanwhile).
    countBuckets(ctx, listing, groupLo, lo, 1),
  ]);
  return outcome === true;
}

/** Splits the group at `lo` at its middle bucket, if it holds too many. */
export async function splitGroup(ctx: DirectoryContext, listing: Listing, lo: string): Promise<void> {
  const item = await read(ctx, listing, GROUP_PREFIX, lo);
  if (!item) return;
  const group = toGroup(item);
  if (group.nb + 1 <= ctx.groupSplitAt) return;
  const buckets = await bucketsIn(ctx, listing, lo, group.hi, true);
  // Buckets that do not tile the group as counted: a race (or a directory mid-rebuild), left alone.
  if (buckets.length !== group.nb + 1 || !addsUp(group.n, buckets) || buckets[0]?.lo !== lo) return;
  const half = Math.floor(buckets.length / 2);
  const middle = (buckets[half] as Bucket).lo;
  const lower = buckets.slice(0, half).reduce((sum, bucket) => sum + bucket.n, 0);
  await transact(ctx.db, [
    {
      Update: {
        TableName: ctx.table,
        Key: directoryKey(listing, GROUP_PREFIX, lo),
        UpdateExpression: 'SET n = :lower, nb = :half, hi = :middle ADD rev :one',
        // No count moved in the group, and no bucket split or merged in it, since it was read.
        ConditionExpression: 'rev = :rev AND nb = :nb',
        ExpressionAttributeValues: {
          ':lower': lower,
          ':half': half - 1,
          ':middle': middle,
          ':one': 1,
          ':rev': group.rev,
          ':nb': group.nb,
        },
      },
    },
    {
      Put: {
        TableName: ctx.table,
        Item: {
          ...directoryKey(listing, GROUP_PREFIX, middle),
          n: group.n - lower,
          nb: buckets.length - half - 1,
          rev: freshRev(),
          ...(group.hi !== undefined && { hi: group.hi }),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      // The new bound is still a bucket's: no merge took that bucket away meanwhile.
      Update: {
        TableName: ctx.table,
        Key: directoryKey(listing, BUCKET_PREFIX, middle),
        UpdateExpression: 'ADD rev :zero',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':zero': 0 },
      },
    },
  ]);
}

/**
 * After a write that removed an entry: an emptied bucket merges into the one before it (inside its
 * group), or, first in its group, takes in the next one; an emptied group leaves with its bucket.
 */
export async function mergeEmptied(
  ctx: DirectoryContext,
  listing: Listing,
  { bucket, group }: Placement,
  delta: number,
): Promise<void> {
  if (bucket.n + delta <= 0 && bucket.lo !== '') {
    if (group.lo !== bucket.lo) await mergeIntoPrevious(ctx, listing, bucket.lo, group.lo);
    else if (group.n + delta > 0) await takeInNext(ctx, listing, bucket.lo);
  }
  if (group.n + delta <= 0 && group.lo !== '') await mergeGroup(ctx, listing, group.lo);
}

async function emptyBucket(ctx: DirectoryContext, listing: Listing, lo: string): Promise<Bucket | undefined> {
  const item = await read(ctx, listing, BUCKET_PREFIX, lo);
  const bucket = item && toBucket(item);
  return bucket?.n === 0 ? bucket : undefined;
}

const dropBucket = (ctx: DirectoryContext, listing: Listing, bucket: Bucket): TransactItem => ({
  Delete: {
    TableName: ctx.table,
    Key: directoryKey(listing, BUCKET_PREFIX, bucket.lo),
    ConditionExpression: 'rev = :rev AND n = :zero',
    ExpressionAttributeValues: { ':rev': bucket.rev, ':zero': 0 },
  },
});

async function mergeIntoPrevious(ctx: DirectoryContext, listing: Listing, lo: string, groupLo: string) {
  const bucket = await emptyBucket(ctx, listing, lo);
  if (!bucket) return;
  const previous = await lastAtOrBefore(ctx, listing, BUCKET_PREFIX, lo, true, true);
  // The bucket before this one ends where this one starts; anything else is a race, left alone.
  if (previous?.hi !== lo) return;
  await transact(ctx.db, [
    dropBucket(ctx, listing, bucket),
    extend(ctx, listing, BUCKET_PREFIX, toBucket(previous).lo, lo, bucket.hi),
    // The group still holds the bucket and does not start at it (a group split would have moved its hi).
    countBuckets(ctx, listing, groupLo, lo, -1),
  ]);
}

/** The emptied first bucket of a group takes in the next bucket of the group. */
async function takeInNext(ctx: DirectoryContext, listing: Listing, lo: string) {
  const bucket = await emptyBucket(ctx, listing, lo);
  if (bucket?.hi === undefined) return;
  const nextItem = await read(ctx, listing, BUCKET_PREFIX, bucket.hi);
  if (!nextItem) return;
  const next = toBucket(nextItem);
  await transact(ctx.db, [
    {
      Update: {
        TableName: ctx.table,
        Key: directoryKey(listing, BUCKET_PREFIX, lo),
        UpdateExpression:
          next.hi === undefined ? 'SET n = :n REMOVE hi ADD rev :one' : 'SET n = :n, hi = :hi ADD rev :one',
        ConditionExpression: 'rev = :rev AND n = :zero AND hi = :next',
        ExpressionAttributeValues: {
          ':n': next.n,
          ':one': 1,
          ':rev': bucket.rev,
          ':zero': 0,
          ':next': next.lo,
          ...(next.hi !== undefined && { ':hi': next.hi }),
        },
      },
    },
    {
      Delete: {
        TableName: ctx.table,
        Key: directoryKey(listing, BUCKET_PREFIX, next.lo),
        ConditionExpression: 'rev = :rev',
        ExpressionAttributeValues: { ':rev': next.rev },
      },
    },
    // The next bucket is in this group: no group starts at it.
    countBuckets(ctx, listing, lo, next.lo, -1),
  ]);
}

/** An emptied group holding one (empty) bucket leaves: both merge into the ranges before them. */
async function mergeGroup(ctx: DirectoryContext, listing: Listing, lo: string) {
  const item = await read(ctx, listing, GROUP_PREFIX, lo);
  const group = item && toGroup(item);
  if (group?.n !== 0 || group.nb !== 0) return;
  const [previousGroup, bucket, previousBucket] = await Promise.all([
    lastAtOrBefore(ctx, listing, GROUP_PREFIX, lo, true, true),
    emptyBucket(ctx, listing, lo),
    lastAtOrBefore(ctx, listing, BUCKET_PREFIX, lo, true, true),
  ]);
  if (previousGroup?.hi !== lo || previousBucket?.hi !== lo || !bucket || bucket.hi !== group.hi) return;
  const groupOf = (entry: Item) => toGroup(entry).lo;
  await transact(ctx.db, [
    {
      Delete: {
        TableName: ctx.table,
        Key: directoryKey(listing, GROUP_PREFIX, lo),
        ConditionExpression: 'rev = :rev AND n = :zero AND nb = :zero',
        ExpressionAttributeValues: { ':rev': group.rev, ':zero': 0 },
      },
    },
    extend(ctx, listing, GROUP_PREFIX, groupOf(previousGroup), lo, group.hi),
    dropBucket(ctx, listing, bucket),
    extend(ctx, listing, BUCKET_PREFIX, toBucket(previousBucket).lo, lo, bucket.hi),
  ]);
}
