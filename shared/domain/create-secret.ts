import { createHash } from 'node:crypto';
import { writeAudit } from './auditing.ts';
import { DuplicateSecretError, PreconditionFailedError, VersionConflictError } from './errors.ts';
import { assertMayActFor, encodeData } from './guards.ts';
import type { Caller, SecretData, SecretRef, StoredSecret, Tag } from './model.ts';
import type { VaultDeps } from './ports.ts';

export interface CreateSecretInput {
  ref: SecretRef;
  data: SecretData;
  readRoles: readonly string[];
  writeRoles: readonly string[];
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
 * Creates version 1 of a secret, at most once per idempotency key. The key's fingerprint leaves
 * out the data, so nothing derived from a secret value is ever stored beside the key.
 *
 * With a key the create is idempotent by itself, whatever became of the key's record: the secret
 * carries a hash of the request that made it, and a retry that finds the name taken by its own
 * request answers the first result (201, version 1) instead of a 409.
 */
export async function createSecret(
  deps: VaultDeps,
  caller: Caller,
  input: CreateSecretInput,
): Promise<Created> {
  if (input.idempotencyKey === undefined || deps.once === undefined) return createOnce(deps, caller, input);
  const { data: _data, idempotencyKey, ...fingerprint } = input;
  const marker = requestMarker(caller, idempotencyKey, fingerprint);
  const work = () => createOnce(deps, caller, input, marker);
  try {
    return await deps.once.run(`${caller.userId}\u0000${idempotencyKey}`, fingerprint, work);
  } catch (error) {
    // The key is "in progress": a try is still running, or one failed while DynamoDB could not
    // release the key (it does so when that invocation's time is up). Waiting would turn a retry
    // into a 409; the marker makes running it safe: it commits once, or finds its own secret.
    // (A conflict of the create's own transaction just gets one more try.)
    if (error instanceof VersionConflictError) return work();
    throw error;
  }
}

/** Same caller, same key, same request (data aside) hash alike: object keys sorted, as the key's fingerprint. */
function requestMarker(caller: Caller, idempotencyKey: string, fingerprint: object): string {
  const canonical = JSON.stringify([caller.userId, idempotencyKey, fingerprint], (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
  return createHash('sha256').update(canonical).digest('base64url');
}

async function createOnce(
  deps: VaultDeps,
  caller: Caller,
  input: CreateSecretInput,
  marker?: string,
): Promise<Created> {
  await assertMayActFor(deps, caller, input.ref, 'create');
  const now = deps.clock.now().toISOString();
  const version = 1;
  const secret: StoredSecret = {
    ...input.ref,
    readRoles: input.readRoles,
    writeRoles: input.writeRoles,
    author: caller.userId,
    updatedBy: caller.userId,
    created: now,
    updated: now,
    version,
    description: input.description || undefined,
    tags: input.tags ?? [],
    expires: input.expires || undefined,
    sealedVersion: version,
    lastTraceId: caller.traceId,
    createRequest: marker,
    sealed: await deps.cipher.seal(encodeData(input.data), { ...input.ref, version }),
  };
  try {
    await deps.secrets.create(secret, writeAudit(deps, caller, 'create', input.ref, version));
  } catch (error) {
    // An earlier try of this very request committed and its answer was lost: answer it again.
    if (error instanceof DuplicateSecretError && marker !== undefined) {
      if ((await deps.secrets.get(input.ref))?.createRequest === marker) return { ...input.ref, version };
    }
    if (input.onlyIfAbsent && error instanceof DuplicateSecretError) {
      throw new PreconditionFailedError(`If-None-Match: * failed: ${error.message}`);
    }
    throw error;
  }
  return { ...input.ref, version };
}
