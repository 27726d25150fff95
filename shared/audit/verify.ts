/**
 * Verification of the whole trail against its digests, with the public key alone: the digest
 * chain (verify-digests.ts), then every lane a digest sealed or the table holds, entry by entry
 * in sequence order. What a lane must hold follows from the digests: entries 1..count of its
 * highest sealed count, chained, each sealed head where the digest put it. Entries may be missing
 * only where retention explains it; entries past the sealed count must chain on from it.
 */
import type { KeyObject } from 'node:crypto';
import { type AuditRecord, GENESIS, recordHash } from '../domain/audit.ts';
import type { SignedDigest } from './digest.ts';
import { type AuditLanes, mapLimit } from './lanes.ts';
import { type AuditReport, type Note, type Problem, seqRange } from './report.ts';
import { SEAL_OVERLAP_MS } from './seal.ts';
import { checkDigestChain, publicKeyFrom } from './verify-digests.ts';

export interface VerifyAuditInput {
  /** Every digest, as loaded before the table is read (a digest newer than the reads would name entries not read). */
  digests: readonly SignedDigest[];
  publicKeySpkiDer: Uint8Array | string;
  lanes: AuditLanes;
  now: Date;
  retentionDays: number;
  digestIntervalMinutes: number;
  /** Only the lanes this accepts are checked (one secret's, say); every lane when absent. */
  scope?: ((pk: string) => boolean) | undefined;
}

/** Lanes read at once: each is a short walk whose time is the table's latency, not work here. */
const PARALLEL_LANES = 32;

/** A lane as one digest sealed it. */
interface SealedState {
  digest: number;
  count: number;
  headHash: string;
}

interface LaneResult {
  problems: Problem[];
  notes: Note[];
  entries: number;
  unsealed: number;
  expired: number;
}

/**
 * The last digest whose newly sealed entries may all have expired by now. Entries a digest seals
 * first were written after the digest before it, less the overlap (or it would have sealed
 * them); the first digest's may be of any age. Infinity: even entries not sealed yet may be
 * that old (the latest digest itself is older than the retention).
 */
function expirableThrough(trusted: readonly SignedDigest[], cutoff: number): number {
  let through = trusted[0]?.digest.seq ?? 0;
  trusted.forEach(({ digest }, index) => {
    if (Date.parse(digest.at) - SEAL_OVERLAP_MS <= cutoff)
      through = trusted[index + 1]?.digest.seq ?? Number.POSITIVE_INFINITY;
  });
  return through;
}

const highestCount = (states: readonly SealedState[]) =>
  states.reduce((highest, state) => Math.max(highest, state.count), 0);

export async function verifyAudit(input: VerifyAuditInput): Promise<AuditReport> {
  const key: KeyObject = publicKeyFrom(input.publicKeySpkiDer);
  const chain = checkDigestChain(input.digests, key, {
    now: input.now,
    intervalMs: input.digestIntervalMinutes * 60_000,
  });
  const states = new Map<string, SealedState[]>();
  for (const { digest } of chain.trusted)
    for (const lane of digest.lanes) {
      const state = { digest: digest.seq, count: lane.count, headHash: lane.headHash };
      const known = states.get(lane.pk);
      if (known) known.push(state);
      else states.set(lane.pk, [state]);
    }

  const through = expirableThrough(chain.trusted, input.now.getTime() - input.retentionDays * 86_400_000);
  const latest = chain.trusted.at(-1)?.digest;
  const staleBefore = latest ? Date.parse(latest.at) - SEAL_OVERLAP_MS : Number.NEGATIVE_INFINITY;
  const inTable = await input.lanes.changedSince(undefined);
  const pks = [...new Set([...states.keys(), ...inTable])].filter(input.scope ?? (() => true)).sort();

  const results = await mapLimit(pks, PARALLEL_LANES, (pk) => {
    const sealed = states.get(pk) ?? [];
    const expirable = Number.isFinite(through)
      ? highestCount(sealed.filter((state) => state.digest <= through))
      : Number.POSITIVE_INFINITY;
    return verifyLane(pk, sealed, { expirable, staleBefore, latest: latest?.seq }, input.lanes);
  });

  const problems = [...chain.problems, ...results.flatMap((result) => result.problems)];
  const sum = (field: 'entries' | 'unsealed' | 'expired') =>
    results.reduce((total, result) => total + result[field], 0);
  return {
    ok: problems.length === 0,
    problems,
    notes: results.flatMap((result) => result.notes),
    digests: input.digests.length,
    latestDigest: latest && { seq: latest.seq, at: latest.at },
    lanes: pks.length,
    entries: sum('entries'),
    unsealed: sum('unsealed'),
    expired: sum('expired'),
  };
}

