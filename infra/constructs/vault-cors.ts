/**
 * Cross-origin access for browser clients: which origins may call the API, which request headers
 * they may send and which response headers they may read. Both API types use these lists.
 */
import { Duration } from 'aws-cdk-lib';

/** What a vault request may carry (shared/schemas.ts and shared/http read these). */
export const CORS_ALLOW_HEADERS = [
  'Authorization',
  'Content-Type',
  'Accept',
  'If-Match',
  'If-None-Match',
  'Idempotency-Key',
  'Vault-Version',
];

/** What a browser client may read of a response beyond the CORS-safelisted headers. */
export const CORS_EXPOSE_HEADERS = [
  'ETag',
  'Location',
  'X-Request-Id',
  'Retry-After',
  'WWW-Authenticate',
  'Allow',
  'Vault-Version',
  'Deprecation',
  'Sunset',
];

/** How long a browser may reuse a preflight answer. */
export const CORS_MAX_AGE = Duration.hours(1);

/** `https://app.example.com` (scheme, host, optional port, nothing else) or `*`. */
export function checkCorsOrigins(origins: readonly string[]): void {
  for (const origin of origins) {
    if (origin === '*') continue;
    if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(origin))
      throw new Error(
        `corsOrigins: "${origin}" is not an origin (scheme://host[:port], no path, no trailing slash) or *`,
      );
  }
  if (origins.includes('*') && origins.length > 1)
    throw new Error('corsOrigins: "*" allows every origin; list it alone');
}

/**
 * A VTL fragment (REST mock integrations) that answers with the request's Origin when it is one of
 * `origins`, and with no Access-Control-Allow-Origin at all otherwise (the browser then refuses).
 */
export function allowOriginTemplate(origins: readonly string[]): string {
  if (origins.includes('*'))
    return '#set($context.responseOverride.header.Access-Control-Allow-Origin = "*")';
  const condition = origins.map((origin) => `$origin == "${origin}"`).join(' || ');
  return [
    '#set($origin = $input.params().header.get("Origin"))',
    '#if("$!origin" == "")#set($origin = $input.params().header.get("origin"))#end',
    `#if(${condition})#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)#end`,
  ].join('');
}
