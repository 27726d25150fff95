import { writeAudit } from './auditing.ts';
import { DuplicateSecretError, PreconditionFailedError } from './errors.ts';
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
 */
export async function createSecret(
  deps: VaultDeps,
  caller: Caller,
  input: CreateSecretInput,
): Promise<Created> {
  if (input.idempotencyKey === undefined || deps.once === undefined) return createOnce(deps, caller, input);
  const { data: _data, idempotencyKey, ...fingerprint } = input;
  return deps.once.run(`${caller.userId}\u0000${idempotencyKey}`, fingerprint, () =>
    createOnce(deps, caller, input),
  );
}

async function createOnce(deps: VaultDeps, caller: Caller, input: CreateSecretInput): Promise<Created> {
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
    sealed: await deps.cipher.seal(encodeData(input.data), { ...input.ref, version }),
  };
  try {
    await deps.secrets.create(secret, writeAudit(deps, caller, 'create', input.ref, version));
  } catch (error) {
    if (input.onlyIfAbsent && error instanceof DuplicateSecretError) {
      throw new PreconditionFailedError(`If-None-Match: * failed: ${error.message}`);
    }
    throw error;
  }
  return { ...input.ref, version };
}
