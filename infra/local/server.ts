/**
 * The local HTTP adapter: turns each request into the API Gateway REST proxy event the cloud would
 * send, invokes the same Lambda handler, and writes its result back. Also plays the gateway's own
 * part (unknown routes, wrong methods, oversized bodies) and serves the dev issuer's JWKS and the
 * PrivX token endpoint.
 * (Longer than most files on purpose: one request's way through the local gateway, from socket to
 * handler and back; the pieces it calls, such as SigV4, control routes and the token endpoint, are
 * modules of their own.)
 */
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Context } from 'aws-lambda';
import { type ErrorCode, PermissionDeniedError, VaultError } from '../../shared/domain/errors.ts';
import {
  MethodNotAllowedError,
  PathVersionNotServedError,
  PayloadTooLargeError,
  RouteNotFoundError,
} from '../../shared/http/http-errors.ts';
import { describeError } from '../../shared/http/logger.ts';
import { matchRoute } from '../../shared/http/router.ts';
import type { ApiEvent, ApiResult } from '../../shared/http/types.ts';
import { API_BASE, allOperations, type Operation } from '../../shared/operations.ts';
import type { DevIssuer } from './dev-issuer.ts';
import { gatewayError, rawGatewayError } from './gateway-errors.ts';
import { invocation } from './invocation.ts';
import { localControlRefusal } from './local-control.ts';
import { checkSigV4, type SigV4Settings } from './sigv4-check.ts';
import { sweepRequest } from './sweep-at.ts';
import { type ApiClients, handleTokenRequest } from './token-endpoint.ts';

/** How often the verifiers fetched the JWKS: tests show that no token makes them fetch in a loop. */
let jwksFetches = 0;

/** API Gateway's own payload limit. */
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;
/** API Gateway's integration timeout; middy answers just before it. */
const LAMBDA_TIMEOUT_MS = 29_000;

type LambdaHandler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

export interface LocalServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface LocalServerOptions {
  port: number;
  issuer: DevIssuer;
  apiClients: ApiClients;
  /** The local event sink, served at GET /__local/events. */
  eventsFile: string;
  /** Called once the port is known and before any handler module is imported. */
  beforeHandlersLoad?: (url: string) => void;
  /** Who may sign requests to AWS_IAM routes (sigv4-check.ts). */
  iam: SigV4Settings;
}

