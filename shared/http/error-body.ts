import type { ErrorCode, Problem, VaultError } from '../domain/errors.ts';

/** The one error shape (ERRORS.md), for Lambda-made and gateway-made errors alike. */
export interface ErrorBody {
  error_code: ErrorCode;
  error_message: string;
  property?: string;
  details?: ErrorBody[];
  trace_id?: string;
}

const problemBody = (problem: Problem): ErrorBody => ({
  error_code: problem.code,
  error_message: problem.message,
  ...(problem.property !== undefined && { property: problem.property }),
});

export function errorBody(error: VaultError, traceId: string): ErrorBody {
  return {
    error_code: error.code,
    error_message: error.message,
    ...(error.property !== undefined && { property: error.property }),
    ...(error.details !== undefined && { details: error.details.map(problemBody) }),
    trace_id: traceId,
  };
}

/** Anything that is not a VaultError: a fixed message, the cause stays in the log under the trace id. */
export const internalErrorBody = (traceId: string): ErrorBody => ({
  error_code: 'GENERAL_ERROR',
  error_message: `Internal error; quote trace id ${traceId} when reporting it`,
  trace_id: traceId,
});
