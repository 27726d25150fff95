import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { VaultError } from '../domain/errors.ts';

/**
 * Structured JSON logs keyed by trace id. Never log events, bodies, headers or tokens: for a
 * secrets service those carry plaintext secrets and credentials. Errors go through
 * `describeError`, never as they are.
 */
export const logger = new Logger({ serviceName: 'vault' });

/**
 * A handler whose every log line carries its invocation's Lambda request id (`function_request_id`),
 * for the functions outside the HTTP stack (which does the same in its first middleware).
 */
export function withRequestId<Event, Result>(
  handler: (event: Event, context?: Context) => Promise<Result>,
): (event: Event, context?: Context) => Promise<Result> {
  return (event, context) => {
    // Local runs and tools call handlers without a Lambda context.
    if (context) logger.addContext(context);
    return handler(event, context);
  };
}

/** How an error appears in a log line: no stack, no properties beyond these. */
export interface ErrorDescription {
  name: string;
  message?: string;
  code?: string;
  cause?: ErrorDescription;
}

const MAX_CAUSE_DEPTH = 4;
/** A class name: anything else in `name` is as untrusted as a message. */
const NAME = /^[A-Za-z_$][\w$.:-]{0,63}$/;
/** libuv/Node system error codes (ECONNREFUSED, ETIMEDOUT, ENOTFOUND…). */
const SYSTEM_CODE = /^E[A-Z0-9_]{2,31}$/;

/** AWS SDK v3 service errors carry `$metadata` (request id, HTTP status); their messages are AWS's. */
const isAwsServiceError = (error: Error): boolean =>
  typeof (error as { $metadata?: unknown }).$metadata === 'object';

const systemCodeOf = (error: Error): string | undefined => {
  const { code, syscall } = error as { code?: unknown; syscall?: unknown };
  return typeof code === 'string' && SYSTEM_CODE.test(code) && typeof syscall === 'string' ? code : undefined;
};

/**
 * An error for the log. Messages of other errors (a rotator's, a library's, a thrown string) may
 * quote the data they were handling, secret values included; so a message is kept only where we
 * know who wrote it: the vault's own errors, AWS service errors and Node system errors. Every
 * other error is logged by its class name only. Causes follow the same rule, each on its own.
 */
export function describeError(error: unknown, depth = 0): ErrorDescription {
  if (!(error instanceof Error)) return { name: error === null ? 'null' : `thrown ${typeof error}` };
  const name = typeof error.name === 'string' && NAME.test(error.name) ? error.name : 'Error';
  const code = systemCodeOf(error);
  const ours = error instanceof VaultError || isAwsServiceError(error) || code !== undefined;
  return {
    name,
    ...(ours && { message: error.message }),
    ...(code !== undefined && { code }),
    ...(error.cause !== undefined &&
      depth < MAX_CAUSE_DEPTH && { cause: describeError(error.cause, depth + 1) }),
  };
}
