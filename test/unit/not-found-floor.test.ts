import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PermissionDeniedError, SecretNotFoundError } from '../../shared/domain/errors.ts';
import { notFoundFloor } from '../../shared/http/not-found-floor.ts';
import type { StackRequest } from '../../shared/http/types.ts';

/** A request as the stack holds it after the error shaper answered. */
const shaped = (error: Error, statusCode: number) =>
  ({
    error,
    response: { statusCode },
    internal: { startedAt: performance.now() },
  }) as unknown as StackRequest;

/** Whether the floor's wait is still pending after `ms` of (fake) time. */
async function pendingAfter(request: StackRequest, ms: number): Promise<boolean> {
  let done = false;
  const waiting = notFoundFloor(50).onError!(request as never);
  void Promise.resolve(waiting).then(() => {
    done = true;
  });
  await vi.advanceTimersByTimeAsync(ms);
  return !done;
}

describe('not-found floor', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] }));
  afterEach(() => vi.useRealTimers());

  it('holds a secret 404 until the floor, whatever path made it, then lets it go', async () => {
    const request = shaped(new SecretNotFoundError(), 404);
    expect(await pendingAfter(request, 49)).toBe(true);
    const again = shaped(new SecretNotFoundError(), 404);
    expect(await pendingAfter(again, 51)).toBe(false);
  });

  it('does not hold other answers: a 403, or a 404 for a route', async () => {
    expect(await pendingAfter(shaped(new PermissionDeniedError('no'), 403), 0)).toBe(false);
    const route = Object.assign(new Error('route'), { code: 'ROUTE_NOT_FOUND' });
    expect(await pendingAfter(shaped(route, 404), 0)).toBe(false);
  });
});
