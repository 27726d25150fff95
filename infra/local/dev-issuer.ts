/**
 * The local token issuer: a real RSA key pair whose public half the Lambdas fetch as a JWKS, and
 * real RS256 tokens signed with the private half. The key lives in the state folder so that
 * `npm run token` and `npm start` agree on it.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
  SignJWT,
} from 'jose';

export const DEV_ISSUER = 'https://dev-issuer.vault.local';
export const DEV_AUDIENCE = 'vault-api';
export const DEV_ROLES_CLAIM = 'roles';

export interface TokenRequest {
  sub: string;
  scopes: readonly string[];
  roles?: readonly string[];
  ttlSeconds?: number;
}

export interface DevIssuer {
  jwks: { keys: JWK[] };
  mint(request: TokenRequest): Promise<string>;
  /**
   * Signs exactly these claims with the issuer's key, with extra protected header parameters if
   * given: for tests of odd or hostile tokens.
   */
  signClaims(claims: JWTPayload, header?: Partial<JWTHeaderParameters>): Promise<string>;
}

const keyFile = (stateDir: string) => join(stateDir, 'dev-issuer-key.json');

async function loadOrCreateKey(stateDir: string): Promise<JWK> {
  const file = keyFile(stateDir);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as JWK;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
  mkdirSync(dirname(file), { recursive: true });
  // Owner-only: it is a signing key, even if only a development one.
  writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
  return jwk;
}

export async function devIssuer(stateDir: string): Promise<DevIssuer> {
  const privateJwk = await loadOrCreateKey(stateDir);
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
  const signingKey = await importJWK(privateJwk, 'RS256');
  const signClaims = (claims: JWTPayload, header: Partial<JWTHeaderParameters> = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ typ: 'JWT', ...header, alg: 'RS256', kid: privateJwk.kid! })
      // jose refuses to sign `crit` extensions it was not told about: here they are the point.
      .sign(signingKey, { crit: Object.fromEntries((header.crit ?? []).map((name) => [name, true])) });
  return {
    jwks: { keys: [publicJwk] },
    signClaims,
    mint: ({ sub, scopes, roles = [], ttlSeconds = 3600 }) => {
      const now = Math.floor(Date.now() / 1000);
      return signClaims({
        iss: DEV_ISSUER,
        aud: DEV_AUDIENCE,
        sub,
        scope: scopes.join(' '),
        [DEV_ROLES_CLAIM]: [...roles],
        iat: now,
        exp: now + ttlSeconds,
        jti: randomUUID(),
      });
    },
  };
}
