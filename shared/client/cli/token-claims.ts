/**
 * What a bearer token says about its holder, read without verifying it (the vault verifies; the
 * CLI only shows who you are, and knows when a login has expired without asking).
 */
export interface TokenClaims {
  subject: string | undefined;
  scopes: string[];
  roles: string[];
  /** The token's `exp`; undefined when it has none. */
  expires: Date | undefined;
}

/** Role claims the vault reads by default (`roles`) or behind Cognito (`cognito:groups`). */
const ROLE_CLAIMS = ['roles', 'cognito:groups'];

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/** The claims of a JWT, or undefined when the token is not one (an opaque token says nothing). */
export function claimsOf(token: string): TokenClaims | undefined {
  const payload = token.split('.')[1];
  if (token.split('.').length !== 3 || !payload) return undefined;
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (claims === null || typeof claims !== 'object') return undefined;
  return {
    subject: typeof claims.sub === 'string' ? claims.sub : undefined,
    // As the vault reads them: `scope` split on spaces only, or `scp` as an array.
    scopes: typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : strings(claims.scp),
    roles: [...new Set(ROLE_CLAIMS.flatMap((claim) => strings(claims[claim])))],
    expires: typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined,
  };
}

export const listed = (items: string[]) => (items.length === 0 ? 'none' : items.join(' '));

/** "as dev (scopes user vaultAdd; roles dev)" */
export const describeHolder = (claims: TokenClaims) =>
  `as ${claims.subject ?? '(no subject)'} (scopes ${listed(claims.scopes)}; roles ${listed(claims.roles)})`;
