/**
 * Signed digests of the audit trail, as CloudTrail's digest files are for its logs. Each digest
 * names, for every lane that changed since the one before, how many entries the lane then held
 * and the hash of the last: an entry's chain can then be checked up to a point nobody holding
 * only the table can move. Each digest carries the hash and signature of the previous one, so
 * removing or replacing a digest breaks the chain of digests too. Pure: the ports below reach
 * KMS and the digest storage.
 */
import { createHash } from 'node:crypto';

export const DIGEST_FORMAT = 1;
export const DIGEST_ALGORITHM = 'ECDSA_SHA_256';

/** One lane as a digest seals it. */
export interface LaneSeal {
  /** The lane's partition key, as stored. */
  pk: string;
  /** The lane's last sequence number then: entries 1..count existed. */
  count: number;
  /** The hash of entry `count`. */
  headHash: string;
  /** When entry `count` was written. */
  headAt: string;
}

export interface DigestLink {
  hash: string;
  signature: string;
}

export interface Digest {
  format: typeof DIGEST_FORMAT;
  /** Digests are numbered from 1 without gaps. */
  seq: number;
  /** When the lanes' heads had been read: every entry sealed here was written before. */
  at: string;
  /** The digest before this one (null for the first). */
  previous: DigestLink | null;
  /** Only the lanes whose head moved since the previous digests, sorted by pk. */
  lanes: LaneSeal[];
  keyId: string;
  algorithm: typeof DIGEST_ALGORITHM;
}

/** A digest with its signature (base64 DER ECDSA P-256 over `canonicalBytes(digest)`). */
export interface SignedDigest {
  digest: Digest;
  signature: string;
}

/** Signs with a key only the digest function may use (KMS `kms:Sign`, ECC_NIST_P256). */
export interface DigestSigner {
  readonly keyId: string;
  /** A DER ECDSA signature with SHA-256 over `message`. */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** Where digests are kept: write-once, so a digest once written stays as it was. */
export interface DigestStore {
  latest(): Promise<SignedDigest | undefined>;
  /** Throws DigestExistsError when a digest with that seq is already there. */
  put(digest: Digest, signature: string): Promise<void>;
  /** Digests from `fromSeq` on, in order. */
  list(fromSeq?: number): Promise<SignedDigest[]>;
}

/** Another digest has the number: two seals raced, or someone wrote in the digests' place. */
export class DigestExistsError extends Error {
  constructor(seq: number, options?: ErrorOptions) {
    super(`digest ${seq} already exists`, options);
    this.name = 'DigestExistsError';
  }
}

const byPk = (a: LaneSeal, b: LaneSeal) => (a.pk < b.pk ? -1 : a.pk > b.pk ? 1 : 0);

/**
 * The bytes signed and hashed: JSON with every key in a fixed order and the lanes sorted, so the
 * same digest always gives the same bytes whoever wrote the file and however it was parsed.
 */
export function canonicalBytes(digest: Digest): Uint8Array {
  const ordered = {
    format: digest.format,
    seq: digest.seq,
    at: digest.at,
    previous: digest.previous && { hash: digest.previous.hash, signature: digest.previous.signature },
    lanes: [...digest.lanes]
      .sort(byPk)
      .map((lane) => ({ pk: lane.pk, count: lane.count, headHash: lane.headHash, headAt: lane.headAt })),
    keyId: digest.keyId,
    algorithm: digest.algorithm,
  };
  return Buffer.from(JSON.stringify(ordered), 'utf8');
}

/** SHA-256 (hex) of the canonical bytes: what the next digest's `previous.hash` holds. */
export const digestHash = (digest: Digest): string =>
  createHash('sha256').update(canonicalBytes(digest)).digest('hex');

export const linkTo = (signed: SignedDigest): DigestLink => ({
  hash: digestHash(signed.digest),
  signature: signed.signature,
});

export class MalformedDigestError extends Error {
  constructor(where: string, problem: string) {
    super(`${where}: ${problem}`);
    this.name = 'MalformedDigestError';
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isTime = (value: unknown): value is string =>
  typeof value === 'string' && !Number.isNaN(Date.parse(value));
const isHex64 = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);

/**
 * A stored digest file (`{ digest, signature }`) read back, shape checked: whatever is in the
 * storage is evidence to judge, so a malformed one is refused by name, never half-trusted.
 */
export function parseSignedDigest(value: unknown, where: string): SignedDigest {
  const fail = (problem: string): never => {
    throw new MalformedDigestError(where, problem);
  };
  if (!isObject(value) || typeof value.signature !== 'string' || !isObject(value.digest))
    return fail('not { digest, signature }');
  const d = value.digest;
  if (d.format !== DIGEST_FORMAT) fail(`format ${String(d.format)} is not ${DIGEST_FORMAT}`);
  if (!isCount(d.seq) || d.seq < 1) fail('seq is not a positive integer');
  if (!isTime(d.at)) fail('at is not a time');
  if (
    d.previous !== null &&
    !(isObject(d.previous) && isHex64(d.previous.hash) && typeof d.previous.signature === 'string')
  )
    fail('previous is neither null nor { hash, signature }');
  if (typeof d.keyId !== 'string') fail('keyId is not a string');
  if (d.algorithm !== DIGEST_ALGORITHM) fail(`algorithm is not ${DIGEST_ALGORITHM}`);
  if (!Array.isArray(d.lanes)) return fail('lanes is not a list');
  const lanes = d.lanes.map((lane: unknown, index): LaneSeal => {
    if (
      !isObject(lane) ||
      typeof lane.pk !== 'string' ||
      !isCount(lane.count) ||
      lane.count < 1 ||
      !isHex64(lane.headHash) ||
      !isTime(lane.headAt)
    )
      return fail(`lane ${index} is not { pk, count, headHash, headAt }`);
    return { pk: lane.pk, count: lane.count, headHash: lane.headHash, headAt: lane.headAt };
  });
  const previous = d.previous as DigestLink | null;
  return {
    digest: {
      format: DIGEST_FORMAT,
      seq: d.seq as number,
      at: d.at as string,
      previous: previous && { hash: previous.hash, signature: previous.signature },
      lanes,
      keyId: d.keyId as string,
      algorithm: DIGEST_ALGORITHM,
    },
    signature: value.signature,
  };
}
