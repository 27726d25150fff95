/**
 * `secrets agent`: a local caching agent, so apps in any language read secrets from a loopback
 * port (`GET /secrets/{name}`) instead of calling the vault; a sidecar (ECS, EKS) or a Lambda
 * extension. It runs until SIGTERM or SIGINT (or Lambda's SHUTDOWN), then stops serving, removes
 * the token file it wrote, and exits 0.
 */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { runAsLambdaExtension } from '../../agent/lambda-extension.ts';
import { loopbackHosts, startAgent } from '../../agent/server.ts';
import {
  AgentTokenError,
  givenToken,
  newToken,
  removeTokenFile,
  TOKEN_HEADER,
  writeTokenFile,
} from '../../agent/token.ts';
import { VaultClient } from '../../vault-client.ts';
import type { CommandSpec, Context } from '../command.ts';
import { credentialsFile, readCredentials } from '../credentials.ts';
import { Refusal, UsageError } from '../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { vaultUrl } from '../session.ts';

/** The Secrets Manager Agent's port: apps moving between the two change one name, not a number. */
const DEFAULT_PORT = 2773;

/** Where a token the agent made is kept: the user's runtime directory, else beside the CLI's login. */
function defaultTokenFile(env: Record<string, string | undefined>, lambda: boolean): string {
  if (lambda) return '/tmp/vault-agent-token';
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && isAbsolute(runtime)) return join(runtime, 'vault-agent', 'token');
  return join(credentialsFile({ ...env, HOME: env.HOME || homedir() }), '..', 'agent-token');
}

function portOf(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535)
    throw new UsageError(`--port must be a port number (0 to 65535), not "${value}"`);
  return Number(value);
}

/** The client the agent reads through: the cache is the client's own, rotation-aware one. */
async function vaultClient(
  ctx: Context,
  cache: { maxStaleMs: number; staleIfErrorMs: number; maxEntries: number },
) {
  // Short attempts: an app waits on the agent, and a stale value may be served meanwhile.
  const common = { timeoutMs: 5000, retries: 2, cache, ...(ctx.io.fetch && { fetch: ctx.io.fetch }) };
  if (!ctx.flag('iam')) {
    const session = await ctx.session();
    // A saved IAM login renews itself here too; any other token serves until it expires.
    const auth = session.iam ? { auth: 'iam' as const } : { token: session.token };
    return { url: session.url, client: new VaultClient({ ...common, baseUrl: session.url, ...auth }) };
  }
  if (ctx.string('token') !== undefined)
    throw new UsageError('--iam logs in with AWS credentials: drop --token');
  const url = vaultUrl(ctx.string('url'), ctx.io.env, readCredentials(credentialsFile(ctx.io.env)));
  return { url, client: new VaultClient({ ...common, baseUrl: url, auth: 'iam' }) };
}