/** Imports every handler up front, so a broken one fails at start, as a Lambda's cold start would. */
async function loadHandlers(): Promise<Map<string, LambdaHandler>> {
  const entries = await Promise.all(
    allOperations.map(async (operation) => {
      const module = (await import(`../../lambdas/${operation.id}/handler.ts`)) as { handler: LambdaHandler };
      return [operation.id, module.handler] as const;
    }),
  );
  return new Map(entries);
}

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  let handlers = new Map<string, LambdaHandler>();
  const server = createServer((req, res) => {
    serve(req, res, handlers, options).catch((error: unknown) => {
      // A request whose framing broke mid-body was answered by `answerClientErrors`.
      if (refusedSockets.has(req.socket) && !req.complete) return;
      console.error('local server failure', describeError(error));
      if (!res.headersSent)
        write(res, {
          ...gatewayError(new VaultError('GENERAL_ERROR', 'Bad gateway'), randomUUID()),
          statusCode: 502,
        });
    });
  });
  answerClientErrors(server);
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  options.beforeHandlersLoad?.(url);
  handlers = await loadHandlers();
  return {
    url,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * What Node's HTTP parser refuses before any handler runs, mapped as API Gateway would answer.
 * Fixed messages: nothing of the refused request (a header, a token) is ever echoed.
 */
const CLIENT_ERRORS: Record<string, readonly [number, ErrorCode, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'PAYLOAD_TOO_LARGE', 'Request headers are too large'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'PAYLOAD_TOO_LARGE', 'Request chunk extensions are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'BAD_REQUEST', 'The request was not received in time'],
  HPE_INVALID_HEADER_TOKEN: [400, 'BAD_REQUEST', 'A request header is not valid'],
  HPE_INVALID_CHUNK_SIZE: [400, 'BAD_REQUEST', 'The request body is not valid chunked encoding'],
  HPE_INVALID_TRANSFER_ENCODING: [400, 'BAD_REQUEST', 'The request has conflicting or invalid body framing'],
  HPE_UNEXPECTED_CONTENT_LENGTH: [400, 'BAD_REQUEST', 'The request has conflicting or invalid body framing'],
  HPE_INVALID_CONTENT_LENGTH: [400, 'BAD_REQUEST', 'The request has conflicting or invalid body framing'],
};
const NOT_HTTP = [400, 'BAD_REQUEST', 'The request is not valid HTTP/1.1'] as const;
/** After answering, read and drop what the client still sends for this long, so it gets the answer, not a reset. */
const LINGER_MS = 1000;

/** Connections answered by `answerClientErrors`: the parser may report the same one again. */
const refusedSockets = new WeakSet<object>();

/**
 * Requests refused by Node's parser (oversize headers, a control character in a header, bad
 * chunks, Content-Length beside Transfer-Encoding) get the error shape too, never Node's empty
 * 400/431: a complete response, `Connection: close`, then the connection ends.
 */
function answerClientErrors(server: Server): void {
  const unfinished = new WeakMap<object, Set<ServerResponse>>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const responses = unfinished.get(req.socket) ?? new Set<ServerResponse>();
    unfinished.set(req.socket, responses);
    responses.add(res);
    res.once('close', () => responses.delete(res));
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (refusedSockets.has(socket)) return;
    refusedSockets.add(socket);
    const pending = [...(unfinished.get(socket) ?? [])];
    // Responses still owed to earlier pipelined requests go first; a request whose body broke is
    // answered here, unless its own response has begun (then only closing is honest).
    const owed = pending.filter((res) => res.req.complete);
    const started = pending.some((res) => !res.req.complete && res.headersSent);
    if (error.code === 'ECONNRESET' || started || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, code, message] = CLIENT_ERRORS[error.code ?? ''] ?? NOT_HTTP;
    const response = rawGatewayError(status, new VaultError(code, message), randomUUID());
    void Promise.all(owed.map(responseDone)).then(() => {
      if (!socket.writable) return socket.destroy();
      socket.end(response);
      setTimeout(() => socket.destroy(), LINGER_MS).unref();
    });
  });
}

const responseDone = (res: ServerResponse): Promise<void> =>
  new Promise((resolve) => {
    res.once('finish', resolve);
    res.once('close', resolve);
  });

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  handlers: Map<string, LambdaHandler>,
  options: LocalServerOptions,
): Promise<void> {
  const traceId = randomUUID();
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  const body = await readBody(req);
  if (body === undefined)
    return write(res, gatewayError(new PayloadTooLargeError(GATEWAY_MAX_BODY), traceId));

  if (method === 'GET' && url.pathname === '/.well-known/jwks.json') {
    jwksFetches++;
    return write(res, {
      statusCode: 200,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(options.issuer.jwks),
    });
  }
  if (url.pathname.startsWith('/__local/')) {
    const refusal = localControlRefusal(req.headers);
    if (refusal) return write(res, gatewayError(new PermissionDeniedError(refusal), traceId));
  }
  if (method === 'GET' && url.pathname === '/__local/jwks-fetches') {
    return write(res, {
      statusCode: 200,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ count: jwksFetches }),
    });
  }
  if (method === 'GET' && url.pathname === '/__local/events') {
    const lines = existsSync(options.eventsFile)
      ? readFileSync(options.eventsFile, 'utf8').split('\n').filter(Boolean)
      : [];
    return write(res, {
      statusCode: 200,
      headers: { 'Content-Type': 'application/json' },
      body: `[${lines.join(',')}]`,
    });
  }
  // The schedule's clock moved for one sweep (sweep-at.ts): tests see a rotation fall due at once.
  if (method === 'POST' && url.pathname === '/__local/sweep')
    return write(res, await sweepRequest(body, traceId));
  if (url.pathname === '/auth/api/v1/oauth/token') {
    return write(res, await handleTokenRequest(method, req.headers, body.toString('utf8'), options));
  }

  // Route on the path as sent: decoding first would let a `%2F` in a name split it.
  const rawPath = (req.url ?? '/').split('?')[0]!;
  const route = matchRoute(method, rawPath);
  switch (route.kind) {
    case 'not-found':
      return write(res, gatewayError(new RouteNotFoundError(method, safePath(rawPath)), traceId));
    case 'method-not-allowed':
      return write(res, gatewayError(new MethodNotAllowedError(method, route.allowed), traceId));
    case 'version-not-served':
      return write(res, gatewayError(new PathVersionNotServedError(API_BASE), traceId));
  }
  const handler = handlers.get(route.operation.id)!;
  // An AWS_IAM route: the gateway checks the signature before any function runs.
  let signer: Record<string, string | null> = {};
  if (route.operation.authorization === 'iam') {
    const checked = await checkSigV4(
      { method, url: req.url ?? '/', headers: req.headers, body },
      options.iam,
    );
    if ('error' in checked) return write(res, gatewayError(checked.error, traceId));
    signer = checked.identity;
  }
  const event = toEvent(
    req,
    url,
    body,
    route.operation,
    route.resource,
    route.pathParameters,
    traceId,
    signer,
  );
  const context = lambdaContext(route.operation, traceId);
  write(res, await invocation.run({ operation: route.operation.id }, () => handler(event, context)));
}

