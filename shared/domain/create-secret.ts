import { assertMayActFor, encodeData } from './guards.ts';
import type { Caller, SecretData, SecretRef, StoredSecret } from './model.ts';
import type { VaultDeps } from './ports.ts';

export interface CreateSecretInput {
  ref: SecretRef;
  data: SecretData;
  readRoles: readonly string[];
  writeRoles: readonly string[];
}

/** Creates version 1 of a secret; a taken name is a DuplicateSecretError from the store. */
export async function createSecret(
  deps: VaultDeps,
  caller: Caller,
  input: CreateSecretInput,
): Promise<SecretRef> {
  assertMayActFor(caller, input.ref);
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
    sealedVersion: version,
    sealed: await deps.cipher.seal(encodeData(input.data), { ...input.ref, version }),
  };
  await deps.secrets.create(secret);
  return input.ref;
}
