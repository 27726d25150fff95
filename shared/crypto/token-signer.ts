/**
 * The vault's own tokens, signed by a KMS asymmetric key (ECC_NIST_P256, ES256): the private key
 * never leaves KMS. KMS signs the SHA-256 of `header.payload` (`MessageType: DIGEST`, the same
 * signature RAW would give) and answers DER (`SEQUENCE { r, s }`); a JWS carries the two integers
 * side by side, 32 bytes each (RFC 7518 §3.4). The public key (GetPublicKey, cached for the life
 * of the process) is the JWKS (token-jwks.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { isTransient, KMS_TRANSIENT } from '../aws/transient.ts';
import { DependencyUnavailableError, ServiceConfigurationError } from '../domain/errors.ts';
import type { TokenGrant, TokenIssuer } from '../domain/iam-login.ts';
import { type Jwks, jwksOf, TOKEN_ALGORITHM } from './token-jwks.ts';

/** What the signer asks of KMS: the key policy allows Sign with these alone. */
export const TOKEN_SIGNING = { algorithm: 'ECDSA_SHA_256', messageType: 'DIGEST' } as const;

const base64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');

/** DER `SEQUENCE { INTEGER r, INTEGER s }` → r‖s, each 32 bytes (JWS ES256). */
export function joseSignature(der: Uint8Array): Buffer {
  const bytes = Buffer.from(der);
  const fail = () => new Error('KMS answered a signature that is not DER ECDSA');
  if (bytes[0] !== 0x30 || bytes[1] !== bytes.length - 2) throw fail();
  const parts: Buffer[] = [];
  let at = 2;
  for (const _ of [0, 1]) {
    const length = bytes[at + 1];
    if (bytes[at] !== 0x02 || length === undefined || at + 2 + length > bytes.length) throw fail();
    let value = bytes.subarray(at + 2, at + 2 + length);
    while (value.length > 32 && value[0] === 0) value = value.subarray(1);
    if (value.length > 32) throw fail();
    parts.push(Buffer.concat([Buffer.alloc(32 - value.length), value]));
    at += 2 + length;
  }
  if (at !== bytes.length) throw fail();
  return Buffer.concat(parts);
}

/** One KMS signing key: signs JWTs, and tells its public half as a JWKS. */
export class KmsTokenKey {
  readonly #kms: KMSClient;
  readonly #keyId: string;
  #jwks: Promise<Jwks> | undefined;

  constructor(kms: KMSClient, keyId: string) {
    this.#kms = kms;
    this.#keyId = keyId;
  }

  /** Fetched once per process; a failed fetch is not kept, so the next request tries again. */
  jwks(): Promise<Jwks> {
    this.#jwks ??= this.#fetchJwks().catch((error: unknown) => {
      this.#jwks = undefined;
      throw error;
    });
    return this.#jwks;
  }

  async sign(payload: Record<string, unknown>): Promise<string> {
    const [jwk] = (await this.jwks()).keys;
    const header = { alg: TOKEN_ALGORITHM, typ: 'JWT', kid: jwk!.kid };
    const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
    const { Signature } = await this.#call(() =>
      this.#kms.send(
        new SignCommand({
          KeyId: this.#keyId,
          Message: createHash('sha256').update(input).digest(),
          MessageType: TOKEN_SIGNING.messageType,
          SigningAlgorithm: TOKEN_SIGNING.algorithm,
        }),
      ),
    );
    if (!Signature) throw new Error('KMS Sign answered without a signature');
    return `${input}.${base64url(joseSignature(Signature))}`;
  }

  async #fetchJwks(): Promise<Jwks> {
    const { PublicKey, KeySpec } = await this.#call(() =>
      this.#kms.send(new GetPublicKeyCommand({ KeyId: this.#keyId })),
    );
    return jwksOf(PublicKey, KeySpec);
  }

  async #call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      if (isTransient(error, KMS_TRANSIENT))
        throw new DependencyUnavailableError('INTRA_SERVICE_COMMUNICATION_ERROR', { cause: error });
      throw new ServiceConfigurationError('The token signing key is not usable', { cause: error });
    }
  }
}

/** How the vault's tokens are laid out: the claims its verifiers (and the OIDC issuer's) read. */
export interface TokenLayout {
  issuer: string;
  audience: string;
  /** Scopes are written with the prefix the verifiers strip (SCOPE_PREFIX). */
  scopePrefix: string;
  /** Roles go in the first claim the verifiers read roles from (ROLES_CLAIM). */
  rolesClaim: string;
}

/** Mints the vault's tokens: the claims OIDC access tokens carry, signed by the KMS key. */
export class VaultTokenIssuer implements TokenIssuer {
  readonly #key: KmsTokenKey;
  readonly #layout: TokenLayout;

  constructor(key: KmsTokenKey, layout: TokenLayout) {
    this.#key = key;
    this.#layout = layout;
  }

  async issue(grant: TokenGrant): Promise<{ token: string; id: string }> {
    const { issuer, audience, scopePrefix, rolesClaim } = this.#layout;
    const iat = Math.floor(grant.issuedAt.getTime() / 1000);
    const id = randomUUID();
    const token = await this.#key.sign({
      iss: issuer,
      aud: audience,
      sub: grant.subject,
      scope: grant.scopes.map((scope) => `${scopePrefix}${scope}`).join(' '),
      [rolesClaim]: [...grant.roles],
      token_use: 'access',
      iat,
      exp: iat + grant.ttlSeconds,
      jti: id,
    });
    return { token, id };
  }
}
