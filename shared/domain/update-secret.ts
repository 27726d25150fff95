import { accessOf, identityReads } from './access.ts';
import { denied, writeAudit } from './auditing.ts';
import { PermissionDeniedError, VersionConflictError } from './errors.ts';
import { assertVersion, encodeData, loadVisible, MAX_WRITE_ATTEMPTS } from './guards.ts';
import type { Caller, SecretData, SecretRef, StoredSecret, Tag } from './model.ts';
import type { VaultDeps } from './ports.ts';
import { keptRoleNames, type RoleNames } from './role-names.ts';

/** An absent field keeps its stored value; `[]` clears roles or tags, `""` clears description or expiry. */
export interface SecretPatch {
  data?: SecretData | undefined;
  readRoles?: readonly string[] | undefined;
  writeRoles?: readonly string[] | undefined;
  /** Names given with the roles (id → name); a role sent without one keeps the name it had. */
  roleNames?: RoleNames | undefined;
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
 * Nobody widens their own access: a change that would let its author's identity read what it could
 * not read before (a manager or writer adding a read role it holds) is refused. It is judged by the
 * identity's roles, not by this token's scopes: a manager whose token lacks `user` could otherwise
 * add its role and read with another token. Roles it does not hold, it may grant; reads it has, it
 * may give up. Since a version is readable exactly when the secret is, this also keeps every past
 * version out of reach.
 */
export const grantsItselfRead = (caller: Caller, before: StoredSecret, after: StoredSecret): boolean =>
  !identityReads(caller, before) && identityReads(caller, after);

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
    const current = await loadWritable(deps, caller, ref, expectedVersion);
    const written = await writeUpdate(deps, caller, ref, current, patch, plaintext);
    if (written) return written;
  }
  throw new VersionConflictError();
}

/** The secret as it stands, if the caller may write it and it is at the version the caller expects. */
export async function loadWritable(
  deps: VaultDeps,
  caller: Caller,
  ref: SecretRef,
  expectedVersion: number | undefined,
): Promise<StoredSecret> {
  const current = await loadVisible(deps, caller, ref, 'update');
  if (!accessOf(caller, current).write) {
    const refusal = new PermissionDeniedError('A write role is required to update this secret');
    throw await denied(deps, caller, 'update', ref, refusal);
  }
  assertVersion(current, expectedVersion);
  return current;
}

/**
 * Writes `patch` over `current` as the next version, with its audit entry in the same write
 * (`reason` tells how the change was sent). Undefined, and nothing written, when someone else
 * wrote since `current` was read: the caller reads again.
 */
export async function writeUpdate(
  deps: VaultDeps,
  caller: Caller,
  ref: SecretRef,
  current: StoredSecret,
  patch: SecretPatch,
  plaintext: Uint8Array | undefined,
  reason?: string,
): Promise<WriteResult | undefined> {
  const version = current.version + 1;
  const roles = {
    readRoles: patch.readRoles ?? current.readRoles,
    writeRoles: patch.writeRoles ?? current.writeRoles,
  };
  const changed: StoredSecret = {
    ...current,
    ...roles,
    roleNames: keptRoleNames(roles, patch.roleNames, current.roleNames),
    description: keepOr(patch.description, current.description),
    tags: patch.tags ?? current.tags,
    expires: keepOr(patch.expires, current.expires),
    updatedBy: caller.userId,
    lastTraceId: caller.traceId,
    updated: deps.clock.now().toISOString(),
    version,
  };
  if (grantsItselfRead(caller, current, changed)) {
    const refusal = new PermissionDeniedError(
      'This change would let you read data you cannot read now: a reader of the secret must grant it',
    );
    throw await denied(deps, caller, 'update', ref, refusal);
  }
  const next: StoredSecret = plaintext
    ? { ...changed, sealed: await deps.cipher.seal(plaintext, { ...ref, version }), sealedVersion: version }
    : changed;
  const audit = writeAudit(deps, caller, 'update', ref, version, reason);
  return (await deps.secrets.replace(current, next, audit)) ? { ...ref, version } : undefined;
}
