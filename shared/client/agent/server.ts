/**
 * `secrets agent`'s HTTP side: secrets for apps in any language from a loopback port, through the
 * typed client and its rotation-aware cache. The protections mirror the AWS Secrets Manager
 * Agent's: loopback only, a per-start token on every request, forwarded requests refused, GET only;
 * and a Host check besides, so a web page cannot reach it by DNS rebinding.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';
import type { Secret, VaultClient } from '../vault-client.ts';
import { agentError, fromVault, type Reply, refusal } from './replies.ts';
import { sameToken, TOKEN_HEADER } from './token.ts';

export interface AgentConfig {
  client: VaultClient;
  token: string;
  /** Loopback addresses (loopbackHosts); an optional one that cannot be bound is skipped. */
  hosts: Array<{ host: string; optional?: boolean }>;
  /** 0: any free port (the first address picks it, the others take the same). */
  port: number;
  /** One structured line: never a secret value, nor the token. */
  log: (entry: Record<string, unknown>) => void;
}

export interface Agent {
  port: number;
  urls: string[];
  close(): Promise<void>;
}

/** `localhost` is both loopback addresses; anything that is not loopback is refused by name. */
export function loopbackHosts(values: readonly string[]): string[] {
  const hosts = values.flatMap((value) => (value === 'localhost' ? ['127.0.0.1', '::1'] : [value]));
  for (const host of hosts) {
    const loopback = isIPv4(host)
      ? host.startsWith('127.')
      : isIPv6(host) && /^(0*:){2,7}0*1$|^::1$/.test(host);
    if (!loopback)
      throw new RangeError(
        `the agent listens on loopback only (127.0.0.1, ::1, localhost), not ${host}: a secret served on a network address is served to the network`,
      );
  }
  return [...new Set(hosts)];
}

/** Host names a request may be addressed to: loopback, so no other name can resolve here. */
function loopbackHostHeader(host: string | undefined): boolean {
  if (host === undefined) return false;
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name === 'localhost' || (isIPv4(name) && name.startsWith('127.')) || name === '::1';
}

const text = (status: number, body: string, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers },
  body,
});

/** What to answer; throws AgentError (or the client's VaultApiError) for every refusal. */
async function answer(request: IncomingMessage, config: AgentConfig, traceId: string): Promise<Reply> {
  const target = request.url ?? '';
  // Origin form only: an absolute URL is a proxy request, which this is not.
  if (!target.startsWith('/')) throw refusal(400, 'BAD_REQUEST', 'The request target must be a path');
  const [path = '', query = ''] = target.split('?', 2);
  // Health checks carry no token and answer no secret (as the AWS agent's /ping).
  if (path === '/ping') return text(200, 'ok\n');
  if (request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined)
    throw refusal(400, 'BAD_REQUEST', 'Forwarded requests are refused: the agent serves this machine only');
  if (!loopbackHostHeader(request.headers.host))
    throw refusal(400, 'BAD_REQUEST', 'The Host header must be localhost, 127.0.0.1 or [::1]', 'Host');
  const given = request.headers[TOKEN_HEADER.toLowerCase()];
  if (given === undefined)
    throw refusal(401, 'UNAUTHENTICATED', `The ${TOKEN_HEADER} header is required`, TOKEN_HEADER, [
      { error_code: 'TOKEN_MISSING', error_message: `The ${TOKEN_HEADER} header is required` },
    ]);
  if (typeof given !== 'string' || !sameToken(given, config.token))
    throw refusal(403, 'PERMISSION_DENIED', `The ${TOKEN_HEADER} header does not hold this agent's token`);
  if (request.method !== 'GET' && request.method !== 'HEAD')
    throw refusal(
      405,
      'METHOD_NOT_ALLOWED',
      `Method ${request.method} is not allowed: the agent only reads`,
      undefined,
      [],
      {
        Allow: 'GET, HEAD',
      },
    );
  if (!path.startsWith('/secrets/'))
    throw refusal(404, 'ROUTE_NOT_FOUND', 'The agent serves GET /secrets/{name}');
  let name: string;
  try {
    name = decodeURIComponent(path.slice('/secrets/'.length));
  } catch {
    throw refusal(400, 'VALUE_INCORRECT_FORMAT', 'The secret name is not valid percent-encoding', 'name');
  }
  if (name === '') throw refusal(400, 'REQUIRED_VALUE_MISSING', 'The secret name is missing', 'name');
  const { field, version } = readQuery(query);
  let stale: { ageMs: number; code: string } | undefined;
  const secret: Secret = await config.client.getSecret(name, {
    ...(version !== undefined && { version }),
    onStale: ({ ageMs, error }) => {
      stale = { ageMs, code: error.code };
    },
  });
  const headers: Record<string, string> = {};
  if (stale) {
    // RFC 9211's Cache-Status, and Age from when the vault last confirmed the value.
    headers.Age = String(Math.floor(stale.ageMs / 1000));
    headers['Cache-Status'] = `vault-agent; hit; detail=${stale.code}`;
    config.log({
      level: 'WARN',
      message: 'served a value the vault could not confirm',
      trace_id: traceId,
      age_ms: stale.ageMs,
      vault_error: stale.code,
    });
  }
  if (field === undefined)
    return {
      status: 200,
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(secret),
    };
  const value = secret.data?.[field];
  if (value === undefined)
    throw refusal(404, 'OBJECT_NOT_FOUND', `The secret has no field "${field}" the agent may read`, 'field');
  return text(200, typeof value === 'string' ? value : JSON.stringify(value), headers);
}

