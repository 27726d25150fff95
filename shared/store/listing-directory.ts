/**
 * The layout of a counted listing's directory (see listing-index.ts for how it is used): its item
 * keys, its ranges, and the queries every part of the index shares.
 *
 *   counter  pk C#<listing>   sk count       n, rev          the listing's total (rev: creates and deletes)
 *   bucket   same pk          sk b#<lo>      n, rev, hi      a name range [lo, hi): its number of entries
 *   group    same pk          sk g#<lo>      n, nb, rev, hi  a run of buckets: their entries, their number
 *   stamp    same pk          sk change#<i>  rev             updates of a watched listing, by name hash
 */
import { randomInt } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Listing } from '../domain/ports.ts';
import { type Item, queryAll } from './dynamo-support.ts';
import { COUNT, counterKey, entryPk } from './keys.ts';

/** What the parts of the index share: the table and the sizes ranges split at. */
export interface DirectoryContext {
  readonly db: DynamoDBDocumentClient;
  readonly table: string;
  readonly splitAt: number;
  readonly groupSplitAt: number;
}

const number = (value: unknown) => (typeof value === 'number' ? value : 0);

export const BUCKET_PREFIX = 'b#';
/**
 * Change stamps of a watched listing: every update of an entry moves one (by a hash of its name,
 * so updates of different secrets rarely meet on one item), as every create or delete moves the
 * counter's `rev`. They sort just before `count` (`ch` < `co`), so one query reads them all with it.
 */
export const CHANGE_PREFIX = 'change#';
export const CHANGE_SHARDS = 8;

export function changeKey(listing: Listing, name: string) {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) as number)) >>> 0;
  return { pk: counterKey(listing).pk, sk: `${CHANGE_PREFIX}${hash % CHANGE_SHARDS}` };
}

/**
 * The counter's and the change stamps' revs, strongly consistent, as one string: equal to an
 * earlier one only if no entry of the listing came, went or changed in between.
 */
export async function readChanges(ctx: DirectoryContext, listing: Listing): Promise<string> {
  const items = await queryAll(ctx.db, ctx.table, {
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :count',
    ExpressionAttributeValues: { ':pk': counterKey(listing).pk, ':first': CHANGE_PREFIX, ':count': COUNT },
    ConsistentRead: true,
  });
  return items.map((item) => `${item.sk}=${number(item.rev)}/${number(item.n)}`).join(' ');
}
export const GROUP_PREFIX = 'g#';
/** Entries a bucket holds before it splits: a page skips at most half of it (~16 entries, ~3 KB). */
export const DEFAULT_SPLIT_AT = 32;
/** Buckets a group holds before it splits: half of them are one 4 KB read. */
export const DEFAULT_GROUP_SPLIT_AT = 128;

export interface Bucket {
  lo: string;
  /** Exclusive upper bound; absent on the last range. */
  hi?: string;
  n: number;
  /** Moves on every change inside the range (and when a split or merge reshapes it). */
  rev: number;
}

export interface Group extends Bucket {
  /**
   * How many buckets the group holds beyond its first: 0 for a group as its first write makes it
   * (a writer's ADD cannot tell a new group from an old one).
   */
  nb: number;
}

/** The bucket and group a name belongs in, as a writer found them. */
export interface Placement {
  bucket: Bucket;
  group: Group;
}

/** Where a position of the listing lies: in `bucket`, `skip` entries after its start. */
export interface Located {
  bucket: Bucket;
  skip: number;
}

export interface Directory {
  /** The listing's total, from its counter. */
  count: number;
  /** In name order. Their counts add up to `count` unless the index is not (yet) complete. */
  buckets: Bucket[];
}

/** The counter and the upper level of the directory, read together. */
export interface Top {
  count: number;
  groups: Group[];
}

/**
 * The `rev` of a range made anew: random, so a range that is merged away and made again at the
 * same bound never repeats a (bound, rev) pair a warm search index has seen.
 */
export const freshRev = () => randomInt(1, 2 ** 31);

/**
 * The key condition of a listing's entries from `lo` (all when "") up to `hi` (none when absent).
 * Key conditions have no half-open range and no empty string: with both bounds this is BETWEEN,
 * which includes `hi`, so the caller drops an entry named `hi`.
 */
