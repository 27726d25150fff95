import type { MiddlewareObj } from '@middy/core';
import httpSecurityHeaders from '@middy/http-security-headers';
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

/** Helmet-style headers, trimmed for a JSON API: nothing here may be framed, sniffed or embedded. */
export const securityHeaders = () =>
  httpSecurityHeaders({
    contentSecurityPolicy: {
      'default-src': "'none'",
      'frame-ancestors': "'none'",
      'base-uri': false,
      sandbox: false,
      'form-action': false,
      'report-to': false,
      'require-trusted-types-for': false,
      'upgrade-insecure-requests': false,
    } as unknown as Record<string, string>,
    permissionsPolicy: false,
    reportTo: false,
    reportingEndpoints: false,
    crossOriginEmbedderPolicy: false,
  }) as MiddlewareObj<ApiEvent, ApiResult, Error, VaultContext>;
