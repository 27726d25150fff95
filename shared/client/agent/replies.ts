/**
 * The agent's failures, in the vault's one error shape (ERRORS.md): its own refusals, and the
 * vault's answers passed on as they came, except where passing them on would mislead the app.
 */
import { networkCause } from '../cli/errors.ts';
import { VaultApiError } from '../vault-client.ts';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Why it failed, for the log only (never in the body). */
  cause?: string;
}

interface Problem {
  error_code: string;
  error_message: string;
  property?: string;
}

export class AgentError extends Error {
  override name = 'AgentError';
  readonly status: number;
  readonly code: string;
  readonly property: string | undefined;
  readonly details: Problem[];
  readonly headers: Record<string, string>;
  readonly traceId: string | undefined;
  readonly why: string | undefined;
  constructor(
    status: number,
    code: string,
    message: string,
    more: {
      property?: string;
      details?: Problem[];
      headers?: Record<string, string>;
      traceId?: string;
      why?: string;
    } = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.property = more.property;
    this.details = more.details ?? [];
    this.headers = more.headers ?? {};
    this.traceId = more.traceId;
    this.why = more.why;
  }
}

export const refusal = (
  status: number,
  code: string,
  message: string,
  property?: string,
  details: Problem[] = [],
  headers: Record<string, string> = {},
) => new AgentError(status, code, message, { ...(property !== undefined && { property }), details, headers });

/**
 * The vault's answer as the app should see it. No answer is a gateway failure (502, or 504 for a
 * timeout); a 401 is about the agent's own login, not the app's agent token, so it is a 502 too,
 * saying so; everything else (404, 403, 410 expired, 429 with its Retry-After) passes through.
 */
export function fromVault(error: unknown): unknown {
  if (!(error instanceof VaultApiError)) return error;
  if (error.status === 0) {
    const cause = networkCause(error);
    const timeout = error.code === 'TIMEOUT';
    return new AgentError(
      timeout ? 504 : 502,
      'INTRA_SERVICE_COMMUNICATION_ERROR',
      `${timeout ? 'The vault did not answer in time' : 'The vault could not be reached'}${cause ? ` (${cause})` : ''}`,
      { why: `${error.code}${cause ? `: ${cause}` : ''}` },
    );
  }
  if (error.status === 401)
    return new AgentError(
      502,
      'INTRA_SERVICE_COMMUNICATION_ERROR',
      `The vault refused the agent's own login (${error.details[0]?.error_code ?? error.code}): restart the agent with a current token, or run it with --iam`,
      { why: error.code, ...(error.traceId !== undefined && { traceId: error.traceId }) },
    );
  return new AgentError(error.status, error.code, error.message, {
    ...(error.property !== undefined && { property: error.property }),
    details: error.details,
    ...(error.traceId !== undefined && { traceId: error.traceId }),
    ...(error.retryAfterMs !== undefined && {
      headers: { 'Retry-After': String(Math.ceil(error.retryAfterMs / 1000)) },
    }),
  });
}

/** The error body; anything that is not an AgentError is a fixed 500 whose cause goes to the log. */
export function agentError(error: unknown, traceId: string): Reply {
  if (!(error instanceof AgentError))
    return {
      status: 500,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        error_code: 'GENERAL_ERROR',
        error_message: `Internal error; quote trace id ${traceId} when reporting it`,
        trace_id: traceId,
      }),
      cause: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  return {
    status: error.status,
    headers: { 'Content-Type': 'application/json', ...error.headers },
    body: JSON.stringify({
      error_code: error.code,
      error_message: error.message,
      ...(error.property !== undefined && { property: error.property }),
      ...(error.details.length > 0 && { details: error.details }),
      // The vault's trace id when the vault answered: it names the vault's log line.
      trace_id: error.traceId ?? traceId,
    }),
    ...(error.why !== undefined && { cause: error.why }),
  };
}