/** `field` and `version`, each at most once; anything else is refused by name rather than ignored. */
function readQuery(query: string): { field?: string; version?: number } {
  const params = new URLSearchParams(query);
  const result: { field?: string; version?: number } = {};
  for (const key of new Set(params.keys())) {
    if (key !== 'field' && key !== 'version')
      throw refusal(
        400,
        'BAD_REQUEST',
        `Unknown query parameter ${key}: the agent takes field and version`,
        key,
      );
    if (params.getAll(key).length > 1)
      throw refusal(400, 'VALUE_DUPLICATE', `${key} is given more than once`, key);
  }
  const field = params.get('field');
  if (field !== null) {
    if (field === '') throw refusal(400, 'REQUIRED_VALUE_MISSING', 'field is empty', 'field');
    result.field = field;
  }
  const version = params.get('version');
  if (version !== null) {
    if (!/^[1-9]\d{0,14}$/.test(version))
      throw refusal(400, 'VALUE_INCORRECT_TYPE', 'version must be a whole number from 1', 'version');
    result.version = Number(version);
  }
  return result;
}

function handler(config: AgentConfig) {
  return async (request: IncomingMessage, response: ServerResponse) => {
    const traceId = randomUUID();
    const started = performance.now();
    let reply: Reply;
    try {
      reply = await answer(request, config, traceId);
    } catch (error) {
      reply = agentError(fromVault(error), traceId);
      if (reply.status >= 500)
        config.log({
          level: 'ERROR',
          message: 'read failed',
          trace_id: traceId,
          status: reply.status,
          cause: reply.cause,
        });
    }
    if (reply.status >= 400 && reply.status < 500)
      config.log({
        level: 'INFO',
        message: 'refused',
        trace_id: traceId,
        status: reply.status,
        ms: Math.round(performance.now() - started),
      });
    response.writeHead(reply.status, {
      ...reply.headers,
      // Secrets are never to be kept by anything between the agent and the app.
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Request-Id': traceId,
    });
    response.end(request.method === 'HEAD' ? undefined : reply.body);
  };
}

async function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

export async function startAgent(config: AgentConfig): Promise<Agent> {
  const servers: Server[] = [];
  const urls: string[] = [];
  let port = config.port;
  const close = () =>
    Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    ).then(() => undefined);
  try {
    for (const { host, optional } of config.hosts) {
      const server = createServer({ headersTimeout: 10_000, requestTimeout: 60_000 }, handler(config));
      server.maxConnections = 1024;
      try {
        port = await listen(server, host, port);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // A machine without IPv6 has no ::1 to bind: the default skips it, an explicit one fails.
        if (optional && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) continue;
        throw error;
      }
      servers.push(server);
      urls.push(`http://${host.includes(':') ? `[${host}]` : host}:${port}`);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { port, urls, close };
}
