/**
 * `secrets login`: gets a token (the PrivX token endpoint for an API client, or a token you
 * already have), checks that the vault accepts it, says who it is, and keeps it for this URL.
 */
import { VaultApiError, VaultClient } from '../../vault-client.ts';
import type { CommandSpec, Context } from '../command.ts';
import { credentialsFile, readCredentials, writeCredentials } from '../credentials.ts';
import { networkCause, Refusal, UsageError } from '../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { passwordGrant, tokenEndpointOf } from '../privx-login.ts';
import { vaultUrl } from '../session.ts';
import { claimsOf, listed } from '../token-claims.ts';
import { describeSession } from './whoami.ts';

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** IAM login: the vault's token for the AWS principal of the default credential chain. */
async function iamToken(ctx: Context, url: string): Promise<{ token: string; expiresIn: number }> {
  const client = new VaultClient({
    baseUrl: url,
    auth: 'iam',
    retries: 1,
    ...(ctx.io.fetch && { fetch: ctx.io.fetch }),
  });
  try {
    const login = await client.iamLogin();
    return { token: login.access_token, expiresIn: login.expires_in };
  } catch (error) {
    if (error instanceof VaultApiError && (error.status === 401 || error.status === 403))
      throw new Refusal(EXIT.notAllowed, {
        error_code: error.code,
        error_message: `The vault at ${url} refused the IAM login of these AWS credentials (${error.code}: ${error.message}): nothing was saved`,
      });
    // The SDK's credential chain found nothing (its own message names no next step).
    if (error instanceof Error && error.name === 'CredentialsProviderError')
      throw new Refusal(EXIT.notAllowed, {
        error_code: 'AWS_CREDENTIALS_MISSING',
        error_message: `No AWS credentials found for the IAM login (environment, AWS_PROFILE and ~/.aws, SSO, web identity, container or instance role): ${error.message}`,
      });
    throw error;
  }
}

async function obtainToken(
  ctx: Context,
  url: string,
): Promise<{ token: string; expiresIn?: number; method?: 'iam' }> {
  const { env } = ctx.io;
  if (ctx.flag('iam')) return { ...(await iamToken(ctx, url)), method: 'iam' };
  if (ctx.flag('token-stdin')) {
    const token = (await ctx.io.stdin()).trim();
    if (!token) throw new UsageError('--token-stdin read no token from stdin');
    return { token };
  }
  const given = ctx.string('token');
  if (given !== undefined) return { token: given };
  const clientId = ctx.string('client-id') ?? env.VAULT_CLIENT_ID;
  if (clientId !== undefined) {
    const clientSecret = ctx.flag('client-secret-stdin')
      ? (await ctx.io.stdin()).trim()
      : env.VAULT_CLIENT_SECRET;
    const oauthClientSecret = env.VAULT_OAUTH_CLIENT_SECRET;
    if (!clientSecret)
      throw new UsageError(
        'the API client secret goes in VAULT_CLIENT_SECRET (or on stdin with --client-secret-stdin)',
      );
    if (!oauthClientSecret)
      throw new UsageError("the OAuth client's secret goes in VAULT_OAUTH_CLIENT_SECRET");
    const granted = await passwordGrant(
      tokenEndpointOf(url),
      {
        clientId,
        clientSecret,
        oauthClientId: ctx.string('oauth-client-id') ?? env.VAULT_OAUTH_CLIENT_ID ?? 'privx-external',
        oauthClientSecret,
      },
      ctx.io.fetch,
    );
    return {
      token: granted.accessToken,
      ...(granted.expiresIn !== undefined && { expiresIn: granted.expiresIn }),
    };
  }
  if (env.VAULT_TOKEN) return { token: env.VAULT_TOKEN };
  throw new UsageError(
    'secrets login needs an API client (--client-id, with VAULT_CLIENT_SECRET and VAULT_OAUTH_CLIENT_SECRET) or a token (--token-stdin, or VAULT_TOKEN): see secrets login --help',
  );
}

/** Whether the vault takes the token: anything but a 401 means it authenticated the caller. */
async function checkAccepted(ctx: Context, url: string, token: string): Promise<void> {
  const client = new VaultClient({
    baseUrl: url,
    token,
    retries: 1,
    ...(ctx.io.fetch && { fetch: ctx.io.fetch }),
  });
  try {
    for await (const _ of client.listSecrets({ pageSize: 1 })) break;
  } catch (error) {
    if (!(error instanceof VaultApiError) || error.status === 403 || error.status === 404) return;
    if (error.status === 401)
      throw new Refusal(EXIT.notAllowed, {
        error_code: error.code,
        error_message: `The vault at ${url} refused this token (${error.code}: ${error.message}): nothing was saved`,
      });
    if (error.code === 'NETWORK_ERROR' || error.code === 'TIMEOUT') {
      const cause = networkCause(error);
      throw new Refusal(EXIT.unavailable, {
        error_code: error.code,
        error_message: `The vault could not be reached at ${url}${cause ? ` (${cause})` : ''}: nothing was saved`,
      });
    }
  }
}

