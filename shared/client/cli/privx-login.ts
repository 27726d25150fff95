/**
 * PrivX's login for API clients, over HTTP: `POST /auth/api/v1/oauth/token` with the password
 * grant (the API client's id and secret) and the OAuth client's id and secret as HTTP Basic. The
 * local vault (`npm start`) answers it too, with the clients in its `api-clients.json`.
 */
import { networkCause, Refusal } from './errors.ts';
import { EXIT } from './exit-codes.ts';

export interface ApiClientCredentials {
  clientId: string;
  clientSecret: string;
  oauthClientId: string;
  oauthClientSecret: string;
}

/** The token endpoint beside an API base: `…/vault/api/v1` → `…/auth/api/v1/oauth/token`. */
export const tokenEndpointOf = (apiBase: string) =>
  `${apiBase.replace(/\/vault\/api\/v\d+$/, '')}/auth/api/v1/oauth/token`;

export async function passwordGrant(
  endpoint: string,
  credentials: ApiClientCredentials,
  fetchFn: typeof fetch = fetch,
): Promise<{ accessToken: string; expiresIn: number | undefined }> {
  const basic = Buffer.from(`${credentials.oauthClientId}:${credentials.oauthClientSecret}`).toString(
    'base64',
  );
  let response: Response;
  try {
    response = await fetchFn(endpoint, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${basic}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body: new URLSearchParams({
        grant_type: 'password',
        username: credentials.clientId,
        password: credentials.clientSecret,
      }).toString(),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new Refusal(
      EXIT.unavailable,
      {
        error_code: 'NETWORK_ERROR',
        error_message: `The token endpoint ${endpoint} could not be reached (${networkCause(error) ?? (error instanceof Error ? error.message : String(error))})`,
      },
      { cause: error },
    );
  }
  const text = await response.text();
  let body: { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown };
  try {
    body = JSON.parse(text);
  } catch {
    body = {};
  }
  if (response.ok && typeof body.access_token === 'string')
    return {
      accessToken: body.access_token,
      expiresIn: typeof body.expires_in === 'number' ? body.expires_in : undefined,
    };
  const said =
    typeof body.error === 'string' ? ` (${body.error}: ${String(body.error_description ?? '')})` : '';
  if (response.status === 401 || body.error === 'invalid_client')
    throw new Refusal(EXIT.notAllowed, {
      error_code: 'UNAUTHENTICATED',
      error_message: `The token endpoint refused the OAuth client "${credentials.oauthClientId}"${said}: check --oauth-client-id and VAULT_OAUTH_CLIENT_SECRET`,
    });
  if (body.error === 'invalid_grant')
    throw new Refusal(EXIT.notAllowed, {
      error_code: 'UNAUTHENTICATED',
      error_message: `The token endpoint refused the API client "${credentials.clientId}"${said}: check --client-id and VAULT_CLIENT_SECRET`,
    });
  if (response.status === 404 || response.status === 405)
    throw new Refusal(EXIT.notFound, {
      error_code: 'ROUTE_NOT_FOUND',
      error_message: `No PrivX token endpoint at ${endpoint} (HTTP ${response.status}): log in with a token from your identity provider (secrets login --token-stdin)`,
    });
  throw new Refusal(response.status >= 500 || response.status === 429 ? EXIT.unavailable : EXIT.other, {
    error_code: 'GENERAL_ERROR',
    error_message: `The token endpoint ${endpoint} answered HTTP ${response.status}${said}`,
  });
}
