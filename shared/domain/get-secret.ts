import { accessOf } from './access.ts';
import { decodeData, loadVisible } from './guards.ts';
import type { Caller, SecretRef, SecretView, StoredSecret } from './model.ts';
import type { VaultDeps } from './ports.ts';

/** The secret with its data when the caller may read it, without data when it may only see it. */
export async function getSecret(deps: VaultDeps, caller: Caller, ref: SecretRef): Promise<SecretView> {
  const secret = await loadVisible(deps.secrets, caller, ref);
  if (!accessOf(caller, secret).read) return withoutData(secret);
  const plaintext = await deps.cipher.open(secret.sealed, { ...ref, version: secret.sealedVersion });
  return { ...withoutData(secret), data: decodeData(plaintext) };
}

export function withoutData(secret: StoredSecret): SecretView {
  const { sealed: _sealed, sealedVersion: _sealedVersion, ...metadata } = secret;
  return metadata;
}
