/**
 * Offset paging over a name-ordered listing without reading what lies before the page.
 *
 * DynamoDB cannot skip items: a Query at offset k reads (and is billed for) the k items before it.
 * So a counted listing keeps a two-level directory beside its entries, as small items in the
 * listing's counter partition:
 *
 *   counter  pk C#<listing>   sk count     n           the listing's total
 *   bucket   same pk          sk b#<lo>    n, rev, hi  a name range [lo, hi): its number of entries
 *   group    same pk          sk g#<lo>    n, nb, rev, hi  a run of buckets: their entries, their number
 *
 * (hi is absent on the last bucket and the last group.) Groups start where buckets start, so the
 * groups tile the listing and each group's buckets tile the group. A page at any offset reads the
 * counter and the groups in one query (`count` sorts between the `b#` and the `g#` keys), the
 * located group's buckets from its nearer end, then the page from its bucket: at most
 * `splitAt / 2` entries before it (see listing-pages.ts).
 *
 * A write that adds or removes an entry moves its bucket's and its group's counts in the same
 * transaction, each guarded so that a split meanwhile sends the writer back to look again. Every
 * change to an entry of a watched listing (the shared one: a manager's search) also moves its
 * bucket's and group's `rev` in that transaction: the change counters a warm search index reloads
 * by (search-index.ts). Splits and merges (listing-rebalance.ts) are best effort: the counts stay
 * exact whatever they do; a missed split only leaves a range larger until a later write.
 *
 * Sizes at the defaults: a bucket holds 16 to 32 entries, a group 64 to 128 buckets (~1,500
 * entries). Directory items are ~60 bytes, so the groups of 100k entries fit one 4 KB read, and so
 * do the 64 bucket items a page reads at most from its group's nearer end.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Listing } from '../domain/ports.ts';
import { call, type Item, type TransactItem } from './dynamo-support.ts';
import { listingId } from './keys.ts';
import {
  addsUp,
  BUCKET_PREFIX,
  type Bucket,
  bucketsIn,
  changeKey,
  DEFAULT_GROUP_SPLIT_AT,
  DEFAULT_SPLIT_AT,
  type Directory,
  type DirectoryContext,
  directoryKey,
  GROUP_PREFIX,
  type Group,
  type Located,
  lastAtOrBefore,
  type Placement,
  rangesIn,
  readTop,
  type Top,
  toBucket,
  toGroup,
} from './listing-directory.ts';
import { mergeEmptied, splitBucket, splitGroup } from './listing-rebalance.ts';
import { rebuildListing } from './listing-rebuild.ts';

export {
  BUCKET_PREFIX,
  type Bucket,
  DEFAULT_SPLIT_AT,
  type Directory,
  entriesIn,
  type Located,
  type Placement,
} from './listing-directory.ts';

/** A group's buckets as read whole, with the group's bounds and rev then. */
interface Layout {
  rev: number;
  hi: string | undefined;
  buckets: Bucket[];
}

/** Group layouts a function keeps (each ~128 buckets: well under a megabyte in all). */
const KEPT_LAYOUTS = 64;

/** Where a position lies among consecutive buckets counted from the first. */
function locateIn(buckets: readonly Bucket[], position: number): Located | undefined {
  let before = 0;
  for (const bucket of buckets) {
    if (position < before + bucket.n) return { bucket, skip: position - before };
    before += bucket.n;
  }
  return undefined;
}

export class ListingIndex implements DirectoryContext {
  readonly #layouts = new Map<string, Layout>();
  readonly db: DynamoDBDocumentClient;
  readonly table: string;
  readonly splitAt: number;
  readonly groupSplitAt: number;

  constructor(
    db: DynamoDBDocumentClient,
    table: string,
    splitAt = DEFAULT_SPLIT_AT,
    groupSplitAt = DEFAULT_GROUP_SPLIT_AT,
  ) {
    this.db = db;
    this.table = table;
    this.splitAt = splitAt;
    this.groupSplitAt = groupSplitAt;
  }

  /**
   * Whether a warm search index follows the listing, so that updates (which move no count) also
   * mark their bucket and group changed: the shared listing only, the one a manager searches.
   */
  static watches(listing: Listing): boolean {
    return listing.kind === 'shared';
  }

  /** The bucket and the group `name` belongs in: the ones with the greatest lower bound not above it. */
  async place(listing: Listing, name: string, consistent: boolean): Promise<Placement> {
    const [bucket, group] = await Promise.all([
      lastAtOrBefore(this, listing, BUCKET_PREFIX, name, consistent),
      lastAtOrBefore(this, listing, GROUP_PREFIX, name, consistent),
    ]);
    // The first bucket and the first group (lo "") come with the listing's first entry.
    return {
      bucket: bucket ? toBucket(bucket) : { lo: '', n: 0, rev: 0 },
      group: group ? toGroup(group) : { lo: '', n: 0, nb: 0, rev: 0 },
    };
  }

