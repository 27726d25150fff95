import type { MiddlewareObj } from '@middy/core';
import { JwtVerifier } from 'aws-jwt-verify';
import { FetchError, JwtExpiredError } from 'aws-jwt-verify/error';
import { type Fetcher, SimpleFetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { AuthConfig } from '../config.ts';
import { DependencyUnavailableError } from '../domain/errors.ts';
import type { Caller } from '../domain/model.ts';
import { idProblems } from '../domain/names.ts';
import { UnauthenticatedError } from './http-errors.ts';
import type { ApiEvent, ApiResult, StackRequest, VaultContext } from './types.ts';

export interface TokenVerifier {
  verify(token: string): Promise<JwtPayload>;
}

/** Refused before any parsing or fetching: no real bearer token is this large. */
const MAX_TOKEN_LENGTH = 8192;
/** Tolerated clock skew between the token issuer and us. */
const CLOCK_SKEW_SECONDS = 30;

/**
 * The JWKS of a local dev issuer is served over plain HTTP on loopback; the SDK's fetcher only
 * speaks HTTPS. Anything that is not loopback still goes through the SDK's HTTPS fetcher.
 */
class LoopbackFetcher implements Fetcher {
  readonly #https = new SimpleFetcher();
  /** JWKS that are not fetched over the network (the vault's own, from KMS), by their cache key. */
  readonly #local: ReadonlyMap<string, () => Promise<unknown>>;
  constructor(local: ReadonlyMap<string, () => Promise<unknown>> = new Map()) {
    this.#local = local;
  }
  async fetch(
    uri: string,
    requestOptions?: Record<string, unknown>,
    data?: ArrayBuffer,
  ): Promise<ArrayBuffer> {
    const local = this.#local.get(uri);
    if (local) {
      // A key service failure is our dependency's, not the caller's: answered 503, not 401.
      const jwks = await local().catch((error: unknown) => {
        throw new FetchError(uri, error instanceof Error ? `${error.name}: ${error.message}` : 'failed');
      });
      return new TextEncoder().encode(JSON.stringify(jwks)).buffer as ArrayBuffer;
    }
    const url = new URL(uri);
    if (url.protocol !== 'http:') return this.#https.fetch(uri, requestOptions, data);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
      throw new Error(`Refusing to fetch a JWKS over plain HTTP from ${url.hostname}`);
    }
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    if (!response.ok) throw new Error(`JWKS fetch failed with status ${response.status}`);
    return response.arrayBuffer();
  }
}

/** Builds the verifier once per cold start; a bad configuration fails here, not per request. */
const isStringList = (value: unknown): boolean =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/** Where the verifiers' JWKS cache keeps the vault's own keys: a cache key, never fetched over HTTP. */
const vaultJwksKey = (keyId: string) => `kms:${keyId}`;

/**
 * Tokens of the OIDC issuer and, when the vault mints its own (IAM login), of the vault's issuer:
 * its public key comes from KMS (GetPublicKey, once per process) through `vaultJwks`, not from the
 * vault's JWKS route: a function fetching its own API would add a cold start to a cold start, and
 * the API's URL is not known when the functions are deployed.
 */
export function createTokenVerifier(config: AuthConfig, vaultJwks?: () => Promise<unknown>): TokenVerifier {
  if (config.audiences.length === 0) throw new Error('At least one JWT audience is required');
  const byClientId = config.audienceClaim === 'client_id';
  const oidc = {
    issuer: config.issuer,
    jwksUri: config.jwksUri,
    // Cognito access tokens carry the app client in `client_id` and have no `aud`.
    audience: byClientId ? null : config.audiences,
    graceSeconds: CLOCK_SKEW_SECONDS,
    customJwtCheck: tokenChecks(config, byClientId),
  };
  const own = config.vaultIssuer;
  if (!own || !vaultJwks)
    return JwtVerifier.create(oidc, { jwksCache: new SimpleJwksCache({ fetcher: new LoopbackFetcher() }) });
  const jwksUri = vaultJwksKey(own.keyId);
  return JwtVerifier.create(
    [
      oidc,
      {
        issuer: own.issuer,
        jwksUri,
        audience: [own.audience],
        graceSeconds: CLOCK_SKEW_SECONDS,
        customJwtCheck: tokenChecks(config, false),
      },
    ],
    { jwksCache: new SimpleJwksCache({ fetcher: new LoopbackFetcher(new Map([[jwksUri, vaultJwks]])) }) },
  );
}

