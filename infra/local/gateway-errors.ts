/**
 * Responses the gateway makes itself (no Lambda involved), in the same shape as the Lambdas'.
 * The CDK app configures API Gateway's gateway responses to say the same things.
 */
import { STATUS_CODES } from 'node:http';
import type { VaultError } from '../../shared/domain/errors.ts';
import { errorBody } from '../../shared/http/error-body.ts';
import { headersOf, statusOf } from '../../shared/http/status.ts';
import type { ApiResult } from '../../shared/http/types.ts';

export const GATEWAY_HEADERS = {
  'Content-Type': 'application/json',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Strict-Transport-Security': 'max-age=15552000; includeSubDomains',
} as const;

export function gatewayError(error: VaultError, traceId: string): ApiResult {
  return {
    statusCode: statusOf(error),
    headers: { ...GATEWAY_HEADERS, ...headersOf(error), 'X-Request-Id': traceId },
    body: JSON.stringify(errorBody(error, traceId)),
  };
}

/**
 * A whole HTTP/1.1 response as bytes, for requests Node's parser refused before any handler saw
 * them (oversize headers, bad framing): the socket gets the same error shape, then closes.
 */
export function rawGatewayError(statusCode: number, error: VaultError, traceId: string): string {
  const body = JSON.stringify(errorBody(error, traceId));
  const headers = {
    ...GATEWAY_HEADERS,
    'X-Request-Id': traceId,
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode] ?? 'Error'}\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}
