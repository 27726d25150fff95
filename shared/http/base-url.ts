import { API_BASE } from '../operations.ts';
import type { ApiEvent } from './types.ts';

/**
 * The API's base URL as the caller reached it. `requestContext.path` is the path the client sent,
 * `path` the route's: what precedes the route is the stage (`/v1` on execute-api) or a custom
 * domain's base path. API Gateway sets X-Forwarded-Proto (always https there).
 */
export function apiBaseUrl(event: ApiEvent): string {
  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const sent = event.requestContext?.path ?? event.path;
  const prefix = sent.endsWith(event.path) ? sent.slice(0, sent.length - event.path.length) : '';
  const scheme = headers['x-forwarded-proto'] === 'http' ? 'http' : 'https';
  const host = headers.host ?? event.requestContext?.domainName;
  return host ? `${scheme}://${host}${prefix}${API_BASE}` : `${prefix}${API_BASE}`;
}
