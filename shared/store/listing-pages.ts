/**
 * Reading the listings (all shared secrets, one owner's, one role's): pages in name order at any
 * offset, at a cost that does not grow with the offset (see listing-index.ts), and whole listings.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Page, SecretMetadata } from '../domain/model.ts';
import type { Listing } from '../domain/ports.ts';
import { getItem, type Item, queryAll } from './dynamo-support.ts';
import { counterKey } from './keys.ts';
import { entriesIn, ListingIndex as Index, type ListingIndex, type Located } from './listing-index.ts';
import { fromEntry } from './secret-items.ts';

export class ListingPages {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #index: ListingIndex;

  constructor(db: DynamoDBDocumentClient, table: string, index: ListingIndex) {
    this.#db = db;
    this.#table = table;
    this.#index = index;
  }

  /**
   * A page of a name-ordered listing. The first page runs beside the count; a deeper one reads the
   * listing's directory and then only the bucket holding its offset (see listing-index.ts), so its
   * cost does not grow with the offset. A listing whose directory does not add up (written before
   * the index existed, or read mid-write) is walked from its nearer end instead.
   */
  async page(
    listing: Listing,
    offset: number,
    limit: number,
    descending: boolean,
  ): Promise<Page<SecretMetadata>> {
    if (offset === 0) {
      const [count, entries] = await Promise.all([
        this.#countOf(listing, false),
        queryAll(this.#db, this.#table, { ...entriesIn(listing, ''), ScanIndexForward: !descending }, limit),
      ]);
      return { count, items: entries.slice(0, limit).map(fromEntry) };
    }
    const directory = await this.#index.directory(listing);
    const { count } = directory;
    // The page as ascending positions [start, end).
    const start = descending ? Math.max(0, count - offset - limit) : offset;
    const end = descending ? count - offset : Math.min(count, offset + limit);
    if (end <= start) return { count, items: [] };
    const located = Index.locate(directory, start);
    const entries = located
      ? await this.#readFrom(listing, located, end - start)
      : await this.#walk(listing, count, start, end);
    return { count, items: (descending ? entries.reverse() : entries).map(fromEntry) };
  }

  /** `wanted` entries from a located position, reading from the nearer end of its bucket. */
  async #readFrom(listing: Listing, { bucket, skip }: Located, wanted: number): Promise<Item[]> {
    const toBucketEnd = bucket.n - skip;
    if (skip <= toBucketEnd) {
      const entries = await queryAll(this.#db, this.#table, entriesIn(listing, bucket.lo), skip + wanted);
      return entries.slice(skip, skip + wanted);
    }
    const [back, on] = await Promise.all([
      queryAll(
        this.#db,
        this.#table,
        { ...entriesIn(listing, '', bucket.hi), ScanIndexForward: false },
        toBucketEnd,
      ),
      bucket.hi !== undefined && wanted > toBucketEnd
        ? queryAll(this.#db, this.#table, entriesIn(listing, bucket.hi), wanted - toBucketEnd)
        : [],
    ]);
    return [...back.reverse(), ...on].slice(0, wanted);
  }

  /** Without a directory: reads up to the page from whichever end of the listing is nearer. */
  async #walk(listing: Listing, count: number, start: number, end: number): Promise<Item[]> {
    if (start <= count - end)
      return (await queryAll(this.#db, this.#table, entriesIn(listing, ''), end)).slice(start, end);
    const tail = await queryAll(
      this.#db,
      this.#table,
      { ...entriesIn(listing, ''), ScanIndexForward: false },
      count - start,
    );
    return tail.reverse().slice(0, end - start);
  }

  async entries(listings: readonly Listing[]): Promise<SecretMetadata[]> {
    const pages = await Promise.all(
      listings.map((listing) => queryAll(this.#db, this.#table, entriesIn(listing, ''))),
    );
    return pages.flat().map(fromEntry);
  }

  async #countOf(listing: Listing, consistent: boolean): Promise<number> {
    const item = await getItem(this.#db, this.#table, counterKey(listing), consistent);
    return typeof item?.n === 'number' ? item.n : 0;
  }
}
