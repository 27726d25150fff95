/**
 * Offset paging over a name-ordered listing without reading what lies before the page.
 *
 * DynamoDB cannot skip items: a Query at offset k reads (and is billed for) the k items before it.
 * So a counted listing keeps a directory beside its entries: buckets, each a name range [lo, hi)
 * with the number of entries in it, stored as small items in the listing's counter partition:
 *
 *   bucket   pk C#<listing>   sk b#<lo>   n, rev, hi (absent on the last bucket)
 *
 * A page at any offset reads the directory and then only the bucket holding the offset, from its
 * nearer end: at most half a bucket before the page. A write that adds or removes an entry moves
 * its bucket's count in the same transaction, guarded so that a bucket split meanwhile sends the
 * writer back to look again; a bucket grown past `splitAt` is split at its median, an emptied one
 * joins the bucket before it. Both are best effort: the counts stay exact whatever they do, only a
 * missed split leaves one bucket larger (slower to skip) until the next write into it.
 *
 * The directory grows with the listing, but about `splitAt` times slower than the listing (a
 * bucket item is ~100 bytes for ~`0.75 * splitAt` entries of ~200 bytes).
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Listing } from '../domain/ports.ts';
import { call, type Item, queryAll, type TransactItem, transact } from './dynamo-support.ts';
import { COUNT, counterKey, entryPk } from './keys.ts';

export const BUCKET_PREFIX = 'b#';
/** ~512 entries of ~200 bytes: half a bucket is ~6 read units, the directory ~1 per 70k entries. */
export const DEFAULT_SPLIT_AT = 512;

export interface Bucket {
  lo: string;
  /** Exclusive upper bound; absent on the last bucket. */
  hi?: string;
  n: number;
  rev: number;
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

const bucketKey = (listing: Listing, lo: string) => ({
  pk: counterKey(listing).pk,
  sk: `${BUCKET_PREFIX}${lo}`,
});

function toBucket(item: Item): Bucket {
  return {
    lo: (item.sk as string).slice(BUCKET_PREFIX.length),
    ...(typeof item.hi === 'string' && { hi: item.hi }),
    n: typeof item.n === 'number' ? item.n : 0,
    rev: typeof item.rev === 'number' ? item.rev : 0,
  };
}

export class ListingIndex {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #splitAt: number;

  constructor(db: DynamoDBDocumentClient, table: string, splitAt = DEFAULT_SPLIT_AT) {
    this.#db = db;
    this.#table = table;
    this.#splitAt = splitAt;
  }

  /** The bucket `name` belongs in: the one with the greatest lower bound not above it. */
  async bucketFor(listing: Listing, name: string, consistent: boolean): Promise<Bucket> {
    const [item] = await queryAll(
      this.#db,
      this.#table,
      {
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :name',
        ExpressionAttributeValues: {
          ':pk': counterKey(listing).pk,
          ':first': BUCKET_PREFIX,
          ':name': `${BUCKET_PREFIX}${name}`,
        },
        ScanIndexForward: false,
        ConsistentRead: consistent,
      },
      1,
    );
    // The first bucket (lo "") comes with the listing's first entry.
    return item ? toBucket(item) : { lo: '', n: 0, rev: 0 };
  }

  /**
   * Moves `bucket`'s count by `delta` for an entry named `name`, inside the writer's transaction.
   * Its condition fails, and the writer looks again, when the bucket no longer covers `name`.
   */
  countChange(listing: Listing, bucket: Bucket, name: string, delta: number): TransactItem {
    const stillCovers = 'attribute_not_exists(hi) OR hi > :name';
    return {
      Update: {
        TableName: this.#table,
        Key: bucketKey(listing, bucket.lo),
        UpdateExpression: 'ADD n :delta, rev :one',
        // The first bucket is made by its first write; any other must still exist (not merged away).
        ConditionExpression: bucket.lo === '' ? stillCovers : `attribute_exists(pk) AND (${stillCovers})`,
        ExpressionAttributeValues: { ':delta': delta, ':one': 1, ':name': name },
      },
    };
  }

  /** Splits a bucket grown too large, or drops an emptied one; `bucket` is as the writer found it. */
  async rebalance(listing: Listing, bucket: Bucket, delta: number): Promise<void> {
    try {
      if (delta > 0 && bucket.n + delta > this.#splitAt) await this.#split(listing, bucket.lo);
      if (delta < 0 && bucket.n + delta <= 0 && bucket.lo !== '') await this.#merge(listing, bucket.lo);
    } catch {
      // Best effort: the counts are exact either way, and the next write into the bucket tries again.
    }
  }

  /** The listing's counter and directory, in one read of their partition. */
  async directory(listing: Listing): Promise<Directory> {
    const items = await queryAll(this.#db, this.#table, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': counterKey(listing).pk },
    });
    const counter = items.find((item) => item.sk === COUNT);
    return {
      count: typeof counter?.n === 'number' ? counter.n : 0,
      buckets: items.filter((item) => (item.sk as string).startsWith(BUCKET_PREFIX)).map(toBucket),
    };
  }

  /**
   * Where an ascending position lies, or undefined when the buckets do not add up to the count:
   * a listing written before the index existed, or a read that raced a write.
   */
  static locate(directory: Directory, position: number): Located | undefined {
    let before = 0;
    for (const bucket of directory.buckets) before += bucket.n;
    if (before !== directory.count) return undefined;
    before = 0;
    for (const bucket of directory.buckets) {
      if (position < before + bucket.n) return { bucket, skip: position - before };
      before += bucket.n;
    }
    return undefined;
  }

