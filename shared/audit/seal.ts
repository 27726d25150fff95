/**
 * Sealing: the next digest of the trail, on a schedule and on demand. It names every lane whose
 * head moved since the digests before it, and is chained to the previous digest and signed.
 */
import {
  canonicalBytes,
  DIGEST_ALGORITHM,
  DIGEST_FORMAT,
  type Digest,
  type DigestSigner,
  type DigestStore,
  type LaneSeal,
  linkTo,
  type SignedDigest,
} from './digest.ts';
import { type AuditLanes, mapLimit } from './lanes.ts';

/**
 * How far before the previous digest the search for changed lanes starts. The day index is
 * eventually consistent and an entry's time is taken before its write commits, so an entry can
 * show up in the index a little after a digest was made while carrying an earlier time. Verifying
 * assumes the same bound: an entry older than a digest by more than this was in reach of it.
 */
export const SEAL_OVERLAP_MS = 5 * 60_000;

/** The last few digests give the lanes' known heads: a lane seen in the overlap is sealed in one of them. */
const RECENT_DIGESTS = 8;
const PARALLEL_LANE_READS = 16;

export interface SealDeps {
  lanes: AuditLanes;
  digests: DigestStore;
  signer: DigestSigner;
  clock: { now(): Date };
}

/** A lane the seal would not put in the digest: what it saw contradicts what was sealed. */
export interface SealAnomaly {
  pk: string;
  problem: string;
}

export interface SealResult extends SignedDigest {
  anomalies: SealAnomaly[];
}

interface KnownHead extends LaneSeal {
  digestSeq: number;
}

async function knownHeads(digests: DigestStore, latest: SignedDigest): Promise<Map<string, KnownHead>> {
  const recent = await digests.list(Math.max(1, latest.digest.seq - RECENT_DIGESTS + 1));
  const known = new Map<string, KnownHead>();
  for (const { digest } of recent)
    for (const lane of digest.lanes) known.set(lane.pk, { ...lane, digestSeq: digest.seq });
  return known;
}

/**
 * What the seal makes of one lane: its new head to seal, nothing (unchanged), or an anomaly. A
 * head that went back, changed at the same count, or moved on from an entry that is no longer
 * the one sealed is not sealed (that would bless the deletion or rewrite); verification, which
 * checks every sealed head, reports it in full.
 */
async function judge(
  lanes: AuditLanes,
  pk: string,
  before: KnownHead | undefined,
): Promise<LaneSeal | SealAnomaly | undefined> {
  const head = await lanes.head(pk);
  if (!before) return head && { pk, count: head.seq, headHash: head.hash, headAt: head.at };
  const sealed = `digest ${before.digestSeq} sealed ${before.count} entries`;
  if (!head) return { pk, problem: `lane holds no entries; ${sealed}` };
  if (head.seq < before.count) return { pk, problem: `lane ends at entry ${head.seq}; ${sealed}` };
  if (head.seq === before.count)
    return head.hash === before.headHash
      ? undefined
      : { pk, problem: `entry ${head.seq} is not the one digest ${before.digestSeq} sealed` };
  const then = await lanes.hashAt(pk, before.count);
  if (then !== before.headHash)
    return {
      pk,
      problem: `entry ${before.count} is ${then === undefined ? 'gone' : `not the one digest ${before.digestSeq} sealed`}; the lane goes on to entry ${head.seq}`,
    };
  return { pk, count: head.seq, headHash: head.hash, headAt: head.at };
}

/**
 * Writes the next digest. The first one seals every lane in the table; each later one the lanes
 * with entries since the previous digest (less the overlap) whose head moved on from the head the
 * recent digests sealed.
 */
export async function sealTrail(deps: SealDeps): Promise<SealResult> {
  const latest = await deps.digests.latest();
  const known = latest ? await knownHeads(deps.digests, latest) : new Map<string, KnownHead>();
  const since = latest && new Date(Date.parse(latest.digest.at) - SEAL_OVERLAP_MS).toISOString();
  const candidates = await deps.lanes.changedSince(since);
  const judged = await mapLimit(candidates, PARALLEL_LANE_READS, (pk) =>
    judge(deps.lanes, pk, known.get(pk)),
  );
  const lanes = judged.filter((lane): lane is LaneSeal => lane !== undefined && 'count' in lane);
  const anomalies = judged.filter((lane): lane is SealAnomaly => lane !== undefined && 'problem' in lane);

  const digest: Digest = {
    format: DIGEST_FORMAT,
    seq: (latest?.digest.seq ?? 0) + 1,
    // Taken after the heads were read: every entry sealed here was written before it.
    at: deps.clock.now().toISOString(),
    previous: latest ? linkTo(latest) : null,
    lanes: lanes.sort((a, b) => (a.pk < b.pk ? -1 : a.pk > b.pk ? 1 : 0)),
    keyId: deps.signer.keyId,
    algorithm: DIGEST_ALGORITHM,
  };
  const signature = Buffer.from(await deps.signer.sign(canonicalBytes(digest))).toString('base64');
  await deps.digests.put(digest, signature);
  return { digest, signature, anomalies };
}
