/**
 * PrivX's token endpoint, for unmodified PrivX SDK clients: `POST /auth/api/v1/oauth/token` with
 * `grant_type=password&username=<api client id>&password=<api client secret>` and HTTP Basic
 * credentials of the OAuth client. API clients, their scopes and roles come from a local file.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { dirname } from 'node:path';
import type { ApiResult } from '../../shared/http/types.ts';
import type { DevIssuer } from './dev-issuer.ts';

export interface ApiClient {
  id: string;
  secret: string;
  /** The token's `sub`; defaults to the client id. */
  sub?: string;
  scopes: string[];
  roles: string[];
}

export interface ApiClients {
  oauthClient: { id: string; secret: string };
  clients: ApiClient[];
  tokenTtlSeconds: number;
}

/** Reads the clients file, creating one with fresh random secrets on first use (never committed). */
export function loadApiClients(file: string): ApiClients {
  if (!existsSync(file)) {
    const secret = () => randomBytes(24).toString('base64url');
    const initial: ApiClients = {
      oauthClient: { id: 'privx-external', secret: secret() },
      clients: [
        {
          id: randomUUID(),
          secret: secret(),
          sub: 'dev-client',
          scopes: ['user', 'vaultAdd', 'vaultManage'],
          roles: ['dev'],
        },
      ],
      tokenTtlSeconds: 3600,
    };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(initial, null, 2)}\n`, { mode: 0o600 });
  }
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<ApiClients>;
  if (!parsed.oauthClient?.id || !parsed.oauthClient.secret || !Array.isArray(parsed.clients)) {
    throw new Error(
      `${file}: expected { oauthClient: { id, secret }, clients: [{ id, secret, scopes, roles }] }`,
    );
  }
  return {
    oauthClient: parsed.oauthClient,
    clients: parsed.clients,
    tokenTtlSeconds: parsed.tokenTtlSeconds ?? 3600,
  };
}

/** Compares digests so neither timing nor length says how much of a secret matched. */
const sameSecret = (given: string, expected: string): boolean =>
  timingSafeEqual(
    createHash('sha256').update(given).digest(),
    createHash('sha256').update(expected).digest(),
  );

const oauthError = (statusCode: number, error: string, description: string): ApiResult => ({
  statusCode,
  headers: {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    ...(statusCode === 401 && { 'WWW-Authenticate': 'Basic realm="vault"' }),
  },
  body: JSON.stringify({ error, error_description: description }),
});

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic +([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

export async function handleTokenRequest(
  method: string,
  headers: IncomingHttpHeaders,
  body: string,
  options: { issuer: DevIssuer; apiClients: ApiClients },
): Promise<ApiResult> {
  if (method !== 'POST') return oauthError(405, 'invalid_request', 'Use POST');
  const { oauthClient, clients, tokenTtlSeconds } = options.apiClients;
  const basic = basicCredentials(headers.authorization);
  if (!basic || basic.id !== oauthClient.id || !sameSecret(basic.secret, oauthClient.secret)) {
    return oauthError(401, 'invalid_client', 'Unknown OAuth client or wrong client secret');
  }
  const form = new URLSearchParams(body);
  if (form.get('grant_type') !== 'password')
    return oauthError(400, 'unsupported_grant_type', 'Only grant_type=password is supported');
  const client = clients.find((candidate) => candidate.id === form.get('username'));
  // Same answer for an unknown client and a wrong secret: the endpoint does not confirm client ids.
  if (!client || !sameSecret(form.get('password') ?? '', client.secret)) {
    return oauthError(400, 'invalid_grant', 'Unknown API client or wrong secret');
  }
  const accessToken = await options.issuer.mint({
    sub: client.sub ?? client.id,
    scopes: client.scopes,
    roles: client.roles,
    ttlSeconds: tokenTtlSeconds,
  });
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' },
    body: JSON.stringify({ access_token: accessToken, token_type: 'Bearer', expires_in: tokenTtlSeconds }),
  };
}
