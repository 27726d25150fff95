import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { writeAudit } from './auditing.ts';
import {
  DuplicateSecretError,
  PreconditionFailedError,
  RuleViolationError,
  VersionConflictError,
} from './errors.ts';
import { assertMayActFor, encodeData, MAX_WRITE_ATTEMPTS } from './guards.ts';
import type { Caller, SecretData, SecretRef, StoredSecret, Tag } from './model.ts';
import type { OnceRunner, VaultDeps } from './ports.ts';
import { keptRoleNames, type RoleNames } from './role-names.ts';

export interface CreateSecretInput {
  ref: SecretRef;
  data: SecretData;
  readRoles: readonly string[];
  writeRoles: readonly string[];
  /** Names given for those roles (id → name), kept for display. */
  roleNames?: RoleNames | undefined;
  description?: string | undefined;
  tags?: readonly Tag[] | undefined;
  expires?: string | undefined;
  /** `If-None-Match: *`: a taken name is a failed precondition (412) rather than a conflict (409). */
  onlyIfAbsent?: boolean;
  /** A retried create with the same key (from the same caller) gets the first result, not a 409. */
  idempotencyKey?: string | undefined;
}

type Created = SecretRef & { version: number };

/**
 * Creates a secret (its first version), at most once per idempotency key. The key's fingerprint
 * leaves out the data, so nothing derived from a secret value is ever stored beside the key.
 *
 * With a key the create is idempotent by itself, whatever became of the key's record: the secret
 * carries a hash of the request that made it, and a retry that finds the name taken by its own
 * request, while the key lives, answers the first result (201) instead of a 409.
 *
 * A replay (the first result answered without this request's work having created the secret: a
 * result stored under the key, or the secret found by its marker) is confirmed against the data:
 * the secret also carries an HMAC of the whole request, data included, keyed by the
 * Idempotency-Key itself (which the vault never stores), and the replay must match it. Any other
 * data is a 422, as any other request under the key. No decryption is needed for it: the create
 * functions never hold kms:Decrypt (writers do not read secret data).
 */
export async function createSecret(
  deps: VaultDeps,
  caller: Caller,
  input: CreateSecretInput,
): Promise<Created> {
  if (input.idempotencyKey === undefined || deps.once === undefined) return createOnce(deps, caller, input);
  const { data: _data, idempotencyKey, ...fingerprint } = input;
  const marker = requestMarker(caller, idempotencyKey, fingerprint);
  const check = requestCheck(caller, idempotencyKey, fingerprint, input.data);
  const own: OwnCreate = { marker, check, lifetimeSeconds: keyLifetimeOf(deps.once) };
  let ran = false;
  const work = () => {
    ran = true;
    return createOnce(deps, caller, input, own);
  };
  try {
    const result = await deps.once.run(`${caller.userId}\u0000${idempotencyKey}`, fingerprint, work);
    // A result stored under the key: the data was left out of its fingerprint, so check it here.
    if (!ran) await confirmReplay(deps, input, own);
    return result;
  } catch (error) {
    // The key is "in progress": a try is still running, or one failed while DynamoDB could not
    // release the key (it does so when that invocation's time is up). Waiting would turn a retry
    // into a 409; the marker makes running it safe: it commits once, or finds its own secret.
    // (A conflict of the create's own transaction just gets one more try.)
    if (error instanceof VersionConflictError) return work();
    throw error;
  }
}

/** The marker a create with a key leaves on its secret, and how long it stands for the key. */
interface OwnCreate {
  marker: string;
  /** The HMAC of the whole request, data included, keyed by its Idempotency-Key. */
  check: string;
  lifetimeSeconds: number | undefined;
}

const keyLifetimeOf = (once: OnceRunner): number | undefined =>
  once.keyLifetimeSeconds > 0 ? once.keyLifetimeSeconds : undefined;

const otherRequest = (why = '') =>
  new RuleViolationError(`This Idempotency-Key was already used with a different request${why}`, {
    property: 'Idempotency-Key',
  });

/**
 * The replay is answered only if the secret is still the one this request made (its marker) and
 * was made from exactly this request's data: the bytes the vault stores (the data encoded in the
 * order it was sent), so the same data with its keys in another order is another request.
 */
