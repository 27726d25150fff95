/**
 * The vault's token key as a JWKS (RFC 7517), from the DER public key KMS answers: ES256 on
 * ECC_NIST_P256, `kid` the key's RFC 7638 thumbprint, so signer and verifiers agree on it without
 * configuration. No AWS SDK here: verifying functions build it too (aws/kms-public-key.ts).
 */
import { createHash, createPublicKey } from 'node:crypto';
import { ServiceConfigurationError } from '../domain/errors.ts';

export const TOKEN_ALGORITHM = 'ES256';

export interface Jwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  kid: string;
  alg: string;
  use: string;
}
export interface Jwks {
  keys: Jwk[];
}

/** RFC 7638: the SHA-256 of the key's required members, in lexical order. */
const thumbprint = (jwk: { crv: string; kty: string; x: string; y: string }) =>
  createHash('sha256')
    .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
    .digest('base64url');

export function jwksOf(publicKey: Uint8Array | undefined, keySpec: string | undefined): Jwks {
  if (!publicKey || keySpec !== 'ECC_NIST_P256')
    throw new ServiceConfigurationError('The token signing key must be an ECC_NIST_P256 signing key');
  const { kty, crv, x, y } = createPublicKey({
    key: Buffer.from(publicKey),
    format: 'der',
    type: 'spki',
  }).export({ format: 'jwk' });
  const members = { kty: kty!, crv: crv!, x: x!, y: y! };
  return { keys: [{ ...members, kid: thumbprint(members), alg: TOKEN_ALGORITHM, use: 'sig' }] };
}
