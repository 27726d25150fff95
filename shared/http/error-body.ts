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

/** RFC 9457 problem details, carrying the same code, property and nested errors. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  error_code: ErrorBody['error_code'];
  property?: string;
  details?: ErrorBody[];
  trace_id?: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/**
 * Whether the Accept header prefers problem details (RFC 9457) to plain JSON: named with a
 * quality above 0 and at least that of application/json. `q=0` means "not this" (RFC 9110).
 */
export function wantsProblem(accept: string | undefined): boolean {
  const quality = (type: string) => {
    let best = -1;
    for (const range of (accept ?? '').toLowerCase().split(',')) {
      const [media, ...params] = range.split(';').map((part) => part.trim());
      if (media !== type) continue;
      const q = params.find((param) => param.startsWith('q='));
      best = Math.max(best, q === undefined ? 1 : Number(q.slice(2)) || 0);
    }
    return best;
  };
  const problem = quality('application/problem+json');
  return problem > 0 && problem >= quality('application/json');
}

export function asProblem(body: ErrorBody, status: number): ProblemBody {
  const { error_code, error_message, property, details, trace_id } = body;
  return {
    type: `urn:vault:error:${error_code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail: error_message,
    instance: `urn:vault:trace:${trace_id ?? 'unknown'}`,
    error_code,
    ...(property !== undefined && { property }),
    ...(details !== undefined && { details }),
    ...(trace_id !== undefined && { trace_id }),
  };
}