async function confirmReplay(
  deps: VaultDeps,
  input: CreateSecretInput,
  own: OwnCreate,
  head?: StoredSecret,
): Promise<void> {
  const current = head ?? (await deps.secrets.get(input.ref));
  if (current?.createRequest !== own.marker || current.createCheck === undefined) {
    throw otherRequest(
      ': the secret it created is no longer the one under this name, so this request cannot be confirmed to be the same; use a new key',
    );
  }
  const stored = Buffer.from(current.createCheck, 'base64url');
  const sent = Buffer.from(own.check, 'base64url');
  if (stored.length !== sent.length || !timingSafeEqual(stored, sent)) throw otherRequest();
}

/**
 * The whole request, its data byte for byte, keyed by the Idempotency-Key: someone who can read
 * the table but does not know the key learns nothing of the data from it (use a random key, a
 * UUID, as the Idempotency-Key draft asks: a guessable key would let such a reader test guesses).
 */
function requestCheck(caller: Caller, idempotencyKey: string, fingerprint: object, data: SecretData): string {
  return createHmac('sha256', idempotencyKey)
    .update(canonicalJson([caller.userId, fingerprint]))
    .update('\u0000')
    .update(encodeData(data))
    .digest('base64url');
}

/** Same caller, same key, same request (data aside) hash alike: object keys sorted, as the key's fingerprint. */
function requestMarker(caller: Caller, idempotencyKey: string, fingerprint: object): string {
  return createHash('sha256')
    .update(canonicalJson([caller.userId, idempotencyKey, fingerprint]))
    .digest('base64url');
}

const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );

/** Made by this request (its marker) while its key still lives; past the key's lifetime the name is just taken. */
function isOwnLiveCreate(head: StoredSecret, own: OwnCreate, now: string): boolean {
  if (head.createRequest !== own.marker || own.lifetimeSeconds === undefined) return false;
  // (A head stamped a little ahead of this clock is young, not invalid.)
  return Date.parse(now) - Date.parse(head.created) < own.lifetimeSeconds * 1000;
}

async function createOnce(
  deps: VaultDeps,
  caller: Caller,
  input: CreateSecretInput,
  own?: OwnCreate,
): Promise<Created> {
  await assertMayActFor(deps, caller, input.ref, 'create');
  try {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const holder = await deps.secrets.get(input.ref);
      if (holder !== undefined && holder.deletion === undefined)
        throw new DuplicateSecretError(input.ref.name);
      const secret = await firstVersionOf(deps, caller, input, holder, own);
      const audit = writeAudit(deps, caller, 'create', input.ref, secret.version);
      if (await deps.secrets.create(secret, audit, holder)) return { ...input.ref, version: secret.version };
    }
  } catch (error) {
    // An earlier try of this very request committed and its answer was lost: answer it again,
    // if its key still lives and the secret holds this request's data.
    if (error instanceof DuplicateSecretError && own !== undefined) {
      const head = await deps.secrets.get(input.ref);
      if (head !== undefined && isOwnLiveCreate(head, own, deps.clock.now().toISOString())) {
        await confirmReplay(deps, input, own, head);
        return { ...input.ref, version: head.firstVersion ?? 1 };
      }
    }
    if (input.onlyIfAbsent && error instanceof DuplicateSecretError) {
      throw new PreconditionFailedError(`If-None-Match: * failed: ${error.message}`);
    }
    throw error;
  }
  throw new VersionConflictError();
}

/**
 * The new secret's head and first version. A name held by a deleted secret is free (as in PrivX),
 * but its numbering goes on after the deleted one's, whose versions are kept aside until their
 * purge: `?version=N` never names two values, and a cached version is never mistaken for another.
 */
async function firstVersionOf(
  deps: VaultDeps,
  caller: Caller,
  input: CreateSecretInput,
  holder: StoredSecret | undefined,
  own: OwnCreate | undefined,
): Promise<StoredSecret> {
  let now = deps.clock.now().toISOString();
  // `created` tells incarnations apart (versions, rotation state): never the deleted one's.
  if (holder !== undefined && now === holder.created) now = new Date(Date.parse(now) + 1).toISOString();
  const version = (holder?.version ?? (await deps.secrets.lastVersionKept(input.ref))) + 1;
  return {
    ...input.ref,
    readRoles: input.readRoles,
    writeRoles: input.writeRoles,
    roleNames: keptRoleNames(input, input.roleNames),
    author: caller.userId,
    updatedBy: caller.userId,
    created: now,
    updated: now,
    version,
    firstVersion: version,
    description: input.description || undefined,
    tags: input.tags ?? [],
    expires: input.expires || undefined,
    sealedVersion: version,
    lastTraceId: caller.traceId,
    createRequest: own?.marker,
    createCheck: own?.check,
    sealed: await deps.cipher.seal(encodeData(input.data), { ...input.ref, version }),
  };
}
