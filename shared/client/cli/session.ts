/**
 * Which vault and which token a command uses: `--url`, then VAULT_URL, then the URL of the last
 * login; `--token`, then VAULT_TOKEN, then the login saved for that URL. A saved token is only
 * ever sent to the URL it was saved for, and not once its login has expired.
 */
import { VaultClient } from '../vault-client.ts';
import type { CliIo, Session } from './command.ts';
import { type Credentials, credentialsFile, readCredentials } from './credentials.ts';
import { Refusal, UsageError } from './errors.ts';
import { EXIT } from './exit-codes.ts';
import { DEFAULT_URL } from './help.ts';
import { claimsOf } from './token-claims.ts';

export const normalUrl = (url: string) => {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new UsageError(`not an http(s) URL: ${url}`);
  }
  return url.replace(/\/+$/, '');
};

export function vaultUrl(option: string | undefined, env: CliIo['env'], credentials: Credentials): string {
  return normalUrl(option ?? env.VAULT_URL ?? credentials.current ?? DEFAULT_URL);
}

/** The one line a missing or expired login gets: what to run next. */
export const logInAgain = (url: string) =>
  `log in again: secrets login${url === DEFAULT_URL ? '' : ` --url ${url}`} (see secrets login --help)`;

export function openSession(
  io: CliIo,
  options: { url: string | undefined; token: string | undefined },
  now = Date.now(),
): Session {
  const credentials = readCredentials(credentialsFile(io.env));
  const url = vaultUrl(options.url, io.env, credentials);
  const given = options.token ?? io.env.VAULT_TOKEN;
  const saved = credentials.logins[url];
  let token: string;
  let source: Session['source'];
  if (given !== undefined && given !== '') {
    token = given;
    source = options.token !== undefined ? 'option' : 'env';
  } else if (saved) {
    const expiresAt = saved.expires_at === undefined ? Number.NaN : Date.parse(saved.expires_at);
    // An IAM login expires, but the AWS credentials that made it are still here: log in again.
    if (expiresAt <= now && saved.method === 'iam')
      return {
        url,
        token: saved.token,
        source: 'login',
        iam: true,
        claims: undefined,
        client: new VaultClient({ baseUrl: url, auth: 'iam', ...(io.fetch && { fetch: io.fetch }) }),
      };
    if (expiresAt <= now)
      throw new Refusal(EXIT.notAllowed, {
        error_code: 'TOKEN_EXPIRED',
        error_message: `Your login to ${url}${saved.subject ? ` as ${saved.subject}` : ''} expired at ${saved.expires_at}: ${logInAgain(url)}`,
      });
    token = saved.token;
    source = 'login';
  } else {
    const elsewhere = Object.keys(credentials.logins);
    throw new Refusal(EXIT.notAllowed, {
      error_code: 'TOKEN_MISSING',
      error_message: `Not logged in to ${url}${
        elsewhere.length > 0 ? ` (you are logged in to ${elsewhere.join(', ')})` : ''
      }: run secrets login${url === DEFAULT_URL ? '' : ` --url ${url}`}, or set VAULT_TOKEN`,
    });
  }
  return {
    url,
    token,
    source,
    ...(source === 'login' && saved?.method === 'iam' && { iam: true as const }),
    claims: claimsOf(token),
    client: new VaultClient({ baseUrl: url, token, ...(io.fetch && { fetch: io.fetch }) }),
  };
}