/** The checks every accepted token passes, whoever issued it. */
function tokenChecks(config: AuthConfig, byClientId: boolean) {
  const { rolesClaims } = config;
  return ({ header, payload }: { header: JwtHeader; payload: JwtPayload }): void => {
    // RFC 7515 §4.1.11: extensions named critical must be understood; we understand none.
    if (header.crit !== undefined) throw new Error('token names critical header extensions');
    // Cognito (and others) mark ID tokens `token_use: "id"`: only access tokens grant access.
    if (payload.token_use !== undefined && payload.token_use !== 'access')
      throw new Error('token is not an access token');
    // aws-jwt-verify accepts tokens without `exp`; a token that never expires is not one we honour.
    if (typeof payload.exp !== 'number') throw new Error('token has no exp claim');
    const issuedAt =
      typeof payload.iat === 'number'
        ? payload.iat
        : typeof payload.nbf === 'number'
          ? payload.nbf
          : undefined;
    if (issuedAt === undefined) throw new Error('token has no iat claim');
    if (payload.exp - issuedAt > config.maxTokenLifetimeSeconds)
      throw new Error('token lifetime is too long');
    if (issuedAt > Date.now() / 1000 + CLOCK_SKEW_SECONDS) throw new Error('token is issued in the future');
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new Error('token has no subject');
    // The subject names personal secrets, listings and denial counters in stored keys: it
    // must be an id the vault can keep (bounded, printable), like every other id it accepts.
    if (idProblems(payload.sub, 'sub').length > 0) throw new Error('token subject is not a valid user id');
    // A claim of an unexpected type is a malformed token, not an empty grant.
    if (payload.scope !== undefined && typeof payload.scope !== 'string')
      throw new Error('scope must be a string');
    if (payload.scp !== undefined && !isStringList(payload.scp))
      throw new Error('scp must be an array of strings');
    for (const claim of rolesClaims) {
      const roles = payload[claim];
      if (roles !== undefined && typeof roles !== 'string' && !isStringList(roles))
        throw new Error(`${claim} must be a list`);
    }
    if (byClientId && !config.audiences.includes(String(payload.client_id)))
      throw new Error('token is for another client');
  };
}

const asList = (claim: unknown): string[] => {
  if (Array.isArray(claim)) return claim.filter((item): item is string => typeof item === 'string');
  if (typeof claim === 'string') return claim.split(/[\s,]+/).filter(Boolean);
  return [];
};

/** RFC 6749 §3.3: scopes are separated by spaces only; a comma is part of a scope's name. */
const scopeList = (claim: unknown): string[] => {
  if (Array.isArray(claim)) return claim.filter((item): item is string => typeof item === 'string');
  if (typeof claim === 'string') return claim.split(' ').filter(Boolean);
  return [];
};

/**
 * Scopes from `scope` (space separated, OAuth2) or `scp` (array, some IdPs). With a prefix, only
 * scopes carrying it count (prefix removed): others were minted for another resource server.
 */
export function callerOf(
  payload: JwtPayload,
  config: Pick<AuthConfig, 'rolesClaims' | 'scopePrefix'>,
): Caller {
  const { scopePrefix } = config;
  const granted = [...scopeList(payload.scope), ...scopeList(payload.scp)];
  const scopes = scopePrefix
    ? granted.filter((scope) => scope.startsWith(scopePrefix)).map((scope) => scope.slice(scopePrefix.length))
    : granted;
  const roles = config.rolesClaims.flatMap((claim) => asList(payload[claim]));
  return { userId: String(payload.sub), scopes: new Set(scopes.filter(Boolean)), roles: new Set(roles) };
}

export function jwtAuth(
  verifier: TokenVerifier,
  config: Pick<AuthConfig, 'rolesClaims' | 'scopePrefix'>,
): MiddlewareObj<ApiEvent, ApiResult, Error, VaultContext> {
  const jwtAuthBefore = async (request: StackRequest): Promise<void> => {
    const header = request.event.headers?.authorization;
    if (!header) throw new UnauthenticatedError('TOKEN_MISSING', 'A bearer token is required');
    const match = /^Bearer +([A-Za-z0-9_.~+/=-]+)$/i.exec(header.trim());
    if (!match?.[1])
      throw new UnauthenticatedError(
        'AUTHORIZATION_MALFORMED',
        'The Authorization header must be "Bearer <token>"',
      );
    if (match[1].length > MAX_TOKEN_LENGTH)
      throw new UnauthenticatedError('TOKEN_INVALID', 'The bearer token is too large');
    let payload: JwtPayload;
    try {
      payload = await verifier.verify(match[1]);
    } catch (error) {
      // The JWKS could not be fetched: our dependency failed, not the caller's token.
      if (error instanceof FetchError)
        throw new DependencyUnavailableError('INTRA_SERVICE_COMMUNICATION_ERROR', { cause: error });
      if (error instanceof JwtExpiredError)
        throw new UnauthenticatedError('TOKEN_EXPIRED', 'The bearer token has expired', error);
      throw new UnauthenticatedError('TOKEN_INVALID', 'The bearer token is not valid', error);
    }
    const sourceIp = request.event.requestContext?.identity?.sourceIp;
    request.context.vault.caller = {
      ...callerOf(payload, config),
      traceId: request.context.vault.traceId,
      sourceIp,
    };
  };
  return { before: jwtAuthBefore };
}
