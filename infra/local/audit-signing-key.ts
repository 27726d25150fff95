/**
 * The local audit digests' signing key (an ECC_NIST_P256 key in the local KMS endpoint, made on
 * first use) and its public key, pinned beside the state so verification needs no KMS. Shared by
 * `npm start` (which seals on a timer) and the audit:seal / audit:verify tools.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KMSClient } from '@aws-sdk/client-kms';
import { keyByAlias } from './key-by-alias.ts';

export const LOCAL_SIGNING_KEY_ALIAS = 'alias/vault-local-audit';

export const publicKeyFile = (stateDir: string) => join(stateDir, 'audit-digest-key.pem');

/** The local signing key (ECC_NIST_P256), made on first use. */
export const localSigningKey = (kms: KMSClient): Promise<string> =>
  keyByAlias(kms, LOCAL_SIGNING_KEY_ALIAS, {
    KeySpec: 'ECC_NIST_P256',
    KeyUsage: 'SIGN_VERIFY',
    Description: 'vault local audit digests',
  });

/**
 * Pins the public key beside the digests the first time; later, refuses a signing key that is not
 * the pinned one (digests it signed would not verify, and quietly re-pinning would trust anyone).
 */
export function pinPublicKey(file: string, pem: string): void {
  if (!existsSync(file)) {
    writeFileSync(file, pem);
    return;
  }
  if (readFileSync(file, 'utf8').trim() !== pem.trim())
    throw new Error(`${file} holds another public key than the signing key's; digests would not verify`);
}
