import type { MiddlewareObj } from '@middy/core';
import { type ApiEvent, type ApiResult, type StackRequest, traceIdOf, type VaultContext } from './types.ts';

/**
 * Headers on every response, errors included: no caching anywhere (these bodies are secrets) and
 * the trace id that also appears in the error body and the log. A route that answers something
 * public (the JWKS) says so in its reply's own Cache-Control; an error never keeps one.
 */
export function standardHeaders(): MiddlewareObj<ApiEvent, ApiResult, Error, VaultContext> {
  const addHeaders = (request: StackRequest): void => {
    if (!request.response) return;
    const publicReply = request.error == null && request.response.headers?.['Cache-Control'] !== undefined;
    request.response.headers = {
      ...request.response.headers,
      ...(!publicReply && { 'Cache-Control': 'no-store', Pragma: 'no-cache' }),
      'X-Request-Id': traceIdOf(request),
    };
  };
  return { after: addHeaders, onError: addHeaders };
}

/**
 * Helmet-style headers, trimmed for a JSON API: nothing here may be framed, sniffed or embedded.
 * The values @middy/http-security-headers computed for this configuration, written out: the
 * middleware was 6 KB of every function's bundle to set twelve constant headers.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Origin-Agent-Cluster': '?1',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=15552000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-DNS-Prefetch-Control': 'off',
  'X-Download-Options': 'noopen',
  'X-Frame-Options': 'DENY',
  'X-Permitted-Cross-Domain-Policies': 'none',
};

export function securityHeaders(): MiddlewareObj<ApiEvent, ApiResult, Error, VaultContext> {
  const addSecurityHeaders = (request: StackRequest): void => {
    // As middy's normalizeHttpResponse: an answer without a status is a 500, never a bare 200.
    const response = (request.response ?? {}) as Partial<ApiResult>;
    response.statusCode ??= 500;
    response.headers = { ...response.headers, ...SECURITY_HEADERS };
    // Nothing says what runs behind the API.
    delete response.headers.Server;
    delete response.headers['X-Powered-By'];
    request.response = response as ApiResult;
  };
  return {
    after: addSecurityHeaders,
    onError: (request) => {
      if (request.response !== undefined) addSecurityHeaders(request);
    },
  };
}