export const agent: CommandSpec = {
  name: 'agent',
  positionals: { min: 0, max: 0 },
  summary: 'serve secrets to local apps from a caching agent on a loopback port',
  description: `Serves GET /secrets/<name> (the secret as the vault returns it) and
GET /secrets/<name>?field=<key> (that field's value as text) on 127.0.0.1 and ::1, port 2773, to
requests carrying the agent's token in the ${TOKEN_HEADER} header:
  curl -H "${TOKEN_HEADER}: $(cat <token file>)" localhost:2773/secrets/prod%2Fdb?field=password
The token is made at each start and written to a file only you can read (its path is printed), or
given in VAULT_AGENT_TOKEN (the value, or file://<path>). Requests without it get 401, with another
403; forwarded requests (X-Forwarded-For) and Host names other than loopback are refused; GET /ping
answers "ok" without a token, for health checks. Nothing but loopback is ever listened on.
A value read is kept for --ttl seconds; after that, each read first asks the vault whether the
secret changed (version, roles, expiry: a metadata call, not audited) and reads it again if so, so a
rotation reaches apps within --ttl. A secret past its expiry is never served. When the vault cannot
be reached, a value it confirmed less than --ttl + --max-stale seconds ago is served, marked with
the headers Age and Cache-Status (detail=NETWORK_ERROR).
It logs in with --iam (AWS credentials from the default chain: the task's or pod's role) or with
--token, VAULT_TOKEN or your saved login. It stops on SIGTERM or SIGINT, exiting 0; with
--lambda-extension it runs as a Lambda extension and stops on Lambda's SHUTDOWN.`,
  options: {
    port: {
      type: 'string',
      value: '<port>',
      help: `the port (else VAULT_AGENT_PORT, else ${DEFAULT_PORT}; 0: any free one)`,
    },
    listen: {
      type: 'string',
      multiple: true,
      value: '<address>',
      help: 'a loopback address to listen on (repeatable; default 127.0.0.1 and ::1 where there is IPv6)',
    },
    'token-file': {
      type: 'string',
      value: '<path>',
      help: 'where the agent token is written, mode 0600 (default $XDG_RUNTIME_DIR/vault-agent/token, else beside your login)',
    },
    ttl: {
      type: 'string',
      value: '<seconds>',
      help: 'how long a value is served before its version is checked (default 300)',
    },
    'max-stale': {
      type: 'string',
      value: '<seconds>',
      help: 'how much longer a value is served while the vault cannot be reached (default 900; 0: never)',
    },
    'cache-size': {
      type: 'string',
      value: '<secrets>',
      help: 'how many secrets are kept at most (default 1000)',
    },
    iam: {
      type: 'boolean',
      help: 'log in with AWS credentials (IAM login) and renew the login before it expires',
    },
    'lambda-extension': { type: 'boolean', help: 'run as an AWS Lambda extension (see the README)' },
  },
  async run(ctx) {
    const env = ctx.io.env;
    const lambda = ctx.flag('lambda-extension');
    const port = portOf(ctx.string('port') ?? env.VAULT_AGENT_PORT ?? String(DEFAULT_PORT));
    const listen = ctx.strings('listen');
    let hosts: Array<{ host: string; optional?: boolean }>;
    try {
      hosts = listen
        ? loopbackHosts(listen).map((host) => ({ host }))
        : [{ host: '127.0.0.1' }, { host: '::1', optional: true }];
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const ttl = ctx.integer('ttl') ?? 300;
    const maxStale = ctx.integer('max-stale') ?? 900;
    const cacheSize = ctx.integer('cache-size') ?? 1000;
    if (cacheSize < 1) throw new UsageError('--cache-size must be at least 1');
    let token: string;
    let written: string | undefined;
    try {
      const given = givenToken(env.VAULT_AGENT_TOKEN);
      token = given ?? newToken();
      // A token made here is useless unless kept somewhere the app can read it.
      if (given === undefined || ctx.string('token-file') !== undefined)
        written = ctx.string('token-file') ?? defaultTokenFile(env, lambda);
    } catch (error) {
      if (error instanceof AgentTokenError) throw new UsageError(error.message);
      throw error;
    }
    const { url, client } = await vaultClient(ctx, {
      maxStaleMs: ttl * 1000,
      staleIfErrorMs: maxStale * 1000,
      maxEntries: cacheSize,
    });
    if (ctx.flag('iam')) await client.status(); // logs in now: a principal the vault refuses stops here
    const log = (entry: Record<string, unknown>) =>
      ctx.say(JSON.stringify({ time: new Date().toISOString(), ...entry }));
    let running: Awaited<ReturnType<typeof startAgent>>;
    try {
      running = await startAgent({ client, token, hosts, port, log });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new Refusal(EXIT.other, {
        error_code: code === 'EADDRINUSE' ? 'PORT_IN_USE' : 'LISTEN_FAILED',
        error_message: `the agent cannot listen on port ${port}${code === 'EADDRINUSE' ? ': it is in use' : ` (${code ?? (error as Error).message})`}`,
      });
    }
    if (written) writeTokenFile(written, token);
    const stopped = new Promise<string>((resolve) => {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolve(signal));
    });
    ctx.say(
      `vault agent for ${url} listening on ${running.urls.join(' and ')}: send ${TOKEN_HEADER} with ${written ? `the token in ${written}` : 'VAULT_AGENT_TOKEN'}`,
    );
    if (ctx.machine) ctx.print({ urls: running.urls, header: TOKEN_HEADER, token_file: written ?? null }, []);
    const reason = lambda ? await runAsLambdaExtension(env, stopped) : await stopped;
    await running.close();
    if (written) removeTokenFile(written, token);
    log({ level: 'INFO', message: 'stopped', reason });
    return EXIT.ok;
  },
};
