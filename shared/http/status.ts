import {
  DataIntegrityError,
  DependencyUnavailableError,
  DuplicateSecretError,
  InvalidRequestError,
  PermissionDeniedError,
  PreconditionFailedError,
  RotationFailedError,
  RuleViolationError,
  SecretExpiredError,
  SecretNotFoundError,
  ServiceConfigurationError,
  type VaultError,
  VersionConflictError,
} from '../domain/errors.ts';
import {
  DeprecatedVersionError,
  InvalidVersionError,
  MalformedBodyError,
  MethodNotAllowedError,
  MissingScopeError,
  PathVersionNotServedError,
  PayloadTooLargeError,
  RouteNotFoundError,
  UnauthenticatedError,
  UnsupportedMediaTypeError,
  UnsupportedVersionError,
} from './http-errors.ts';

/** The only place error classes meet HTTP statuses; first match wins, so subclasses come first. */
const STATUS: ReadonlyArray<[abstract new (...args: never[]) => VaultError, number]> = [
  [InvalidRequestError, 400],
  [MalformedBodyError, 400],
  [InvalidVersionError, 400],
  [UnsupportedVersionError, 400],
  [DeprecatedVersionError, 400],
  [UnauthenticatedError, 401],
  [PermissionDeniedError, 403],
  [SecretNotFoundError, 404],
  [RouteNotFoundError, 404],
  [PathVersionNotServedError, 404],
  [MethodNotAllowedError, 405],
  [DuplicateSecretError, 409],
  [SecretExpiredError, 410],
  [PreconditionFailedError, 412],
  [VersionConflictError, 409],
  [PayloadTooLargeError, 413],
  [UnsupportedMediaTypeError, 415],
  [RuleViolationError, 422],
  [DataIntegrityError, 500],
  [ServiceConfigurationError, 500],
  [RotationFailedError, 502],
  [DependencyUnavailableError, 503],
];

export function statusOf(error: VaultError): number {
  return STATUS.find(([type]) => error instanceof type)?.[1] ?? 500;
}

/** Headers that ride on an error: how to authenticate, what is allowed, when to retry. */
export function headersOf(error: VaultError): Record<string, string> {
  if (error instanceof UnauthenticatedError) {
    const reason = error.bearerError
      ? `, error="${error.bearerError}", error_description="${error.message}"`
      : '';
    return { 'WWW-Authenticate': `Bearer realm="vault"${reason}` };
  }
  if (error instanceof MissingScopeError) {
    return {
      'WWW-Authenticate': `Bearer realm="vault", error="insufficient_scope", scope="${error.requiredScopes.join(' ')}"`,
    };
  }
  if (error instanceof MethodNotAllowedError) return { Allow: error.allowed.join(', ') };
  if (error instanceof DeprecatedVersionError) return deprecationHeaders(error.deprecated, error.sunset);
  if (error instanceof DependencyUnavailableError) return { 'Retry-After': String(error.retryAfterSeconds) };
  return {};
}

/** RFC 9745 `Deprecation` (a structured-field date: `@` and Unix seconds) and RFC 8594 `Sunset` (an HTTP date). */
export function deprecationHeaders(deprecated: Date, sunset: Date | undefined): Record<string, string> {
  return {
    Deprecation: `@${Math.floor(deprecated.getTime() / 1000)}`,
    ...(sunset && { Sunset: sunset.toUTCString() }),
  };
}
