/**
 * A warm copy of a watched listing's entries (the shared listing: what a manager's search reads),
 * kept in the function's memory and current by the listing directory's change counters.
 *
 * Every change to an entry moves, in the writer's own transaction (listing-index.ts), the `rev` of
 * its bucket and of its group, and the counter's `rev` (a create or delete) or one of eight change
 * stamps (an update); a split or merge moves the `rev` of what it reshapes. So a search first reads
 * the counter and the stamps (strongly consistent, nine small items whatever the listing's size):
 * unchanged, the copy is current. Otherwise it reads the groups, the buckets of a group whose
 * (bounds, rev) changed, and the entries of a bucket whose (bounds, rev) changed: a search sees
 * every write committed before it began, as reading the listing would, at the cost of what
 * changed. The first search of a function instance loads everything (strongly consistent, so about
 * twice what one scan of the listing costs).
 *
 * Keyword candidates come from each group's lower-cased names joined by newlines: the native
 * search finds the occurrences of the longest keyword, each inside one name (no keyword holds a
 * newline, no name does), and only those names are checked for the other keywords. The domain's
 * exact filter still runs over the candidates, so its rule stays the one that decides.
 */
import type { SecretMetadata } from '../domain/model.ts';
import type { Listing } from '../domain/ports.ts';
import { type Item, queryAll } from './dynamo-support.ts';
import { listingId } from './keys.ts';
import { addsUp, type Bucket, bucketsIn, entriesIn, readChanges } from './listing-directory.ts';
import type { ListingIndex } from './listing-index.ts';
import { fromEntry } from './secret-items.ts';

interface WarmBucket {
  lo: string;
  hi: string | undefined;
  /** NaN for ranges read while they did not add up: never equal, so reloaded next time. */
  rev: number;
  entries: SecretMetadata[];
  /** Lower-cased names, in the entries' order. */
  names: string[];
}

interface WarmGroup {
  lo: string;
  hi: string | undefined;
  rev: number;
  buckets: WarmBucket[];
  /** The group's entries and lower-cased names, and the names joined by newlines, made when it is read. */
  entries: SecretMetadata[];
  names: string[];
  text: string;
  /** Where each name starts in `text`. */
  starts: Int32Array;
}

/** Bucket reads of one group at once: enough to hide round trips, few enough not to flood one partition. */
const PARALLEL_READS = 16;
/** Groups read at once when many changed (a cold start: one query per group, in 1 MB pages). */
const PARALLEL_GROUPS = 4;

const SURROGATE = /[\uD800-\uDFFF]/;
/** DynamoDB orders keys by UTF-8 bytes: JavaScript's order too, unless a string holds a surrogate pair. */
const before = (a: string, b: string) =>
  SURROGATE.test(a) || SURROGATE.test(b) ? Buffer.compare(Buffer.from(a), Buffer.from(b)) < 0 : a < b;

/** Runs `tasks` at most `width` at a time, results in order. */
async function inTurn<T>(tasks: Array<() => Promise<T>>, width: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < tasks.length; i = next++) results[i] = await (tasks[i] as () => Promise<T>)();
  };
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, lane));
  return results;
}

export class SearchIndex {
  readonly #index: ListingIndex;
  /** Per listing id: its groups as last read (by lower bound, and in order), with its stamps then. */
  readonly #warm = new Map<string, { changes: string; groups: Map<string, WarmGroup>; order: WarmGroup[] }>();

  constructor(index: ListingIndex) {
    this.#index = index;
  }

  /**
   * The listing's entries whose lower-cased names may contain every word (a superset of those that
   * do: the caller filters exactly), or undefined when the listing's directory does not add up
   * (written before its groups existed): the caller reads the listing instead.
   */
  async entries(listing: Listing, words: readonly string[]): Promise<SecretMetadata[] | undefined> {
    const groups = await this.#refresh(listing);
    if (!groups) return undefined;
    const found: SecretMetadata[] = [];
    // The longest word has the fewest places to be: its occurrences lead to the candidate names.
    const [lead, ...rest] = [...words].sort((a, b) => b.length - a.length);
    for (const group of groups) {
      if (lead === undefined) {
        found.push(...group.entries);
        continue;
      }
      let name = 0;
      let last = -1;
      for (let at = group.text.indexOf(lead); at >= 0; at = group.text.indexOf(lead, at + lead.length)) {
        while (name + 1 < group.starts.length && (group.starts[name + 1] as number) <= at) name++;
        if (name === last) continue;
        last = name;
        const lower = group.names[name] as string;
        if (rest.every((word) => lower.includes(word))) found.push(group.entries[name] as SecretMetadata);
      }
    }
    return found;
  }

