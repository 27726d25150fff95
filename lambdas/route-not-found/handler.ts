/**
 * The HTTP API's `$default` route: every request no operation's route matched. Answers as the REST
 * API's gateway responses and mock routes (and the local server) do: 405 with `Allow` on a known
 * path, 404 UNSUPPORTED_VERSION under another path version, 404 ROUTE_NOT_FOUND otherwise.
 */
import middy from '@middy/core';
import { errorShaper } from '../../shared/http/error-shaper.ts';
import {
  MethodNotAllowedError,
  PathVersionNotServedError,
  RouteNotFoundError,
} from '../../shared/http/http-errors.ts';
import { matchRoute } from '../../shared/http/router.ts';
import { securityHeaders, standardHeaders } from '../../shared/http/standard-headers.ts';
import type { ApiEvent, ApiResult, VaultContext } from '../../shared/http/types.ts';
import { API_BASE } from '../../shared/operations.ts';

const API_ROOT = API_BASE.slice(0, API_BASE.lastIndexOf('/') + 1);

/** The error for a request the gateway routed nowhere; a path behind a custom domain's base path is matched from the API root on. */
export function unmatched(method: string, path: string): Error {
  const at = path.indexOf(API_ROOT);
  const route = matchRoute(method, at > 0 ? path.slice(at) : path);
  switch (route.kind) {
    case 'method-not-allowed':
      return new MethodNotAllowedError(method, route.allowed);
    case 'version-not-served':
      return new PathVersionNotServedError(API_BASE);
    default:
      // `found` too: the gateway did not route it, so the path only looks like a route (a prefix before the API root).
      return new RouteNotFoundError(method, path.length > 200 ? `${path.slice(0, 200)}…` : path);
  }
}

// The order of shared/http/stack.ts: the shaper sees the error first, then the headers wrap it.
export const handler = middy<ApiEvent, ApiResult, Error, VaultContext>()
  .use([securityHeaders(), standardHeaders(), errorShaper()])
  .handler((event): ApiResult => {
    throw unmatched(event.httpMethod, event.path);
  });