export const login: CommandSpec = {
  name: 'login',
  positionals: { min: 0, max: 0 },
  summary: 'log in to a vault and keep the token for later commands (PrivX API client, or a token you have)',
  description: `Gets a token, checks that the vault accepts it, says who it is (subject, scopes, roles,
expiry), and keeps it, with the URL, in $XDG_CONFIG_HOME/vault-secrets/credentials.json (else
~/.config/vault-secrets/credentials.json; mode 0600). Later commands use it for that URL; the
URL becomes the default for commands without --url or VAULT_URL. Once it expires, commands say
"log in again". The token comes from, in this order:

  --token-stdin             a token on stdin, e.g. from your identity provider, or locally:
                              npm run --silent token -- --sub alice --roles ops --ttl 3600 | secrets login --token-stdin
  --token <jwt>             the same, from the command line (it stays in your shell history)
  --iam                     IAM login: AWS credentials from the default chain (environment,
                            AWS_PROFILE and ~/.aws, SSO, web identity, the container's or
                            instance's role) sign POST …/auth/iam (SigV4); the vault answers a
                            token for the role its deployer mapped. Once that token expires,
                            commands log in again the same way, without asking.
  --client-id <id>          a PrivX API client, through the vault's token endpoint
                            (…/auth/api/v1/oauth/token, the password grant): its secret from
                            VAULT_CLIENT_SECRET (or --client-secret-stdin), the OAuth client's
                            from VAULT_OAUTH_CLIENT_SECRET. Locally (npm start) the clients, with
                            their scopes and roles, are in api-clients.json in the state folder.
  VAULT_TOKEN               the token npm start printed

A token reads back what it writes when it has the user scope and a role: \`put\` gives a new secret
the token's roles unless --read-role/--write-role say otherwise.`,
  options: {
    'token-stdin': { type: 'boolean', help: 'read the token from stdin' },
    iam: { type: 'boolean', help: 'log in with AWS credentials (IAM login, SigV4)' },
    'client-id': { type: 'string', value: '<id>', help: 'PrivX API client id (else VAULT_CLIENT_ID)' },
    'client-secret-stdin': { type: 'boolean', help: "read the API client's secret from stdin" },
    'oauth-client-id': {
      type: 'string',
      value: '<id>',
      help: 'the OAuth client (else VAULT_OAUTH_CLIENT_ID, else privx-external)',
    },
    roles: {
      type: 'string',
      value: '<r1,r2>',
      help: 'roles the token must carry: if it lacks one, nothing is saved and the error names the roles it has',
    },
    ttl: {
      type: 'string',
      value: '<seconds>',
      help: 'forget the login after this long (sooner if the token expires first)',
    },
  },
  async run(ctx) {
    const file = credentialsFile(ctx.io.env);
    const credentials = readCredentials(file);
    const url = vaultUrl(ctx.string('url'), ctx.io.env, credentials);
    const ttl = ctx.integer('ttl');
    if (ttl === 0) throw new UsageError('--ttl must be at least 1 second');
    const { token, expiresIn, method } = await obtainToken(ctx, url);
    const claims = claimsOf(token);
    const now = Date.now();
    const wanted = list(ctx.string('roles'));
    const missing = wanted.filter((role) => !claims?.roles.includes(role));
    if (missing.length > 0)
      throw new Refusal(EXIT.notAllowed, {
        error_code: 'PERMISSION_DENIED',
        error_message: `The token has roles ${listed(claims?.roles ?? [])}, not ${missing.join(', ')}: nothing was saved (an API client's roles are set where it is defined; a local token with other roles: npm run --silent token -- --roles ${wanted.join(',')})`,
      });
    const ends = [
      claims?.expires?.getTime(),
      expiresIn === undefined ? undefined : now + expiresIn * 1000,
      ttl === undefined ? undefined : now + ttl * 1000,
    ].filter((at): at is number => at !== undefined);
    const expiresAt = ends.length > 0 ? Math.min(...ends) : undefined;
    if (expiresAt !== undefined && expiresAt <= now)
      throw new Refusal(EXIT.notAllowed, {
        error_code: 'TOKEN_EXPIRED',
        error_message: `The token expired at ${new Date(expiresAt).toISOString()}: nothing was saved`,
      });
    await checkAccepted(ctx, url, token);
    credentials.logins[url] = {
      token,
      ...(expiresAt !== undefined && { expires_at: new Date(expiresAt).toISOString() }),
      ...(claims?.subject !== undefined && { subject: claims.subject }),
      saved_at: new Date(now).toISOString(),
      // With --ttl the login is to be forgotten then, not renewed.
      ...(method && ttl === undefined && { method }),
    };
    credentials.current = url;
    writeCredentials(file, credentials);
    ctx.show(describeSession({ url, claims, expiresAt, from: `login (saved in ${file})` }));
    if (claims && !claims.scopes.includes('user'))
      ctx.say('note: without the user scope this token reads no secret values');
    else if (claims && claims.roles.length === 0)
      ctx.say('note: this token has no roles: it reads only personal secrets (put --owner <your subject>)');
    else if (claims)
      ctx.say(
        `secrets you put are readable by your roles (${claims.roles.join(', ')}) unless --read-role says otherwise`,
      );
    return EXIT.ok;
  },
};