  /**
   * Rebuilds a listing's directory from its entries: for a listing written before the index
   * existed. Run it while nothing writes to the listing.
   */
  async rebuild(listing: Listing): Promise<void> {
    const names = (
      await queryAll(this.#db, this.#table, {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': entryPk(listing) },
        ProjectionExpression: 'sk',
        ConsistentRead: true,
      })
    ).map((item) => item.sk as string);
    const { buckets } = await this.directory(listing);
    const size = Math.max(1, Math.floor(this.#splitAt / 2));
    const writes: TransactItem[] = buckets.map((bucket) => ({
      Delete: { TableName: this.#table, Key: bucketKey(listing, bucket.lo) },
    }));
    for (let start = 0; start === 0 || start < names.length; start += size) {
      const hi = names[start + size];
      writes.push({
        Put: {
          TableName: this.#table,
          Item: {
            ...bucketKey(listing, start === 0 ? '' : (names[start] as string)),
            n: Math.min(size, names.length - start),
            rev: 0,
            ...(hi !== undefined && { hi }),
          },
        },
      });
    }
    writes.push({ Put: { TableName: this.#table, Item: { ...counterKey(listing), n: names.length } } });
    // Deletes of buckets that are written again would be two actions on one item in a transaction.
    const rewritten = new Set(writes.flatMap((write) => (write.Put ? [write.Put.Item?.sk as string] : [])));
    const actions = writes.filter((write) => !write.Delete || !rewritten.has(write.Delete.Key?.sk as string));
    for (let i = 0; i < actions.length; i += 100) await transact(this.#db, actions.slice(i, i + 100));
  }

  async #split(listing: Listing, lo: string): Promise<void> {
    const item = await this.#getBucket(listing, lo);
    if (!item) return;
    const bucket = toBucket(item);
    if (bucket.n <= this.#splitAt) return;
    const names = (
      await queryAll(this.#db, this.#table, {
        ...entriesIn(listing, lo, bucket.hi),
        ProjectionExpression: 'sk',
        ConsistentRead: true,
      })
    )
      .map((entry) => entry.sk as string)
      .filter((name) => name !== bucket.hi);
    // Entries moved since the bucket was read: a later write will split it.
    if (names.length !== bucket.n) return;
    const half = Math.floor(names.length / 2);
    const middle = names[half] as string;
    await transact(this.#db, [
      {
        Update: {
          TableName: this.#table,
          Key: bucketKey(listing, lo),
          UpdateExpression: 'SET n = :lower, hi = :middle, rev = rev + :one',
          // Nothing entered or left the bucket since its entries were read.
          ConditionExpression: 'rev = :rev',
          ExpressionAttributeValues: { ':lower': half, ':middle': middle, ':one': 1, ':rev': bucket.rev },
        },
      },
      {
        Put: {
          TableName: this.#table,
          Item: {
            ...bucketKey(listing, middle),
            n: names.length - half,
            rev: 0,
            ...(bucket.hi !== undefined && { hi: bucket.hi }),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
  }

  async #merge(listing: Listing, lo: string): Promise<void> {
    const item = await this.#getBucket(listing, lo);
    if (!item) return;
    const bucket = toBucket(item);
    if (bucket.n !== 0) return;
    const previous = await this.#bucketBefore(listing, lo);
    // The bucket before this one ends where this one starts; anything else is a race, left alone.
    if (previous?.hi !== lo) return;
    await transact(this.#db, [
      {
        Delete: {
          TableName: this.#table,
          Key: bucketKey(listing, lo),
          ConditionExpression: 'rev = :rev AND n = :zero',
          ExpressionAttributeValues: { ':rev': bucket.rev, ':zero': 0 },
        },
      },
      {
        Update: {
          TableName: this.#table,
          Key: bucketKey(listing, previous.lo),
          UpdateExpression:
            bucket.hi === undefined ? 'REMOVE hi SET rev = rev + :one' : 'SET hi = :hi, rev = rev + :one',
          ConditionExpression: 'hi = :lo',
          ExpressionAttributeValues: {
            ':lo': lo,
            ':one': 1,
            ...(bucket.hi !== undefined && { ':hi': bucket.hi }),
          },
        },
      },
    ]);
  }

  async #bucketBefore(listing: Listing, lo: string): Promise<Bucket | undefined> {
    const [item] = await queryAll(
      this.#db,
      this.#table,
      {
        // Bucket keys sort below the counter's ("b#" < "count"), so this finds only buckets.
        KeyConditionExpression: 'pk = :pk AND sk < :key',
        ExpressionAttributeValues: { ':pk': counterKey(listing).pk, ':key': `${BUCKET_PREFIX}${lo}` },
        ScanIndexForward: false,
        ConsistentRead: true,
      },
      1,
    );
    return item && toBucket(item);
  }

  async #getBucket(listing: Listing, lo: string): Promise<Item | undefined> {
    return call(
      async () =>
        (
          await this.#db.send(
            new GetCommand({ TableName: this.#table, Key: bucketKey(listing, lo), ConsistentRead: true }),
          )
        ).Item,
    );
  }
}
