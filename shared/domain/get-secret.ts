import { accessOf } from './access.ts';
import { recordAudit } from './auditing.ts';
import { SecretExpiredError, SecretNotFoundError } from './errors.ts';
import { decodeData, loadVisible } from './guards.ts';
import type { Caller, SecretRef, SecretView, StoredSecret } from './model.ts';
import type { VaultDeps } from './ports.ts';

/**
 * The secret (or one of its kept versions) with its data when the caller may read it, without
 * data when it may only see it. An expired secret's data is refused, not silently served.
 */
export async function getSecret(
  deps: VaultDeps,
  caller: Caller,
  ref: SecretRef,
  version?: number,
): Promise<SecretView> {
  const secret = await loadVisible(deps, caller, ref, 'read');
  const wanted =
    version === undefined || version === secret.version
      ? secret
      : await deps.secrets.getVersion(ref, version);
  if (wanted === undefined) throw new SecretNotFoundError();
  const view: SecretView = { ...withoutData(secret), version: wanted.version };
  if (!accessOf(caller, secret).read) return view;
  if (secret.expires !== undefined && Date.parse(secret.expires) <= deps.clock.now().getTime()) {
    throw new SecretExpiredError(secret.expires);
  }
  const plaintext = await deps.cipher.open(wanted.sealed, { ...ref, version: wanted.sealedVersion });
  // Recorded before the data leaves: if the trail cannot be written, the data is not served.
  await recordAudit(deps, caller, {
    action: 'read',
    outcome: 'success',
    secret: ref,
    version: wanted.version,
  });
  return { ...view, data: decodeData(plaintext) };
}

export function withoutData(secret: StoredSecret): SecretView {
  const { sealed: _sealed, sealedVersion: _sealedVersion, deletion: _deletion, ...metadata } = secret;
  return metadata;
}
