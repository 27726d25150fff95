import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { vaultJwksSource } from '../auth/vault-jwks.ts';
import { type AuthConfig, loadAuthConfig, loadHttpConfig } from '../config.ts';
import { DependencyUnavailableError } from '../domain/errors.ts';
import type { Operation } from '../operations.ts';
import { apiVersion } from './api-version.ts';
import { errorShaper } from './error-shaper.ts';
import { jsonBody } from './json-body.ts';
import { createTokenVerifier, jwtAuth, type TokenVerifier } from './jwt-auth.ts';
import { logger } from './logger.ts';
import { notFoundFloor } from './not-found-floor.ts';
import { respond } from './respond.ts';
import { scopeCheck } from './scope-check.ts';
import { securityHeaders, standardHeaders } from './standard-headers.ts';
import {
  type ApiEvent,
  type ApiResult,
  type Route,
  type StackRequest,
  traceIdOf,
  type VaultContext,
  type VaultRequest,
} from './types.ts';
import { validateRequest } from './validate.ts';

type Middleware = MiddlewareObj<ApiEvent, ApiResult, Error, VaultContext>;

type Timing = { startedAt?: number };

const ANONYMOUS = { userId: '', scopes: new Set<string>(), roles: new Set<string>() };

let auth: { config: AuthConfig; verifier: TokenVerifier } | undefined;
/** One verifier (and JWKS cache) per process, built at cold start. */
function authRuntime() {
  if (auth === undefined) {
    const config = loadAuthConfig();
    // The vault's own tokens (IAM login) verify with its KMS key's public half, read when the
    // first such token comes (aws/kms-public-key.ts: no SDK in functions that carry none).
    const own = config.vaultIssuer;
    const vaultJwks = own && vaultJwksSource(own);
    auth = { config, verifier: createTokenVerifier(config, vaultJwks) };
  }
  return auth;
}

function startRequest(): Middleware {
  const startRequestBefore = (request: StackRequest): void => {
    // Every line this invocation logs carries its Lambda request id (function_request_id). Not
    // Powertools' injectLambdaContext: an environment variable can make that log the event.
    logger.addContext(request.context);
    const traceId = traceIdOf(request);
    request.context.vault = {
      caller: ANONYMOUS,
      path: undefined,
      query: undefined,
      headers: undefined,
      body: undefined,
      traceId,
    };
    (request.internal as Timing).startedAt = performance.now();
  };
  return { before: startRequestBefore };
}

/** One structured line per request: what, who, outcome, how long. Never the event or body. */
function accessLog(operation: Operation): Middleware {
  const accessLogEnd = (request: StackRequest): void => {
    const { startedAt } = request.internal as Timing;
    logger.info('request', {
      operation: operation.id,
      status: request.response?.statusCode,
      trace_id: traceIdOf(request),
      caller: request.context.vault?.caller.userId || undefined,
      duration_ms:
        startedAt === undefined ? undefined : Math.round((performance.now() - startedAt) * 100) / 100,
    });
  };
  return { after: accessLogEnd, onError: accessLogEnd };
}

/**
 * The middleware order, defined once. Middy runs `onError` in reverse: the shaper sees every error
 * first, then the access log records the shaped status, then the headers wrap the response.
 */
export function httpStack(operation: Operation): Middleware[] {
  const protectedOperation = operation.scopes.length > 0;
  const { config, verifier } = protectedOperation
    ? authRuntime()
    : { config: undefined, verifier: undefined };
  return [
    startRequest(),
    securityHeaders(),
    standardHeaders(),
    // Before the token: a version the operation is not served in is refused like any bad request.
    apiVersion(operation),
    accessLog(operation),
    // Its onError runs after the shaper's and before the access log's (Middy reverses them).
    notFoundFloor(loadHttpConfig().notFoundMinMs),
    errorShaper(),
    httpHeaderNormalizer() as Middleware,
    ...(config && verifier ? [jwtAuth(verifier, config), scopeCheck(operation)] : []),
    ...(operation.request.body ? [jsonBody()] : []),
    validateRequest(operation.request),
    respond(operation),
  ];
}

/**
 * A Lambda handler for one operation: the shared stack around one route function.
 */
export function vaultHandler<Op extends Operation>(operation: Op, route: Route<Op>) {
  return middy<ApiEvent, ApiResult, Error, VaultContext>({
    // Just before the Lambda (or API Gateway) would cut the request off: a shaped, retryable answer.
    timeoutEarlyInMillis: 500,
    timeoutEarlyResponse: () => {
      throw new DependencyUnavailableError('DATABASE_ERROR', { cause: new Error('request ran out of time') });
    },
  })
    .use(httpStack(operation))
    .handler(
      async (event, context) => route(context.vault as VaultRequest<Op['request']>, event, context) as never,
    );
}
