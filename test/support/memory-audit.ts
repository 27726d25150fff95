/** In-memory fakes of the trail's lanes and of digest storage, for sealing and verification tests. */
import type { Digest, DigestStore, SignedDigest } from '../../shared/audit/digest.ts';
import { DigestExistsError } from '../../shared/audit/digest.ts';
import type { AuditLanes, LaneHead } from '../../shared/audit/lanes.ts';
import { type AuditEvent, type AuditRecord, nextRecord } from '../../shared/domain/audit.ts';

export class MemoryLanes implements AuditLanes {
  /** Lanes by pk, entries in seq order: tests edit them as an insider would edit the table. */
  readonly lanes = new Map<string, AuditRecord[]>();

  append(pk: string, event: AuditEvent): AuditRecord {
    const lane = this.lanes.get(pk) ?? [];
    const record = nextRecord(event, lane.at(-1), 0);
    this.lanes.set(pk, [...lane, record]);
    return record;
  }

  async changedSince(since: string | undefined): Promise<string[]> {
    return [...this.lanes]
      .filter(
        ([, records]) => records.length > 0 && records.some((r) => since === undefined || r.at >= since),
      )
      .map(([pk]) => pk);
  }

  async head(pk: string): Promise<LaneHead | undefined> {
    const last = this.lanes.get(pk)?.at(-1);
    return last && { seq: last.seq, hash: last.hash, at: last.at };
  }

  async hashAt(pk: string, seq: number): Promise<string | undefined> {
    return this.lanes.get(pk)?.find((record) => record.seq === seq)?.hash;
  }

  async *entries(pk: string, fromSeq: number): AsyncIterable<AuditRecord> {
    for (const record of this.lanes.get(pk) ?? []) if (record.seq >= fromSeq) yield record;
  }
}

export class MemoryDigestStore implements DigestStore {
  readonly digests = new Map<number, SignedDigest>();

  async latest(): Promise<SignedDigest | undefined> {
    return this.digests.get(Math.max(0, ...this.digests.keys()));
  }

  async put(digest: Digest, signature: string): Promise<void> {
    if (this.digests.has(digest.seq)) throw new DigestExistsError(digest.seq);
    this.digests.set(digest.seq, structuredClone({ digest, signature }));
  }

  async list(fromSeq = 1): Promise<SignedDigest[]> {
    return [...this.digests.values()]
      .filter(({ digest }) => digest.seq >= fromSeq)
      .sort((a, b) => a.digest.seq - b.digest.seq);
  }
}

/** A clock the test moves. */
export const testClock = (start: string) => {
  let now = Date.parse(start);
  return {
    now: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
    iso: () => new Date(now).toISOString(),
  };
};
