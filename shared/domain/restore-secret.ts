import { accessOf } from './access.ts';
import { denied, writeAudit } from './auditing.ts';
import { PermissionDeniedError, RuleViolationError, VersionConflictError } from './errors.ts';
import { assertMayActFor, MAX_WRITE_ATTEMPTS, notFound } from './guards.ts';
import type { Caller, SecretRef } from './model.ts';
import type { VaultDeps } from './ports.ts';

/** Brings a soft-deleted secret back, all its kept versions with it, while its recovery window lasts. */
export async function restoreSecret(
  deps: VaultDeps,
  caller: Caller,
  ref: SecretRef,
): Promise<SecretRef & { version: number }> {
  await assertMayActFor(deps, caller, ref, 'restore');
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const current = await deps.secrets.get(ref);
    const access = current && accessOf(caller, current);
    if (current === undefined || !access || (!access.see && !access.delete))
      throw await notFound(deps, caller, 'restore', ref);
    if (!access.delete) {
      throw await denied(
        deps,
        caller,
        'restore',
        ref,
        new PermissionDeniedError('Restoring a secret needs the right to delete it'),
      );
    }
    if (current.deletion === undefined) throw new RuleViolationError('The secret is not deleted');
    if (Date.parse(current.deletion.purgeAt) <= deps.clock.now().getTime())
      throw await notFound(deps, caller, 'restore', ref);
    const restored = { ...current, lastTraceId: caller.traceId, updatedBy: current.updatedBy };
    if (await deps.secrets.restore(restored, writeAudit(deps, caller, 'restore', ref, current.version))) {
      return { ...ref, version: current.version };
    }
  }
  throw new VersionConflictError();
}
