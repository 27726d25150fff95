import { accessOf } from './access.ts';
import { PermissionDeniedError, SecretNotFoundError, VersionConflictError } from './errors.ts';
import { assertMayActFor, MAX_WRITE_ATTEMPTS } from './guards.ts';
import type { Caller, SecretRef } from './model.ts';
import type { VaultDeps } from './ports.ts';

export async function deleteSecret(deps: VaultDeps, caller: Caller, ref: SecretRef): Promise<SecretRef> {
  assertMayActFor(caller, ref);
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const current = await deps.secrets.get(ref);
    if (current === undefined) throw new SecretNotFoundError();
    const access = accessOf(caller, current);
    if (!access.delete) {
      if (!access.see) throw new SecretNotFoundError();
      throw new PermissionDeniedError('Deleting a secret needs the admin or vaultManage scope');
    }
    if (await deps.secrets.delete(current)) return ref;
  }
  throw new VersionConflictError();
}
