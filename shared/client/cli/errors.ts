/**
 * What the CLI says when a command does not succeed: always one line on stderr (JSON with
 * `--output json`), never a stack trace, and an exit code from exit-codes.ts.
 */
import { VaultApiError } from '../vault-client.ts';
import { EXIT, exitCodeOf } from './exit-codes.ts';

/** A wrong command, option or value: exit 2, and the message says what would be right. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type RefusalBody = { error_code: string; error_message: string } & Record<string, unknown>;

/** The CLI declines on the caller's behalf: `body` is what `--output json` prints to stderr. */
export class Refusal extends Error {
  override name = 'Refusal';
  readonly exit: number;
  readonly body: RefusalBody;
  constructor(exit: number, body: RefusalBody, options: { cause?: unknown } = {}) {
    super(body.error_message, options);
    this.exit = exit;
    this.body = body;
  }
}

/** The vault's answer, with what the CLI knows that the vault could not say (a hint, the URL). */
export class ExplainedError extends Error {
  override name = 'ExplainedError';
  readonly error: VaultApiError;
  readonly hint: string;
  constructor(error: VaultApiError, hint: string) {
    super(`${error.message}${hint}`, { cause: error });
    this.error = error;
    this.hint = hint;
  }
}

/** Node's network failures by code, in words. */
const NETWORK_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** The innermost reason a request never got an answer: fetch wraps it in `TypeError('fetch failed')`. */
export function networkCause(error: unknown): string | undefined {
  let innermost: string | undefined;
  for (let cause = error, depth = 0; cause instanceof Error && depth < 6; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && code in NETWORK_CAUSES) return NETWORK_CAUSES[code];
    if (typeof code === 'string' && /^E[A-Z]+$|CERT|TLS/.test(code)) return code;
    if (depth > 0 && cause.message && cause.message !== 'fetch failed') innermost = cause.message;
    cause = cause.cause;
  }
  return innermost;
}

const oneLine = (text: string) => text.replaceAll(/\s*\n\s*/g, ' ').trim();

/** The exit code and the one line for any error a command threw. */
export function describeError(error: unknown, json: boolean): { exit: number; line: string } {
  if (error instanceof UsageError)
    return {
      exit: EXIT.usage,
      line: json
        ? JSON.stringify({ error_code: 'USAGE', error_message: oneLine(error.message) })
        : oneLine(error.message),
    };
  if (error instanceof Refusal)
    return { exit: error.exit, line: json ? JSON.stringify(error.body) : oneLine(error.message) };
  const api = error instanceof ExplainedError ? error.error : error;
  const hint = error instanceof ExplainedError ? error.hint : '';
  if (api instanceof VaultApiError) {
    const message = `${api.message}${hint}`;
    return {
      exit: exitCodeOf(api),
      line: json
        ? JSON.stringify({
            status: api.status,
            error_code: api.code,
            error_message: message,
            ...(api.property !== undefined && { property: api.property }),
            ...(api.details.length > 0 && { details: api.details }),
            ...(api.traceId !== undefined && { trace_id: api.traceId }),
          })
        : oneLine(`${api.code}: ${message}${api.traceId ? ` (trace ${api.traceId})` : ''}`),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { exit: EXIT.other, line: oneLine(`error: ${message}`) };
}