export function entriesIn(listing: Listing, lo: string, hi?: string) {
  const values: Item = { ':pk': entryPk(listing) };
  if (lo !== '') values[':lo'] = lo;
  if (hi !== undefined) values[':hi'] = hi;
  let condition = 'pk = :pk';
  if (lo !== '' && hi !== undefined) condition += ' AND sk BETWEEN :lo AND :hi';
  else if (lo !== '') condition += ' AND sk >= :lo';
  else if (hi !== undefined) condition += ' AND sk < :hi';
  return { KeyConditionExpression: condition, ExpressionAttributeValues: values };
}

export const directoryKey = (listing: Listing, prefix: string, lo: string) => ({
  pk: counterKey(listing).pk,
  sk: `${prefix}${lo}`,
});

/**
 * The key condition of a listing's directory items of one kind from `lo` up to `hi` (inclusive,
 * so the caller drops a range starting at `hi`; all the rest of that kind when absent). `#` + 1 is
 * `$`: no key of the kind sorts at or after `<kind letter>$`.
 */
export function rangesIn(listing: Listing, prefix: string, lo: string, hi?: string) {
  return {
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
    ExpressionAttributeValues: {
      ':pk': counterKey(listing).pk,
      ':lo': `${prefix}${lo}`,
      ':hi': hi === undefined ? `${prefix.slice(0, -1)}$` : `${prefix}${hi}`,
    },
  };
}

export function toBucket(item: Item, prefix = BUCKET_PREFIX): Bucket {
  return {
    lo: (item.sk as string).slice(prefix.length),
    ...(typeof item.hi === 'string' && { hi: item.hi }),
    n: number(item.n),
    rev: number(item.rev),
  };
}

export const toGroup = (item: Item): Group => ({ ...toBucket(item, GROUP_PREFIX), nb: number(item.nb) });

/** Whether ranges account for every entry of a total (a directory written before groups does not). */
export const addsUp = (total: number, ranges: readonly Bucket[]) =>
  ranges.reduce((sum, range) => sum + range.n, 0) === total;

/** The listing's counter and groups, in one query: `count` sorts after every `b#` key, before every `g#` one. */
export async function readTop(ctx: DirectoryContext, listing: Listing, consistent: boolean): Promise<Top> {
  const items = await queryAll(ctx.db, ctx.table, {
    KeyConditionExpression: 'pk = :pk AND sk >= :count',
    ExpressionAttributeValues: { ':pk': counterKey(listing).pk, ':count': COUNT },
    ConsistentRead: consistent,
  });
  const counter = items.find((item) => item.sk === COUNT);
  return {
    count: number(counter?.n),
    groups: items.filter((item) => (item.sk as string).startsWith(GROUP_PREFIX)).map(toGroup),
  };
}

/** The buckets of [lo, hi) in name order (hi absent: to the end). */
export async function bucketsIn(
  ctx: DirectoryContext,
  listing: Listing,
  lo: string,
  hi: string | undefined,
  consistent: boolean,
): Promise<Bucket[]> {
  const items = await queryAll(ctx.db, ctx.table, {
    ...rangesIn(listing, BUCKET_PREFIX, lo, hi),
    ConsistentRead: consistent,
  });
  return items.map((item) => toBucket(item)).filter((bucket) => bucket.lo !== hi);
}

/** The last range of a kind whose lower bound is at or before `name` (`strictly`: before it). */
export async function lastAtOrBefore(
  ctx: DirectoryContext,
  listing: Listing,
  prefix: string,
  name: string,
  consistent: boolean,
  strictly = false,
): Promise<Item | undefined> {
  const items = await queryAll(
    ctx.db,
    ctx.table,
    {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :name',
      ExpressionAttributeValues: {
        ':pk': counterKey(listing).pk,
        ':first': prefix,
        ':name': `${prefix}${name}`,
      },
      ScanIndexForward: false,
      ConsistentRead: consistent,
    },
    strictly ? 2 : 1,
  );
  return items.find((item) => !strictly || item.sk !== `${prefix}${name}`);
}
