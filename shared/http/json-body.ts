import type { MiddlewareObj } from '@middy/core';
import { parseExactJson } from './exact-json.ts';
import { MalformedBodyError, PayloadTooLargeError, UnsupportedMediaTypeError } from './http-errors.ts';
import type { ApiEvent, ApiResult, StackRequest, VaultContext } from './types.ts';

export { parseExactJson };

/** Far above the largest valid body (64 KiB of data plus roles), far below API Gateway's 10 MB. */
export const MAX_BODY_BYTES = 256 * 1024;

/** `application/json` and `application/<anything>+json`, parameters allowed (as middy's parser). */
const JSON_MEDIA_TYPE = /^application\/([a-z0-9.+-]+\+)?json(;|$)/i;
// Fatal: bytes that are not UTF-8 are refused, never replaced with U+FFFD (a stored value must
// come back as it was sent).
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A header in any case: a type spelled `CONTENT-TYPE` must not pass for an absent one. */
function headerValue(headers: ApiEvent['headers'] | undefined, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

/** The body as text: base64 (API Gateway's binary media types) is decoded as strict UTF-8. */
function bodyText(body: string, isBase64Encoded: boolean): string {
  if (!isBase64Encoded) return body;
  try {
    return UTF8.decode(Buffer.from(body, 'base64'));
  } catch (error) {
    throw new MalformedBodyError('Request body is not valid UTF-8', error);
  }
}

/**
 * A JSON body behind a size limit, parsed so that what is stored is exactly what was sent (or the
 * request is refused with a 400 naming the property). An absent body is left undefined: the
 * schema decides whether the operation needs one.
 */
export function jsonBody(): MiddlewareObj<ApiEvent, ApiResult, Error, VaultContext> {
  // Checked at cold start: without source text numbers could not be compared with what was sent.
  if (JSON.parse('1', (_key, _value, context?: { source?: string }) => context?.source) !== '1')
    throw new Error('JSON.parse source text access is required (Node 24)');
  const jsonBodyBefore = async (request: StackRequest): Promise<void> => {
    const { body, isBase64Encoded, headers } = request.event;
    if (body === null || body === undefined || body === '') {
      (request.event as { body: unknown }).body = undefined;
      return;
    }
    const size = isBase64Encoded ? Math.floor((body.length * 3) / 4) : Buffer.byteLength(body);
    if (size > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
    // No Content-Type at all is read as JSON: the PrivX Go SDK before v1.32 sends none. A type
    // that is given must be JSON, so a form or text body is never taken for one.
    const contentType = headerValue(headers, 'content-type')?.trim();
    if (contentType && !JSON_MEDIA_TYPE.test(contentType)) throw new UnsupportedMediaTypeError();
    (request.event as { body: unknown }).body = parseExactJson(bodyText(body, isBase64Encoded ?? false));
  };
  return { before: jsonBodyBefore };
}
