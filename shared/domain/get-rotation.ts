import { loadVisible, rotationOf } from './guards.ts';
import type { Caller, RotationState, SecretRef } from './model.ts';
import type { VaultDeps } from './ports.ts';
import type { RotationConfig } from './rotators.ts';

/** A secret's rotation settings and whatever rotation is running, for anyone who may see it. */
export async function getRotation(
  deps: VaultDeps,
  caller: Caller,
  ref: SecretRef,
): Promise<{ rotation: RotationConfig | undefined; state: RotationState | undefined }> {
  const secret = await loadVisible(deps, caller, ref, 'access');
  const state = await rotationOf(deps, secret);
  return { rotation: secret.rotation, state };
}
