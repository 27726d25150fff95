import { accessOf, managesVault } from './access.ts';
import { denied, writeAudit } from './auditing.ts';
import { PermissionDeniedError, VersionConflictError } from './errors.ts';
import { assertMayActFor, assertVersion, MAX_WRITE_ATTEMPTS, notFound } from './guards.ts';
import type { Caller, SecretRef } from './model.ts';
import type { VaultDeps } from './ports.ts';

/** As AWS Secrets Manager: 7 to 30 days to change one's mind, 7 by default. */
export const RECOVERY_DAYS = { min: 7, max: 30, default: 7 } as const;

export interface DeleteOptions {
  recoveryDays?: number | undefined;
  /** Purge now, no recovery: only for admin and vaultManage. */
  force?: boolean | undefined;
  expectedVersion?: number | undefined;
}

export interface DeleteResult extends SecretRef {
  /** When a soft-deleted secret will be purged; absent when it was purged now. */
  purgeAt?: string;
}

/** Soft delete (restorable until purgeAt) or, forced, an immediate purge of the secret and all its versions. */
export async function deleteSecret(
  deps: VaultDeps,
  caller: Caller,
  ref: SecretRef,
  options: DeleteOptions = {},
): Promise<DeleteResult> {
  await assertMayActFor(deps, caller, ref, 'delete');
  if (options.force && !managesVault(caller)) {
    const refusal = new PermissionDeniedError('Only admin or vaultManage may purge a secret immediately');
    throw await denied(deps, caller, 'purge', ref, refusal);
  }
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const current = await deps.secrets.get(ref);
    const access = current && accessOf(caller, current);
    const hidden = !access?.see && !access?.delete;
    if (current === undefined || (current.deletion !== undefined && !options.force) || hidden)
      throw await notFound(deps, caller, 'delete', ref);
    if (!access?.delete) {
      const refusal = new PermissionDeniedError('Deleting a secret needs the admin or vaultManage scope');
      throw await denied(deps, caller, 'delete', ref, refusal);
    }
    assertVersion(current, options.expectedVersion);
    if (options.force) {
      if (await deps.secrets.purge(current, writeAudit(deps, caller, 'purge', ref, current.version)))
        return ref;
      continue;
    }
    const now = deps.clock.now();
    const days = options.recoveryDays ?? RECOVERY_DAYS.default;
    const purgeAt = new Date(now.getTime() + days * 86_400_000).toISOString();
    const deletion = {
      deletedAt: now.toISOString(),
      deletedBy: caller.userId,
      purgeAt,
      traceId: caller.traceId,
    };
    const audit = writeAudit(deps, caller, 'delete', ref, current.version);
    if (await deps.secrets.softDelete(current, deletion, audit)) return { ...ref, purgeAt };
  }
  throw new VersionConflictError();
}
