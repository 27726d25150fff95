import type { MiddlewareObj } from '@middy/core';
import type { ApiEvent, ApiResult, StackRequest, VaultContext } from './types.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Existence does not leak by time. A hidden secret and a missing name already cost the same work
 * (both are recorded as the same denial), but reading the hidden secret's item still takes a
 * little longer the larger it is, which enough samples detect. So every OBJECT_NOT_FOUND is
 * answered no sooner than `floorMs` after the request began: above the natural time of either
 * path, both answer at the floor. Only 404s wait; a legitimate client rarely meets one.
 */
export function notFoundFloor(floorMs: number): MiddlewareObj<ApiEvent, ApiResult, Error, VaultContext> {
  const notFoundFloorOnError = async (request: StackRequest): Promise<void> => {
    const code = (request.error as { code?: unknown } | null)?.code;
    if (floorMs <= 0 || request.response?.statusCode !== 404 || code !== 'OBJECT_NOT_FOUND') return;
    const startedAt = (request.internal as { startedAt?: number }).startedAt ?? performance.now();
    const left = startedAt + floorMs - performance.now();
    if (left > 0) await sleep(left);
  };
  return { onError: notFoundFloorOnError };
}
