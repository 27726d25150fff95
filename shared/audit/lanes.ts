/**
 * What sealing and verification read of the trail: its lanes (one hash chain each, named by the
 * partition key they are stored under), their heads, and their entries in sequence order.
 */
import type { AuditRecord } from '../domain/audit.ts';

export interface LaneHead {
  seq: number;
  hash: string;
  at: string;
}

export interface AuditLanes {
  /**
   * The lanes holding an entry written at or after `since` (from an eventually consistent index:
   * callers allow for its lag); every lane in the table when `since` is undefined.
   */
  changedSince(since: string | undefined): Promise<string[]>;
  /** The lane's last entry, read consistently; undefined when the lane holds none. */
  head(pk: string): Promise<LaneHead | undefined>;
  /** The hash entry `seq` of the lane carries, read consistently; undefined when it is not there. */
  hashAt(pk: string, seq: number): Promise<string | undefined>;
  /**
   * The lane's entries from `fromSeq` on, in sequence order, read consistently page after page
   * from where the last page ended: entries appended meanwhile only lengthen the walk.
   */
  entries(pk: string, fromSeq: number): AsyncIterable<AuditRecord>;
}

/** Runs `task` over `items`, at most `limit` at a time, results in the items' order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
