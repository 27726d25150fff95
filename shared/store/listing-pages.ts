/**
 * Reading the listings (all shared secrets, one owner's, one role's): pages in name order at any
 * offset, at a cost that does not grow with the offset (see listing-index.ts), and whole listings.
 */
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Page, SecretMetadata } from '../domain/model.ts';
import type { Listing } from '../domain/ports.ts';
import { getItem, queryAll } from './dynamo-support.ts';
import { counterKey } from './keys.ts';
import { addsUp, bucketsIn, entriesIn, type Located, type Top } from './listing-directory.ts';
import { ListingIndex as Index, type ListingIndex } from './listing-index.ts';
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
   * counter and the groups, the located group's buckets from its nearer end, and then only the
   * bucket holding its offset (see listing-index.ts), so its cost does not grow with the offset.
   * A listing without groups that add up (written before them) is located by all its buckets; one
   * whose buckets do not add up either (written before the index, or read mid-write) is walked
   * from its nearer end instead.
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
    const top = await this.#index.top(listing, false);
    const { count } = top;
    const wanted = Math.min(limit, count - offset);
    if (wanted <= 0) return { count, items: [] };
    const located = await this.#locate(listing, top, offset, descending);
    const entries = located
      ? await this.#readFrom(listing, located, wanted, descending)
      : await this.#walk(listing, count, offset, wanted, descending);
    return { count, items: entries.map(fromEntry) };
  }

  /**
   * Where the page's first entry lies: in `bucket`, `skip` entries from its end the page starts
   * from (its lower bound going up, its upper one going down). Counted from that end of the
   * listing, so secrets coming or going beyond the page do not move it.
   */
  async #locate(
    listing: Listing,
    top: Top,
    offset: number,
    descending: boolean,
  ): Promise<Located | undefined> {
    const inPageOrder = (located: Located | undefined): Located | undefined =>
      located && descending ? { bucket: located.bucket, skip: located.bucket.n - 1 - located.skip } : located;
    if (addsUp(top.count, top.groups)) {
      let before = 0;
      for (const group of descending ? [...top.groups].reverse() : top.groups) {
        if (offset < before + group.n) {
          const fromLo = descending ? group.n - 1 - (offset - before) : offset - before;
          const located = await this.#index.locateInGroup(listing, group, fromLo);
          if (located) return inPageOrder(located);
          break;
        }
        before += group.n;
      }
    }
    const buckets = await bucketsIn(this.#index, listing, '', undefined, false);
    return inPageOrder(
      Index.locate({ count: top.count, buckets }, descending ? top.count - 1 - offset : offset),
    );
  }

  /**
   * `wanted` entries in page order from a located one: read on from the bucket's near end when
   * that skips at most half a bucket (of the size buckets split at), else from its far end back
   * to the located entry and then on past that end.
   */
  async #readFrom(listing: Listing, { bucket, skip }: Located, wanted: number, descending: boolean) {
    const read = (input: Omit<QueryCommandInput, 'TableName'>, forward: boolean, count: number) =>
      queryAll(this.#db, this.#table, { ...input, ScanIndexForward: forward }, count);
    const toFarEnd = bucket.n - skip;
    if (skip <= Math.max(this.#index.splitAt / 2, toFarEnd)) {
      const near = descending ? entriesIn(listing, '', bucket.hi) : entriesIn(listing, bucket.lo);
      return (await read(near, !descending, skip + wanted)).slice(skip, skip + wanted);
    }
    const beyond = descending ? bucket.lo : bucket.hi;
    const [back, on] = await Promise.all([
      read(
        descending ? entriesIn(listing, bucket.lo) : entriesIn(listing, '', bucket.hi),
        descending,
        toFarEnd,
      ),
      beyond !== undefined && beyond !== '' && wanted > toFarEnd
        ? read(
            descending ? entriesIn(listing, '', beyond) : entriesIn(listing, beyond),
            !descending,
            wanted - toFarEnd,
          )
        : [],
    ]);
    return [...back.reverse(), ...on].slice(0, wanted);
  }

  /** Without a directory: reads up to the page from whichever end of the listing is nearer. */
  async #walk(listing: Listing, count: number, offset: number, wanted: number, descending: boolean) {
    const all = entriesIn(listing, '');
    if (offset <= count - offset - wanted) {
      const entries = await queryAll(
        this.#db,
        this.#table,
        { ...all, ScanIndexForward: !descending },
        offset + wanted,
      );
      return entries.slice(offset, offset + wanted);
    }
    const tail = await queryAll(
      this.#db,
      this.#table,
      { ...all, ScanIndexForward: descending },
      count - offset,
    );
    return tail.reverse().slice(0, wanted);
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
