import { denied } from './auditing.ts';
import { InvalidRequestError, RuleViolationError, VersionConflictError } from './errors.ts';
import { decodeData, encodeData, MAX_WRITE_ATTEMPTS } from './guards.ts';
import type { Caller, SecretData, SecretMetadata, SecretRef } from './model.ts';
import type { VaultDeps } from './ports.ts';
import { loadWritable, type SecretPatch, type WriteResult, writeUpdate } from './update-secret.ts';

/**
 * What a change sent relative to the secret as it stands (a JSON merge patch) makes of it: the
 * update it amounts to, computed from the current metadata and, only when asked for, the current
 * data. Throws to refuse the change (an invalid result), which then writes nothing.
 */
export type Patcher = (
  current: SecretMetadata,
  currentData: () => Promise<SecretData>,
) => SecretPatch | Promise<SecretPatch>;

/** How the trail tells a PATCH from a PUT: both are `update` entries, audited alike. */
export const PATCH_REASON = 'merge patch';

/**
 * Applies a change computed from the secret as it stands, as a new version, with no lost update:
 * the write is conditional on the version the change was computed from. With `expectedVersion`
 * (If-Match) a stale version, or a write in between, is a 412; without it, a write in between
 * makes it read, compute and try again, and a writer that keeps losing gets a 409.
 *
 * The current data is decrypted only when the change needs it, and never leaves: the result is the
 * update's, so a writer who may not read the secret learns nothing of it (the refusals a change can
 * meet name the property and the rule, never a value). One thing a refusal does tell is whether
 * the patched data would exceed its size limit, which a writer could probe for the size of data it
 * cannot read: such refusals, judged against the stored secret, go to its trail as denials.
 */
export async function patchSecret(
  deps: VaultDeps,
  caller: Caller,
  ref: SecretRef,
  patcher: Patcher,
  expectedVersion?: number,
): Promise<WriteResult> {
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const current = await loadWritable(deps, caller, ref, expectedVersion);
    const currentData = async () =>
      decodeData(await deps.cipher.open(current.sealed, { ...ref, version: current.sealedVersion }));
    let patch: SecretPatch;
    try {
      patch = await patcher(current, currentData);
    } catch (error) {
      // The result refused (not a dependency failing on the way): recorded as an update refused.
      const refused = error instanceof InvalidRequestError || error instanceof RuleViolationError;
      throw refused ? await denied(deps, caller, 'update', ref, error) : error;
    }
    const plaintext = patch.data === undefined ? undefined : encodeData(patch.data);
    const written = await writeUpdate(deps, caller, ref, current, patch, plaintext, PATCH_REASON);
    if (written) return written;
  }
  throw new VersionConflictError();
}
