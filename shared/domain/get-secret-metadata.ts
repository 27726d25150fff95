import { withoutData } from './get-secret.ts';
import { loadVisible } from './guards.ts';
import type { Caller, SecretRef, SecretView } from './model.ts';
import type { VaultDeps } from './ports.ts';

/** Metadata only: never touches the key service, so it is cheap and needs no decrypt permission. */
export async function getSecretMetadata(
  deps: VaultDeps,
  caller: Caller,
  ref: SecretRef,
): Promise<SecretView> {
  return withoutData(await loadVisible(deps, caller, ref, 'access'));
}
