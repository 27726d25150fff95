import type { MiddlewareObj } from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { MalformedBodyError, PayloadTooLargeError, UnsupportedMediaTypeError } from './http-errors.ts';
import type { ApiEvent, ApiResult, StackRequest, VaultContext } from './types.ts';

/** Far above the largest valid body (64 KiB of data plus roles), far below API Gateway's 10 MB. */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * Middy's JSON parser behind a size limit, with its errors translated into ours. An absent body is
 * left undefined: the schema decides whether the operation needs one.
 */
export function jsonBody(): MiddlewareObj<ApiEvent, ApiResult, Error, VaultContext> {
  const parser = httpJsonBodyParser();
  const jsonBodyBefore = async (request: StackRequest): Promise<void> => {
    const { body, isBase64Encoded } = request.event;
    if (body === null || body === undefined || body === '') {
      (request.event as { body: unknown }).body = undefined;
      return;
    }
    const size = isBase64Encoded ? Math.floor((body.length * 3) / 4) : Buffer.byteLength(body);
    if (size > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
    try {
      await parser.before?.(request as never);
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 415) throw new UnsupportedMediaTypeError();
      const forbidden = (error as Error).message === 'Forbidden key in JSON body';
      throw new MalformedBodyError(
        forbidden
          ? 'Request body uses a forbidden key (__proto__ or constructor)'
          : 'Request body is not valid JSON',
        error,
      );
    }
  };
  return { before: jsonBodyBefore };
}