const safePath = (path: string): string => (path.length > 200 ? `${path.slice(0, 200)}…` : path);

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > GATEWAY_MAX_BODY) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The REST API (v1) proxy event: single-value maps keep the last value, as API Gateway does. */
function toEvent(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  operation: Operation,
  resource: string,
  pathParameters: Record<string, string> | null,
  requestId: string,
  signer: Record<string, string | null>,
): ApiEvent {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) pairs.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  // As API Gateway does, the scheme the client used (there always https; here plain http).
  pairs.push(['X-Forwarded-Proto', 'http']);
  const multiValueHeaders = group(pairs);
  const multiValueQuery = group(url.searchParams);
  const last = (values: Record<string, string[]>) =>
    Object.fromEntries(Object.entries(values).map(([key, list]) => [key, list[list.length - 1]!]));
  const hasQuery = Object.keys(multiValueQuery).length > 0;
  return {
    resource,
    path: url.pathname,
    httpMethod: operation.method,
    headers: last(multiValueHeaders),
    multiValueHeaders,
    queryStringParameters: hasQuery ? last(multiValueQuery) : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQuery : null,
    pathParameters,
    stageVariables: null,
    // Bytes that are not UTF-8 go as base64, as API Gateway sends a binary media type: decoding
    // them here would hand the Lambda U+FFFD where the client sent something else.
    body: body.length === 0 ? null : isUtf8(body) ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: body.length > 0 && !isUtf8(body),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      stage: 'local',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: operation.id,
      resourcePath: resource,
      httpMethod: operation.method,
      // The path as the client sent it: here no stage segment precedes the routes.
      path: url.pathname,
      protocol: `HTTP/${req.httpVersion}`,
      identity: {
        ...signer,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: req.headers['user-agent'] ?? null,
      },
      authorizer: null,
    },
  } as unknown as ApiEvent;
}

function group(pairs: Iterable<[string, string]>): Record<string, string[]> {
  // A Map, not an object: a query key such as `valueOf` or `__proto__` is just a key.
  const grouped = new Map<string, string[]>();
  for (const [key, value] of pairs) grouped.set(key, [...(grouped.get(key) ?? []), value]);
  return Object.fromEntries(grouped);
}

function lambdaContext(operation: Operation, requestId: string): Context {
  const deadline = Date.now() + LAMBDA_TIMEOUT_MS;
  return {
    awsRequestId: requestId,
    functionName: `vault-${operation.id}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:vault-${operation.id}`,
    memoryLimitInMB: '256',
    logGroupName: `/aws/lambda/vault-${operation.id}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function write(res: ServerResponse, result: ApiResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(result.headers ?? {})) headers[key] = String(value);
  for (const [key, values] of Object.entries(result.multiValueHeaders ?? {}))
    headers[key] = values.map(String);
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body ?? '');
  res.writeHead(result.statusCode, { ...headers, 'Content-Length': String(body.length) });
  res.end(body);
}
