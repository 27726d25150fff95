import type { MiddlewareObj } from '@middy/core';
import { VaultError } from '../domain/errors.ts';
import { asProblem, errorBody, internalErrorBody, wantsProblem } from './error-body.ts';
import { describeError, logger } from './logger.ts';
import { headersOf, statusOf } from './status.ts';
import { type ApiEvent, type ApiResult, type StackRequest, traceIdOf, type VaultContext } from './types.ts';

/**
 * Turns every failure into the ERRORS.md shape. Only VaultErrors speak to the caller; anything
 * else is a fixed 500 whose cause goes to the log under the trace id, never into the body.
 */
export function errorShaper(): MiddlewareObj<ApiEvent, ApiResult, Error, VaultContext> {
  const errorShaperOnError = (request: StackRequest): void => {
    if (request.response?.statusCode !== undefined) return;
    const traceId = traceIdOf(request);
    const error = request.error;
    const known = error instanceof VaultError;
    const statusCode = known ? statusOf(error) : 500;
    if (statusCode >= 500) {
      // `error_code` is what the CDK app's metric filters count (key-service failures, say).
      logger.error('request failed', {
        trace_id: traceId,
        error_code: known ? error.code : 'GENERAL_ERROR',
        error: describeError(error),
      });
    }
    const body = known ? errorBody(error, traceId) : internalErrorBody(traceId);
    const headers = request.event.headers ?? {};
    // RFC 9457 for clients that ask for it; the PrivX shape for everyone else.
    const problem = wantsProblem(headers.accept ?? headers.Accept);
    request.response = {
      statusCode,
      headers: {
        'Content-Type': problem ? 'application/problem+json' : 'application/json',
        ...(known && headersOf(error)),
      },
      body: JSON.stringify(problem ? asProblem(body, statusCode) : body),
    };
  };
  return { onError: errorShaperOnError };
}