  /**
   * Moves the placement's counts by `delta` for an entry named `name` (0: an update, which only
   * moves their `rev`), inside the writer's transaction. Their conditions fail, and the writer
   * looks again, when a range no longer covers `name`.
   */
  changes(listing: Listing, placement: Placement, name: string, delta: number): TransactItem[] {
    return [
      this.#change(listing, BUCKET_PREFIX, placement.bucket.lo, name, delta),
      this.#change(listing, GROUP_PREFIX, placement.group.lo, name, delta),
      // An update's stamp (a create or delete moves the counter's rev instead, in the same write).
      ...(delta === 0
        ? [
            {
              Update: {
                TableName: this.table,
                Key: changeKey(listing, name),
                UpdateExpression: 'ADD rev :one',
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ]
        : []),
    ];
  }

  #change(listing: Listing, prefix: string, lo: string, name: string, delta: number): TransactItem {
    const stillCovers = 'attribute_not_exists(hi) OR hi > :name';
    return {
      Update: {
        TableName: this.table,
        Key: directoryKey(listing, prefix, lo),
        UpdateExpression: delta === 0 ? 'ADD rev :one' : 'ADD n :delta, rev :one',
        // The first range is made by its first write; any other must still exist (not merged away).
        ConditionExpression: lo === '' ? stillCovers : `attribute_exists(pk) AND (${stillCovers})`,
        ExpressionAttributeValues: { ':one': 1, ':name': name, ...(delta !== 0 && { ':delta': delta }) },
      },
    };
  }

  /** Splits a range grown too large, or drops an emptied one; `placement` is as the writer found it. */
  async rebalance(listing: Listing, placement: Placement, delta: number): Promise<void> {
    try {
      const { bucket, group } = placement;
      if (delta > 0 && bucket.n + delta > this.splitAt) {
        const split = await splitBucket(this, listing, bucket.lo, group.lo);
        // The group's bucket number as the writer read it: a stale one only delays the group's split.
        if (split && group.nb + 2 > this.groupSplitAt) await splitGroup(this, listing, group.lo);
      }
      if (delta < 0) await mergeEmptied(this, listing, placement, delta);
    } catch {
      // Best effort: the counts are exact either way, and the next write into the range tries again.
    }
  }

  /** The listing's counter and groups, in one query. */
  top(listing: Listing, consistent: boolean): Promise<Top> {
    return readTop(this, listing, consistent);
  }

  /**
   * Where position `skip` of `group` lies, reading the group's buckets from its nearer end, half a
   * group per query; undefined when its buckets do not account for the position (a race, or a
   * directory still being rebuilt). A group read whole in one query is kept by its (bounds, rev),
   * which moves with every count in it: the next page in the unchanged group reads no bucket.
   */
  async locateInGroup(listing: Listing, group: Group, skip: number): Promise<Located | undefined> {
    const key = `${listingId(listing)}\u0000${group.lo}`;
    const known = this.#layouts.get(key);
    if (known && known.rev === group.rev && known.hi === group.hi) return locateIn(known.buckets, skip);
    const forward = skip < group.n - skip;
    const target = forward ? skip : group.n - 1 - skip;
    let seen = 0;
    let start: Item | undefined;
    let found: Located | undefined;
    do {
      const page = await call(() =>
        this.db.send(
          new QueryCommand({
            TableName: this.table,
            ...rangesIn(listing, BUCKET_PREFIX, group.lo, group.hi),
            ScanIndexForward: forward,
            Limit: Math.max(1, Math.ceil(this.groupSplitAt / 2)),
            ExclusiveStartKey: start,
          }),
        ),
      );
      const buckets = (page.Items ?? []).map((item) => toBucket(item)).filter((b) => b.lo !== group.hi);
      if (start === undefined && page.LastEvaluatedKey === undefined) {
        const whole = forward ? buckets : buckets.reverse();
        if (addsUp(group.n, whole)) this.#keepLayout(key, { rev: group.rev, hi: group.hi, buckets: whole });
        return locateIn(whole, skip);
      }
      for (const bucket of buckets) {
        if (target < seen + bucket.n) {
          const fromNear = target - seen;
          found = { bucket, skip: forward ? fromNear : bucket.n - 1 - fromNear };
          break;
        }
        seen += bucket.n;
      }
      start = page.LastEvaluatedKey;
    } while (!found && start !== undefined);
    return found;
  }

  #keepLayout(key: string, layout: Layout) {
    this.#layouts.delete(key);
    this.#layouts.set(key, layout);
    // Oldest first out: a few groups' worth is what paging through a listing revisits.
    for (const oldest of this.#layouts.keys()) {
      if (this.#layouts.size <= KEPT_LAYOUTS) break;
      this.#layouts.delete(oldest);
    }
  }

  /** The listing's counter and every bucket: the one-level directory (listings whose groups do not add up). */
  async directory(listing: Listing): Promise<Directory> {
    const [{ count }, buckets] = await Promise.all([
      readTop(this, listing, false),
      bucketsIn(this, listing, '', undefined, false),
    ]);
    return { count, buckets };
  }

  /**
   * Where an ascending position lies, or undefined when the buckets do not add up to the count:
   * a listing written before the index existed, or a read that raced a write.
   */
  static locate(directory: Directory, position: number): Located | undefined {
    if (!addsUp(directory.count, directory.buckets)) return undefined;
    return locateIn(directory.buckets, position);
  }

  /**
   * Rebuilds a listing's directory from its entries: for a listing written before the index (or
   * its groups) existed. Run it while nothing writes to the listing (see listing-rebuild.ts).
   */
  rebuild(listing: Listing): Promise<void> {
    return rebuildListing(this, listing);
  }
}
