/**
 * The public keys of the vault's own tokens, as verifiers and the JWKS route need them: read from
 * KMS once per process (a failed read is not kept), without the AWS SDK (aws/kms-public-key.ts).
 */
import { kmsPublicKey } from '../aws/kms-public-key.ts';
import { isTransient, KMS_TRANSIENT } from '../aws/transient.ts';
import type { VaultIssuerConfig } from '../config.ts';
import { type Jwks, jwksOf } from '../crypto/token-jwks.ts';
import { DependencyUnavailableError, ServiceConfigurationError } from '../domain/errors.ts';

export function vaultJwksSource(own: Pick<VaultIssuerConfig, 'keyId' | 'kmsEndpoint'>): () => Promise<Jwks> {
  let jwks: Promise<Jwks> | undefined;
  const read = async (): Promise<Jwks> => {
    try {
      const { publicKey, keySpec } = await kmsPublicKey(own.keyId, { endpoint: own.kmsEndpoint });
      return jwksOf(publicKey, keySpec);
    } catch (error) {
      if (!(error instanceof Error) || error instanceof ServiceConfigurationError) throw error;
      if (isTransient(error, KMS_TRANSIENT))
        throw new DependencyUnavailableError('INTRA_SERVICE_COMMUNICATION_ERROR', { cause: error });
      throw new ServiceConfigurationError('The token signing key is not usable', { cause: error });
    }
  };
  return () => {
    jwks ??= read().catch((error: unknown) => {
      jwks = undefined;
      throw error;
    });
    return jwks;
  };
}
