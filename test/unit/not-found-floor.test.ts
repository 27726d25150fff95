import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PermissionDeniedError, SecretNotFoundError } from '../../shared/domain/errors.ts';
import { notFoundFloor } from '../../shared/http/not-found-floor.ts';
import { httpStack } from '../../shared/http/stack.ts';
import type { StackRequest } from '../../shared/http/types.ts';
import * as operations from '../../shared/operations.ts';

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

it("every operation's stack holds its 404s, after the error shaper has answered", () => {
  const stack = httpStack(operations.status);
  const at = (name: string) => stack.findIndex((middleware) => middleware.onError?.name === name);
  // Middy runs onError in reverse order: the floor must stand before the shaper to run after it.
  expect(at('notFoundFloorOnError')).toBeGreaterThanOrEqual(0);
  expect(at('notFoundFloorOnError')).toBeLessThan(at('errorShaperOnError'));
});