  async #refresh(listing: Listing): Promise<WarmGroup[] | undefined> {
    const id = listingId(listing);
    // Read first: what is read after them is at least as new, so equal stamps next time mean the
    // copy is current (a write in between only makes the next search look again).
    const changes = await readChanges(this.#index, listing);
    const last = this.#warm.get(id);
    if (last?.changes === changes) return last.order;
    const top = await this.#index.top(listing, true);
    if (!addsUp(top.count, top.groups)) {
      this.#warm.delete(id);
      return undefined;
    }
    const known = last?.groups ?? new Map<string, WarmGroup>();
    const unchanged = (group: Bucket) => {
      const warm = known.get(group.lo);
      return warm && warm.rev === group.rev && warm.hi === group.hi ? warm : undefined;
    };
    const changed = top.groups.filter((group) => !unchanged(group));
    if (changed.length === 0 && known.size === top.groups.length) {
      const order = top.groups.map((group) => unchanged(group) as WarmGroup);
      this.#warm.set(id, { changes, groups: known, order });
      return order;
    }
    // Buckets by lower bound, whichever group held them: a group split moves buckets, not entries.
    const buckets = new Map<string, WarmBucket>();
    for (const group of known.values()) for (const bucket of group.buckets) buckets.set(bucket.lo, bucket);
    const fresh = await inTurn(
      top.groups.map((group) => async (): Promise<WarmGroup> => {
        const warm = unchanged(group);
        if (warm) return warm;
        const ranges = await bucketsIn(this.#index, listing, group.lo, group.hi, true);
        if (!tiles(ranges, group.lo, group.hi) || !addsUp(group.n, ranges)) {
          // Read mid-change: the group's entries as one range, read again next time.
          const whole = await this.#load(listing, { lo: group.lo, n: group.n, rev: Number.NaN }, group.hi);
          return warmGroup(group.lo, group.hi, Number.NaN, [whole]);
        }
        const kept = (range: Bucket) => {
          const warm = buckets.get(range.lo);
          return warm && warm.rev === range.rev && warm.hi === range.hi ? warm : undefined;
        };
        // Most of the group changed (or none of it is known): one query over it costs the same
        // units as its buckets' and takes one round trip per 1 MB instead of one per bucket.
        const loaded =
          2 * ranges.filter((range) => !kept(range)).length > ranges.length
            ? await this.#loadGroup(listing, group.lo, group.hi, ranges)
            : await inTurn(
                ranges.map((range) => () => {
                  const warm = kept(range);
                  return warm ? Promise.resolve(warm) : this.#load(listing, range, range.hi);
                }),
                PARALLEL_READS,
              );
        return warmGroup(group.lo, group.hi, group.rev, loaded);
      }),
      PARALLEL_GROUPS,
    );
    this.#warm.set(id, { changes, groups: new Map(fresh.map((group) => [group.lo, group])), order: fresh });
    return fresh;
  }

  /**
   * A bucket's entries, strongly consistent: read after the `rev` stored with them, so they are at
   * least as new as it (a write in between only makes the next search read them again).
   */
  async #load(listing: Listing, range: Bucket, hi: string | undefined): Promise<WarmBucket> {
    return warmBucket(range, hi, await this.#read(listing, range.lo, hi));
  }

  /** A group's buckets from one query over the group, cut at the buckets' bounds. */
  async #loadGroup(listing: Listing, lo: string, hi: string | undefined, ranges: readonly Bucket[]) {
    const items = await this.#read(listing, lo, hi);
    let at = 0;
    return ranges.map((range) => {
      const start = at;
      while (at < items.length && (range.hi === undefined || before(items[at]?.sk as string, range.hi))) at++;
      return warmBucket(range, range.hi, items.slice(start, at));
    });
  }

  /** Entries of [lo, hi), strongly consistent: read after the revs stored with them (see #load). */
  async #read(listing: Listing, lo: string, hi: string | undefined): Promise<Item[]> {
    const items = await queryAll(this.#index.db, this.#index.table, {
      ...entriesIn(listing, lo, hi),
      ConsistentRead: true,
    });
    return items.filter((item) => item.sk !== hi);
  }
}

function warmBucket(range: Bucket, hi: string | undefined, items: readonly Item[]): WarmBucket {
  const entries = items.map(fromEntry);
  return {
    lo: range.lo,
    hi,
    rev: range.rev,
    entries,
    names: entries.map((entry) => entry.name.toLowerCase()),
  };
}

/**
 * A group as a search scans it: one text of its lower-cased names joined by newlines. No keyword
 * holds a newline (keywords split on whitespace) and no name does, so every occurrence of a
 * keyword lies inside one name.
 */
function warmGroup(lo: string, hi: string | undefined, rev: number, buckets: WarmBucket[]): WarmGroup {
  const entries = buckets.flatMap((bucket) => bucket.entries);
  const names = buckets.flatMap((bucket) => bucket.names);
  const starts = new Int32Array(names.length);
  let at = 0;
  for (const [i, name] of names.entries()) {
    starts[i] = at;
    at += name.length + 1;
  }
  return { lo, hi, rev, buckets, entries, names, text: names.join('\n'), starts };
}

/** Whether buckets cover [lo, hi) exactly, one after the other. */
function tiles(buckets: readonly Bucket[], lo: string, hi: string | undefined): boolean {
  if (buckets[0]?.lo !== lo) return false;
  return buckets.every((bucket, i) => bucket.hi === (buckets[i + 1]?.lo ?? hi));
}
