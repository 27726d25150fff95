/**
 * The single-table layout. Ids are URI-encoded so `#` separates parts unambiguously; a secret's
 * name comes last and is stored as is (it may contain `#` or `/`).
 *
 *   head     pk S#shared#<name> | S#o:<owner>#<name>   sk "head"          metadata + current sealed data
 *   version  same pk                                   sk v#<10 digits>   one immutable version
 *   retired  same pk                                   sk retired#<created> a deleted secret whose name was taken again
 *   entry    pk L#shared | L#o:<owner> | L#r:<role>    sk <name>          listing metadata, no data
 *   counter  pk C#shared | C#o:<owner>                 sk "count"         n, rev
 *   bucket   same pk as its counter                    sk b#<lowest name> n, rev, hi: the listing's directory
 *   group    same pk as its counter                    sk g#<lowest name> n, nb, rev, hi: a run of buckets
 *   stamp    same pk as its counter                    sk change#<0..7>   rev: updates of a watched listing
 *   rotation same pk as the head                       sk "rotation"      a rotation in progress or its last failure
 *   due      pk DUE#<0..7>                             sk <at>#<kind>#<secret> a rotation or expiry warning to run
 *   audit    pk A#shared#<lane>#<name> | A#o:<owner>#<lane>#<name>   sk e#<12 digits>   hash-chained entry
 *   denials  pk A#denials#<actor>                      sk h#<hour>        refusals counted past the audit budget
 *   idempotency pk IDEM#create                         sk <hashed key>    a create's first result (idempotency.ts)
 *
 * Entries are the listings: a manager's page of all shared secrets, a user's personal secrets,
 * and the shared secrets naming a role. Each is a name-ordered partition; the counted ones keep a
 * two-level directory of name ranges (listing-index.ts, listing-directory.ts), so a page at any
 * offset costs what it reads, and a warm search index reloads only what the revs say changed
 * (search-index.ts). Audit entries are also indexed by day (GSI `byDay`).
 */
import { createHash } from 'node:crypto';
import type { Due, SecretMetadata, SecretRef } from '../domain/model.ts';
import type { Listing } from '../domain/ports.ts';

export const HEAD = 'head';
export const COUNT = 'count';
export const VERSION_PREFIX = 'v#';

const enc = encodeURIComponent;

const namespaceOf = (ref: SecretRef): string =>
  ref.ownerId === undefined ? 'shared' : `o:${enc(ref.ownerId)}`;

const secretPk = (ref: SecretRef) => `S#${namespaceOf(ref)}#${ref.name}`;
export const headKey = (ref: SecretRef) => ({ pk: secretPk(ref), sk: HEAD });
export const versionSk = (version: number) => `${VERSION_PREFIX}${String(version).padStart(10, '0')}`;
export const versionKey = (ref: SecretRef, version: number) => ({
  pk: secretPk(ref),
  sk: versionSk(version),
});
export const versionsOf = (ref: SecretRef) => secretPk(ref);
/** A deleted secret kept aside when its name was taken again, by its incarnation (its `created`). */
export const retiredKey = (ref: SecretRef, incarnation: string) => ({
  pk: secretPk(ref),
  sk: `retired#${incarnation}`,
});

/** Every audit item's key starts so: IAM confines audit writers to these keys. */
export const AUDIT_KEY_PREFIX = 'A#';
/** A secret's rotation in progress (or its last failure). */
export const rotationKey = (ref: SecretRef) => ({ pk: secretPk(ref), sk: 'rotation' });

/**
 * What is due (rotations, expiry warnings), spread over a few partitions so writes do not pile
 * onto one; the sweeper reads each partition up to now.
 */
export const DUE_SHARDS = 8;
export const duePk = (shard: number) => `DUE#${shard}`;
export function dueKey(due: Due) {
  const pk = secretPk(due.secret);
  let hash = 0;
  for (const char of pk) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return { pk: duePk(hash % DUE_SHARDS), sk: `${due.at}#${due.kind}#${boundedKeyPart(pk)}` };
}

/**
 * DynamoDB refuses sort keys over 1,024 bytes, and a secret's key (owner id and name, URI-encoded,
 * 4-byte characters) can be longer. A sort key that embeds one uses it as is up to this many bytes
 * and a SHA-256 of it beyond, so every key is bounded by construction. The result stays unique
 * (a hash never collides with a short key: it has a prefix no short key gets).
 */
const KEY_PART_BYTES = 512;
export function boundedKeyPart(part: string): string {
  if (Buffer.byteLength(part) <= KEY_PART_BYTES) return part;
  return `~sha256:${createHash('sha256').update(part).digest('hex')}`;
}

/**
 * A secret's audit trail is this many hash chains: appenders pick one at random, so readers of a
 * hot secret append side by side (one chain admits about one append per round trip). Changing it
 * leaves lanes past the new count unread.
 */
export const AUDIT_LANES = 8;
export const auditPk = (ref: SecretRef, lane: number) =>
  `${AUDIT_KEY_PREFIX}${namespaceOf(ref)}#${lane}#${ref.name}`;
export const auditSk = (seq: number) => `e#${String(seq).padStart(12, '0')}`;

/**
 * One caller's denials in one hour (pk A#denials#<actor>, sk h#<yyyy-mm-ddThh>): a counter beside
 * the trail, under the audit prefix (no secret's pk starts `A#denials#`: theirs go on with
 * `shared#` or `o:`). Audit appenders may update these items and no other.
 */
export const DENIAL_KEY_PREFIX = `${AUDIT_KEY_PREFIX}denials#`;
export const denialCounterKey = (actor: string, at: string) => ({
  pk: `${DENIAL_KEY_PREFIX}${enc(actor)}`,
  sk: `h#${at.slice(0, 13)}`,
});

export function listingId(listing: Listing): string {
  switch (listing.kind) {
    case 'shared':
      return 'shared';
    case 'owner':
      return `o:${enc(listing.ownerId)}`;
    case 'role':
      return `r:${enc(listing.roleId)}`;
  }
}

/** Listing entries and listing counters (with their directories) start so: IAM names these prefixes. */
export const ENTRY_KEY_PREFIX = 'L#';
export const COUNTER_KEY_PREFIX = 'C#';

export const entryPk = (listing: Listing): string => `${ENTRY_KEY_PREFIX}${listingId(listing)}`;

/** Only shared and per-owner listings keep a count: they are the ones paged directly. */
export const counterKey = (listing: Listing) => ({
  pk: `${COUNTER_KEY_PREFIX}${listingId(listing)}`,
  sk: COUNT,
});
export const isCounted = (listing: Listing): boolean => listing.kind !== 'role';

/** Every listing a secret appears in. */
export function listingsOf(secret: SecretMetadata): Listing[] {
  if (secret.ownerId !== undefined) return [{ kind: 'owner', ownerId: secret.ownerId }];
  const roles = new Set([...secret.readRoles, ...secret.writeRoles]);
  return [{ kind: 'shared' }, ...[...roles].map((roleId) => ({ kind: 'role' as const, roleId }))];
}
