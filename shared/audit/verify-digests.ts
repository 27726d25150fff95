/**
 * The chain of digests, checked with the public key alone: each signature, each link to the
 * digest before, numbering without gaps from 1, and the schedule kept.
 */
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { canonicalBytes, type DigestLink, linkTo, type SignedDigest } from './digest.ts';
import type { Problem } from './report.ts';

export interface DigestChainCheck {
  /** The digests whose signature verifies, by number: only these say anything about lanes. */
  trusted: SignedDigest[];
  problems: Problem[];
}

/** A public key as KMS GetPublicKey gives it (DER SubjectPublicKeyInfo), or PEM. */
export const publicKeyFrom = (spkiDerOrPem: Uint8Array | string): KeyObject =>
  typeof spkiDerOrPem === 'string'
    ? createPublicKey(spkiDerOrPem)
    : createPublicKey({ key: Buffer.from(spkiDerOrPem), format: 'der', type: 'spki' });

export function signatureValid(signed: SignedDigest, key: KeyObject): boolean {
  try {
    return verify(
      'sha256',
      canonicalBytes(signed.digest),
      { key, dsaEncoding: 'der' },
      Buffer.from(signed.signature, 'base64'),
    );
  } catch {
    return false;
  }
}

const sameLink = (a: DigestLink | null, b: DigestLink) =>
  a !== null && a.hash === b.hash && a.signature === b.signature;

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

export function checkDigestChain(
  digests: readonly SignedDigest[],
  key: KeyObject,
  options: { now: Date; intervalMs: number },
): DigestChainCheck {
  const problems: Problem[] = [];
  if (digests.length === 0)
    return {
      trusted: [],
      problems: [{ kind: 'no-digests', message: 'no digests: nothing vouches for the trail' }],
    };

  const sorted = [...digests].sort((a, b) => a.digest.seq - b.digest.seq);
  const unique: SignedDigest[] = [];
  for (const signed of sorted) {
    const twin = unique.at(-1);
    if (twin?.digest.seq !== signed.digest.seq) unique.push(signed);
    else if (linkTo(twin).hash !== linkTo(signed).hash || twin.signature !== signed.signature)
      problems.push({
        kind: 'digest-duplicate',
        digest: signed.digest.seq,
        message: `digest ${signed.digest.seq} exists twice with different contents`,
      });
  }

  const trusted: SignedDigest[] = [];
  let previous: SignedDigest | undefined;
  for (const signed of unique) {
    const { seq } = signed.digest;
    if (signatureValid(signed, key)) trusted.push(signed);
    else
      problems.push({
        kind: 'digest-forged',
        digest: seq,
        message: `digest ${seq}: signature does not verify with the public key (forged or altered)`,
      });
    const expected = (previous?.digest.seq ?? 0) + 1;
    if (seq > expected)
      problems.push({
        kind: 'digest-missing',
        digest: expected,
        message: `digest${seq - expected > 1 ? `s ${expected}..${seq - 1}` : ` ${expected}`} missing (deleted) before digest ${seq}`,
      });
    else if (previous ? !sameLink(signed.digest.previous, linkTo(previous)) : signed.digest.previous !== null)
      problems.push({
        kind: 'digest-chain-broken',
        digest: seq,
        message: previous
          ? `digest ${seq} does not follow digest ${previous.digest.seq} as stored (previous hash or signature differ)`
          : `digest 1 names a previous digest`,
      });
    previous = signed;
  }

  // The schedule, from the digests that are known genuine: a gap means digests were not made, or
  // were deleted, newest ones included.
  const allowed = 2 * options.intervalMs;
  for (let index = 1; index < trusted.length; index++) {
    const [before, after] = [trusted[index - 1]!.digest, trusted[index]!.digest];
    const gap = Date.parse(after.at) - Date.parse(before.at);
    if (gap > allowed)
      problems.push({
        kind: 'schedule-gap',
        digest: after.seq,
        message: `digests ${before.seq} and ${after.seq} are ${minutes(gap)} apart (schedule allows ${minutes(allowed)})`,
      });
  }
  const latest = trusted.at(-1)?.digest;
  const age = latest && options.now.getTime() - Date.parse(latest.at);
  if (latest && age !== undefined && age > allowed)
    problems.push({
      kind: 'schedule-gap',
      digest: latest.seq,
      message: `the latest digest (${latest.seq}) is ${minutes(age)} old (schedule allows ${minutes(allowed)}): newer digests missing or not made`,
    });
  return { trusted, problems };
}
