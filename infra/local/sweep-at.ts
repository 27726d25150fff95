/**
 * The schedule's clock, moved on request: `POST /__local/sweep {"at": "<RFC 3339 time>"}` runs the
 * sweeper's due work once on a clock that starts at `at` and answers what it did. A test sees a
 * schedule fall due without waiting for the minute (rotation schedules are at least 4 hours
 * apart). Only that one run reads the moved clock: the periodic sweeper and every API handler
 * keep the wall clock, so other tests sharing the vault see no time jump. Local only: nothing in
 * the cloud serves this route.
 */
import { InvalidRequestError } from '../../shared/domain/errors.ts';
import type { DueWorkReport } from '../../shared/domain/run-due-work.ts';
import type { ApiResult } from '../../shared/http/types.ts';
import { GATEWAY_HEADERS, gatewayError } from './gateway-errors.ts';

/** A day either way covers any test; further is a mistake, not a schedule. */
const MAX_SHIFT_MS = 86_400_000;

export async function sweepAt(at: Date): Promise<DueWorkReport> {
  // Loaded on first use: the handlers' configuration is in the environment by then.
  const [{ runDueWork }, { rotationDeps }] = await Promise.all([
    import('../../shared/domain/run-due-work.ts'),
    import('../../shared/rotation/deps.ts'),
  ]);
  const shift = at.getTime() - Date.now();
  return runDueWork({ ...rotationDeps(), clock: { now: () => new Date(Date.now() + shift) } });
}

function parseAt(body: Buffer): Date {
  let at: unknown;
  try {
    at = (JSON.parse(body.toString('utf8')) as { at?: unknown } | null)?.at;
  } catch {
    at = undefined;
  }
  const time = typeof at === 'string' ? Date.parse(at) : Number.NaN;
  if (!Number.isFinite(time) || Math.abs(time - Date.now()) > MAX_SHIFT_MS)
    throw new InvalidRequestError(
      'VALUE_INCORRECT_FORMAT',
      'at must be an RFC 3339 time within a day of now',
      {
        property: 'at',
      },
    );
  return new Date(time);
}

/** The control route: 200 with the due-work report, or a shaped 400. */
export async function sweepRequest(body: Buffer, traceId: string): Promise<ApiResult> {
  let at: Date;
  try {
    at = parseAt(body);
  } catch (error) {
    return gatewayError(error as InvalidRequestError, traceId);
  }
  return {
    statusCode: 200,
    headers: { ...GATEWAY_HEADERS, 'X-Request-Id': traceId },
    body: JSON.stringify(await sweepAt(at)),
  };
}
