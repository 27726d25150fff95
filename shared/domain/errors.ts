/**
 * Every error a client may see. The domain knows PrivX error codes, never HTTP statuses:
 * `shared/http/status.ts` maps each class to its status with `instanceof`.
 */

/** The PrivX error enum, plus the few codes it lacks (each documented in the README). */
export const ERROR_CODES = [
  'GENERAL_ERROR',
  'BAD_REQUEST',
  'PERMISSION_DENIED',
  'INVALID_REQUEST_DATA',
  'REQUIRED_VALUE_MISSING',
  'VALUE_OUT_OF_BOUNDS',
  'VALUE_INCORRECT_TYPE',
  'VALUE_INCORRECT_FORMAT',
  'VALUE_DUPLICATE',
  'CONFIGURATION_ERROR',
  'OUT_OF_RESOURCES',
  'MAX_LOAD',
  'TOO_MANY_CONNECTIONS',
  'DATABASE_ERROR',
  'CACHE_ERROR',
  'INTRA_SERVICE_COMMUNICATION_ERROR',
  // Not in the PrivX enum: nothing there fits these failures.
  'OBJECT_NOT_FOUND',
  'ROUTE_NOT_FOUND',
  'UNAUTHENTICATED',
  'METHOD_NOT_ALLOWED',
  'VERSION_CONFLICT',
  'PRECONDITION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RULE_VIOLATION',
  'DATA_INTEGRITY_ERROR',
  'OBJECT_EXPIRED',
  // Only in a 401's `details`: which reason applies, beside the one UNAUTHENTICATED code.
  'TOKEN_MISSING',
  'AUTHORIZATION_MALFORMED',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  // API versions (seed 004): the Vault-Version header or the path names one the vault does not serve.
  'INVALID_VERSION',
  'UNSUPPORTED_VERSION',
  'DEPRECATED_VERSION',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One problem with a request, as reported in `details`. */
export interface Problem {
  code: ErrorCode;
  message: string;
  property?: string;
}

export interface VaultErrorOptions {
  property?: string;
  details?: readonly Problem[];
  cause?: unknown;
}

/** Base class: its message, code, property and details are safe to show to the caller. */
export class VaultError extends Error {
  readonly code: ErrorCode;
  readonly property: string | undefined;
  readonly details: readonly Problem[] | undefined;

  constructor(code: ErrorCode, message: string, options: VaultErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.property = options.property;
    this.details = options.details;
  }
}

/** The request itself is malformed or fails validation; `details` lists every problem. */
export class InvalidRequestError extends VaultError {
  static fromProblems(problems: readonly Problem[], what = 'Request'): InvalidRequestError {
    const [only] = problems;
    if (problems.length === 1 && only) {
      return new InvalidRequestError(only.code, only.message, { property: only.property, details: problems });
    }
    return new InvalidRequestError(
      'INVALID_REQUEST_DATA',
      `${what} has ${problems.length} invalid properties`,
      {
        details: problems,
      },
    );
  }
}

/** Well-formed input that breaks a rule of the vault (e.g. a PUT whose body names another secret). */
export class RuleViolationError extends VaultError {
  constructor(message: string, options: VaultErrorOptions = {}) {
    super('RULE_VIOLATION', message, options);
  }
}

/** No such secret, or one the caller may not see: the same answer, so existence does not leak. */
export class SecretNotFoundError extends VaultError {
  constructor() {
    super('OBJECT_NOT_FOUND', 'Secret not found');
  }
}

export class DuplicateSecretError extends VaultError {
  constructor(name: string) {
    super('VALUE_DUPLICATE', `A secret named "${name}" already exists`, { property: 'name' });
  }
}

/** `If-Match` / `If-None-Match` did not hold: the caller's view is stale (or the name is taken). */
export class PreconditionFailedError extends VaultError {
  constructor(message: string) {
    super('PRECONDITION_FAILED', message);
  }
}

/** The secret's `expires` time has passed: its data is refused, its metadata stays readable. */
export class SecretExpiredError extends VaultError {
  constructor(expires: string) {
    super('OBJECT_EXPIRED', `The secret expired at ${expires}; its data is no longer served`);
  }
}

/** The caller is known but lacks the scope or role for this action on something it may see. */
export class PermissionDeniedError extends VaultError {
  constructor(message: string) {
    super('PERMISSION_DENIED', message);
  }
}

/** Concurrent writers kept winning the race; the caller may retry. */
export class VersionConflictError extends VaultError {
  constructor(message = 'The secret was changed concurrently; retry the request') {
    super('VERSION_CONFLICT', message);
  }
}

/** A dependency (database, key service) is throttled or briefly down: retrying helps. */
export class DependencyUnavailableError extends VaultError {
  readonly retryAfterSeconds: number;
  constructor(
    code: 'DATABASE_ERROR' | 'INTRA_SERVICE_COMMUNICATION_ERROR',
    options: VaultErrorOptions & { retryAfterSeconds?: number } = {},
  ) {
    super(code, 'A storage or key service is temporarily unavailable; retry later', options);
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
  }
}

/** Stored ciphertext does not belong to the record it sits in (tampered or copied): never retry. */
export class DataIntegrityError extends VaultError {
  constructor(options: VaultErrorOptions = {}) {
    super('DATA_INTEGRITY_ERROR', 'Stored secret data failed its integrity check', options);
  }
}

/** The service itself is set up wrongly (a disabled or missing key, say): an operator must act. */
export class ServiceConfigurationError extends VaultError {
  constructor(message: string, options: VaultErrorOptions = {}) {
    super('CONFIGURATION_ERROR', message, options);
  }
}

/** A rotation step failed after its retries: the current version is untouched. */
export class RotationFailedError extends VaultError {
  constructor(message: string, options: VaultErrorOptions = {}) {
    super('INTRA_SERVICE_COMMUNICATION_ERROR', message, options);
  }
}
