import type { AuditEvent, AuditQuery, AuditRecord } from './audit.ts';
import type {
  Deletion,
  Due,
  Page,
  RetiredSecret,
  RotationState,
  SecretData,
  SecretMetadata,
  SecretRef,
  SecretVersion,
  StoredSecret,
  VersionInfo,
} from './model.ts';
import type { RotationConfig, RotationContext, RotationStep } from './rotators.ts';

/**
 * A set of secrets the store can list cheaply, in name order, without reading the others:
 * all shared secrets, one owner's personal secrets, or the shared secrets naming one role.
 */
export type Listing =
  | { kind: 'shared' }
  | { kind: 'owner'; ownerId: string }
  | { kind: 'role'; roleId: string };

/**
 * Every write is guarded by the version it was computed from: it returns false (and changes
 * nothing) when someone else wrote first, and the caller re-reads. Every write also carries the
 * audit event that records it: the store commits the change and its audit entry as one fact
 * (both or neither), so no write is ever unaudited and no entry records a write that did not happen.
 */
export interface SecretStore {
  /** The head, soft-deleted ones included. */
  get(ref: SecretRef): Promise<StoredSecret | undefined>;
  getVersion(ref: SecretRef, version: number): Promise<SecretVersion | undefined>;
  /** The kept versions, newest first. */
  versions(ref: SecretRef): Promise<VersionInfo[]>;
  /**
   * Writes the head and its first version, if the name's head is still `holder` as read: none, or
   * a soft-deleted secret, which is then kept aside (retired) until its purge time. False, and
   * nothing written, when the head changed since.
   */
  create(secret: StoredSecret, audit: AuditEvent, holder: StoredSecret | undefined): Promise<boolean>;
  /**
   * The highest version number kept under the name by any secret (0: none). A new secret of a
   * name whose head is gone (purged by TTL) while an older deleted secret is still kept aside
   * numbers on from it, so no version number ever names two values.
   */
  lastVersionKept(ref: SecretRef): Promise<number>;
  /** A kept version of a retired (deleted, then replaced) secret of this name, with that secret. */
  retiredVersion(
    ref: SecretRef,
    version: number,
  ): Promise<{ secret: RetiredSecret; version: SecretVersion } | undefined>;
  /** Writes `next` as a new version, pruning the oldest beyond the kept number. */
  replace(previous: StoredSecret, next: StoredSecret, audit: AuditEvent): Promise<boolean>;
  /**
   * Makes the secret unreadable and unlisted; its head and versions expire (TTL) at `purgeAt`. Any
   * rotation in progress (and its sealed pending value) goes at once.
   */
  softDelete(previous: StoredSecret, deletion: Deletion, audit: AuditEvent): Promise<boolean>;
  restore(previous: StoredSecret, audit: AuditEvent): Promise<boolean>;
  /** Removes the secret, all its versions and its rotation state now. */
  purge(previous: StoredSecret, audit: AuditEvent): Promise<boolean>;
  /** One page of a listing in name order, with the listing's total; cost grows with offset + limit, not the table. */
  getRotation(ref: SecretRef): Promise<RotationState | undefined>;
  /** Saves rotation progress if the stored state still has `expectedToken` (undefined: no rotation running). */
  saveRotation(ref: SecretRef, state: RotationState, expectedToken: string | undefined): Promise<boolean>;
  /** What is due by `now` across all secrets, oldest first. */
  due(now: Date, limit: number): Promise<Due[]>;
  /** Changes the rotation settings or bookkeeping: not a new version of the secret. */
  setRotation(
    previous: StoredSecret,
    rotation: RotationConfig | undefined,
    audit: AuditEvent,
  ): Promise<boolean>;
  /** Records that an expiry warning was given (once: false when already given or the head moved on). */
  markExpiryNotice(secret: StoredSecret, notice: 'near' | 'expired'): Promise<boolean>;
  page(listing: Listing, offset: number, limit: number, descending: boolean): Promise<Page<SecretMetadata>>;
  /**
   * Every entry of the listings (a secret in several listings comes once per listing). Given
   * `words` (lower case), the store may leave out entries whose lower-cased name lacks one of them:
   * the caller still filters exactly.
   */
  entries(listings: readonly Listing[], words?: readonly string[]): Promise<SecretMetadata[]>;
}

/** What a sealed value is bound to: opening it under any other binding fails. */
export interface SealBinding extends SecretRef {
  version: number;
}

/** Envelope encryption of secret data; plaintext never leaves the domain except to the caller. */
export interface SecretCipher {
  seal(plaintext: Uint8Array, binding: SealBinding): Promise<Uint8Array>;
  /** Throws DataIntegrityError when the sealed bytes do not belong to `binding`. */
  open(sealed: Uint8Array, binding: SealBinding): Promise<Uint8Array>;
}

/** Runs a rotator named by its ARN (a Lambda in the cloud, a local module locally). */
export interface RotatorInvoker {
  invoke(arn: string, step: RotationStep, context: RotationContext): Promise<SecretData | undefined>;
}

export interface Clock {
  now(): Date;
}

/** Append-only, hash-chained per secret. */
export interface AuditLog {
  append(event: AuditEvent): Promise<void>;
  /**
   * A refused attempt (or a probe of a name that does not exist): always counted for its actor,
   * appended to the secret's trail only while the actor's hourly budget of recorded denials
   * lasts, so no caller can make the vault store without bound. Hidden and missing names cost the
   * same work, so the time a refusal takes does not tell them apart.
   */
  appendDenial(event: AuditEvent): Promise<void>;
  /** Newest first. */
  query(query: AuditQuery): Promise<Page<AuditRecord>>;
}

/**
 * Runs a request at most once per key: a retry with the same key gets the first result, a
 * different request under the same key is refused.
 */
export interface OnceRunner {
  run<T extends object>(key: string, fingerprint: unknown, work: () => Promise<T>): Promise<T>;
  /** How long a key lives: the request marker a create leaves on its secret stands for it no longer. */
  readonly keyLifetimeSeconds: number;
}

export interface VaultDeps {
  secrets: SecretStore;
  cipher: SecretCipher;
  clock: Clock;
  audit: AuditLog;
  /** Only the create functions carry it: it is the one thing that needs Idempotency-Key records. */
  once?: OnceRunner | undefined;
}

/** What rotation needs beyond the API's dependencies. */
export interface RotationDeps extends VaultDeps {
  rotators: RotatorInvoker;
  settings: { stepAttempts: number; retryAfterFailureSeconds: number };
}
