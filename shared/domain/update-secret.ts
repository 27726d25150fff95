import { accessOf } from './access.ts';
import { denied, recordAudit } from './auditing.ts';
import { PermissionDeniedError, VersionConflictError } from './errors.ts';
import { assertVersion, encodeData, loadVisible, MAX_WRITE_ATTEMPTS } from './guards.ts';
import type { Caller, SecretData, SecretRef, StoredSecret, Tag } from './model.ts';
import type { VaultDeps } from './ports.ts';

/** An absent field keeps its stored value; `[]` clears roles or tags, `""` clears description or expiry. */
export interface SecretPatch {
  data?: SecretData | undefined;
  readRoles?: readonly string[] | undefined;
  writeRoles?: readonly string[] | undefined;
  description?: string | undefined;
  tags?: readonly Tag[] | undefined;
  expires?: string | undefined;
}

export interface WriteResult extends SecretRef {
  version: number;
}

const keepOr = <T>(given: T | undefined, current: T | undefined): T | undefined =>
  given === undefined ? current : given === '' ? undefined : given;

/**
 * Applies the patch as a new version. Concurrent writers never overwrite each other blindly: each
 * attempt is a conditional write on the version it read, retried on a fresh read, unless the
 * caller pinned the version it expects (`If-Match`), in which case a race is a 412.
 */
export async function updateSecret(
  deps: VaultDeps,
  caller: Caller,
  ref: SecretRef,
  patch: SecretPatch,
  expectedVersion?: number,
): Promise<WriteResult> {
  const plaintext = patch.data === undefined ? undefined : encodeData(patch.data);
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const current = await loadVisible(deps, caller, ref, 'update');
    if (!accessOf(caller, current).write) {
      const refusal = new PermissionDeniedError('A write role is required to update this secret');
      throw await denied(deps, caller, 'update', ref, refusal);
    }
    assertVersion(current, expectedVersion);
    const version = current.version + 1;
    const next: StoredSecret = {
      ...current,
      readRoles: patch.readRoles ?? current.readRoles,
      writeRoles: patch.writeRoles ?? current.writeRoles,
      description: keepOr(patch.description, current.description),
      tags: patch.tags ?? current.tags,
      expires: keepOr(patch.expires, current.expires),
      updatedBy: caller.userId,
      lastTraceId: caller.traceId,
      updated: deps.clock.now().toISOString(),
      version,
      ...(plaintext && {
        sealed: await deps.cipher.seal(plaintext, { ...ref, version }),
        sealedVersion: version,
      }),
    };
    if (await deps.secrets.replace(current, next)) {
      await recordAudit(deps, caller, { action: 'update', outcome: 'success', secret: ref, version });
      return { ...ref, version };
    }
  }
  throw new VersionConflictError();
}
