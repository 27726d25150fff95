/** `secrets whoami`: who the token in use says you are, at which vault, until when. */
import type { CommandSpec } from '../command.ts';
import { credentialsFile } from '../credentials.ts';
import { Refusal } from '../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { logInAgain } from '../session.ts';
import type { TokenClaims } from '../token-claims.ts';

export function describeSession(session: {
  url: string;
  claims: TokenClaims | undefined;
  expiresAt: number | undefined;
  from: string;
}): Record<string, unknown> {
  const { claims } = session;
  return {
    url: session.url,
    subject: claims
      ? (claims.subject ?? null)
      : 'unknown: the token is not a JWT (the vault alone knows its holder)',
    scopes: claims?.scopes ?? [],
    roles: claims?.roles ?? [],
    expires: session.expiresAt === undefined ? null : new Date(session.expiresAt).toISOString(),
    token_from: session.from,
  };
}

export const whoami: CommandSpec = {
  name: 'whoami',
  positionals: { min: 0, max: 0 },
  summary: 'show the subject, scopes, roles and expiry of the token in use, and the vault URL',
  description: `Shows what the token in use (--token, VAULT_TOKEN or your login for the URL) says about
its holder: subject, scopes, roles and expiry, and where it came from. Read from the token itself:
the vault is not asked. Exit 4 when no token is at hand or it has expired.`,
  options: {},
  async run(ctx) {
    const session = await ctx.session();
    const from =
      session.source === 'login'
        ? `login (${credentialsFile(ctx.io.env)})`
        : session.source === 'env'
          ? 'VAULT_TOKEN'
          : '--token';
    const expires = session.claims?.expires?.getTime();
    ctx.show(describeSession({ url: session.url, claims: session.claims, expiresAt: expires, from }));
    if (expires !== undefined && expires <= Date.now())
      throw new Refusal(EXIT.notAllowed, {
        error_code: 'TOKEN_EXPIRED',
        error_message: `The token expired at ${new Date(expires).toISOString()}: ${logInAgain(session.url)}`,
      });
    return EXIT.ok;
  },
};