async function verifyLane(
  lane: string,
  sealed: readonly SealedState[],
  bounds: { expirable: number; staleBefore: number; latest: number | undefined },
  lanes: AuditLanes,
): Promise<LaneResult> {
  const result: LaneResult = { problems: [], notes: [], entries: 0, unsealed: 0, expired: 0 };
  const problem = (kind: Problem['kind'], from: number, to: number, message: string) =>
    result.problems.push({ kind, lane, from, to, message: `lane ${lane}: ${message}` });
  const count = highestCount(sealed);
  const headAt = new Map<number, SealedState>();
  for (const state of sealed) if (!headAt.has(state.count)) headAt.set(state.count, state);

  /** Entries from..to are not in the table: retention may explain the oldest of them. */
  const missing = (from: number, to: number, where: 'oldest' | 'middle' | 'newest' | 'all') => {
    const explained = Math.min(to, bounds.expirable) - from + 1;
    if (explained > 0) result.expired += explained;
    const first = Math.max(from, bounds.expirable + 1);
    if (first > to) return;
    if (where === 'all')
      problem('lane-deleted', first, to, `deleted: ${seqRange(first, to)} sealed, none in the table`);
    else problem('entries-deleted', first, to, `${seqRange(first, to)} deleted (${where})`);
  };

  let previous: AuditRecord | undefined;
  let intactUpTo = 0;
  let rewritten = false;
  let stale = 0;
  for await (const record of lanes.entries(lane, 1)) {
    result.entries++;
    const expected = (previous?.seq ?? 0) + 1;
    if (record.seq < expected) {
      problem(
        'chain-broken',
        record.seq,
        record.seq,
        `entry ${record.seq} is stored after entry ${expected - 1}`,
      );
      continue;
    }
    if (record.seq > expected) missing(expected, record.seq - 1, previous ? 'middle' : 'oldest');
    if (recordHash(record) !== record.hash)
      problem(
        'entry-edited',
        record.seq,
        record.seq,
        `entry ${record.seq} was edited (it does not match its hash)`,
      );
    else if (record.seq === expected && record.prevHash !== (previous?.hash ?? GENESIS))
      problem(
        'chain-broken',
        record.seq,
        record.seq,
        `entry ${record.seq} does not follow ${previous ? `entry ${previous.seq}` : 'the chain start'} (one of them was replaced)`,
      );
    const state = headAt.get(record.seq);
    if (state && record.hash === state.headHash) intactUpTo = record.seq;
    else if (state && !rewritten) {
      rewritten = true;
      problem(
        'lane-rewritten',
        intactUpTo + 1,
        record.seq,
        `${seqRange(intactUpTo + 1, record.seq)} rewritten: entry ${record.seq} is not the one digest ${state.digest} sealed`,
      );
    }
    if (record.seq > count) {
      result.unsealed++;
      if (Date.parse(record.at) < bounds.staleBefore) stale++;
    }
    previous = record;
  }
  const last = previous?.seq ?? 0;
  if (last < count) missing(last + 1, count, previous ? 'newest' : 'all');

  if (result.unsealed > 0)
    result.notes.push({
      kind: 'not-yet-sealed',
      lane,
      entries: result.unsealed,
      message: `lane ${lane}: not yet sealed: ${result.unsealed} entries${count ? ` after entry ${count}` : ''}`,
    });
  if (stale > 0)
    problem(
      'unsealed-stale',
      count + 1,
      last,
      `${stale} entries in no digest are older than digest ${bounds.latest} (inserted afterwards, or missed)`,
    );
  if (result.expired > 0)
    result.notes.push({
      kind: 'expired',
      lane,
      entries: result.expired,
      message: `lane ${lane}: ${result.expired} sealed entries gone by retention`,
    });
  return result;
}
