import type { Context } from 'aws-lambda';
import { VaultError } from '../domain/errors.ts';

const LEVELS = { DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 } as const;
export type LogLevel = keyof typeof LEVELS;

const levelOf = (value: string | undefined): LogLevel | undefined => {
  const upper = value?.trim().toUpperCase();
  return upper !== undefined && upper in LEVELS ? (upper as LogLevel) : undefined;
};

/**
 * One JSON line per record, in the shape Powertools' Logger writes (level, message, timestamp,
 * service, the invocation's cold_start, function_* and xray_trace_id, then the record's own keys),
 * so CloudWatch queries and metric filters read it alike. Written here in a few lines rather than
 * taken from Powertools: that package and its commons were 21 KB of every function's bundle for
 * what this does (test/bench/REPORT.md, section 3), and it has no switch that logs events.
 * One invocation at a time per environment, as Lambda runs these functions, so the context is
 * simply the last one added.
 */
export class JsonLogger {
  readonly #service: string;
  #level: LogLevel;
  #context: Context | undefined;
  #coldStart = true;
  #contextColdStart = true;

  constructor(options: { serviceName: string }) {
    this.#service = process.env.POWERTOOLS_SERVICE_NAME?.trim() || options.serviceName;
    // Lambda's own application log level wins: it drops anything below it anyway.
    this.#level =
      levelOf(process.env.AWS_LAMBDA_LOG_LEVEL) ??
      levelOf(process.env.POWERTOOLS_LOG_LEVEL) ??
      levelOf(process.env.LOG_LEVEL) ??
      'INFO';
  }

  setLogLevel(level: LogLevel | Lowercase<LogLevel>): void {
    this.#level = levelOf(level) ?? this.#level;
  }

  getLevelName(): LogLevel {
    return this.#level;
  }

  /** The invocation every following line belongs to; the first one of the process is the cold start. */
  addContext(context: Context): void {
    this.#context = context;
    this.#contextColdStart = this.#coldStart;
    this.#coldStart = false;
  }

  debug(message: string, ...extras: Array<Record<string, unknown>>): void {
    this.#write('DEBUG', message, extras);
  }

  info(message: string, ...extras: Array<Record<string, unknown>>): void {
    this.#write('INFO', message, extras);
  }

  warn(message: string, ...extras: Array<Record<string, unknown>>): void {
    this.#write('WARN', message, extras);
  }

  error(message: string, ...extras: Array<Record<string, unknown>>): void {
    this.#write('ERROR', message, extras);
  }

  critical(message: string, ...extras: Array<Record<string, unknown>>): void {
    this.#write('CRITICAL', message, extras);
  }

  #write(level: LogLevel, message: string, extras: Array<Record<string, unknown>>): void {
    if (LEVELS[level] < LEVELS[this.#level]) return;
    const context = this.#context;
    const trace = process.env._X_AMZN_TRACE_ID;
    const record: Record<string, unknown> = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service: this.#service,
      ...(context && {
        cold_start: this.#contextColdStart,
        function_arn: context.invokedFunctionArn,
        function_memory_size: context.memoryLimitInMB,
        function_name: context.functionName,
        function_request_id: context.awsRequestId,
      }),
      ...(trace && { xray_trace_id: /(?:^|;)Root=([^;]+)/.exec(trace)?.[1] ?? trace }),
    };
    // An Error among the keys is logged as describeError tells it (never its stack or message
    // unless ours): a library error's message may quote the data it was handling.
    for (const extra of extras)
      for (const [key, value] of Object.entries(extra))
        record[key] = value instanceof Error ? describeError(value) : value;
    const stream = LEVELS[level] >= LEVELS.WARN ? process.stderr : process.stdout;
    stream.write(`${JSON.stringify(record)}\n`);
  }
}

/**
 * Structured JSON logs keyed by trace id. Never log events, bodies, headers or tokens: for a
 * secrets service those carry plaintext secrets and credentials. Errors go through
 * `describeError`, never as they are.
 */
export const logger = new JsonLogger({ serviceName: 'vault' });

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
