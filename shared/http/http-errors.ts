/** Failures that exist only at the HTTP edge: they extend VaultError so the shaper treats them alike. */
import { PermissionDeniedError, VaultError } from '../domain/errors.ts';

/** RFC 6750 error codes for `WWW-Authenticate`. */
export type BearerError = 'invalid_request' | 'invalid_token';

/** Why a request is unauthenticated: the `details` code of its 401 (the top-level code stays one). */
export type UnauthenticatedReason =
  | 'TOKEN_MISSING'
  | 'AUTHORIZATION_MALFORMED'
  | 'TOKEN_INVALID'
  | 'TOKEN_EXPIRED';

/** RFC 6750 §3.1: no error attribute when no credentials were sent; the header's syntax, or the token. */
const BEARER_ERRORS: Record<UnauthenticatedReason, BearerError | undefined> = {
  TOKEN_MISSING: undefined,
  AUTHORIZATION_MALFORMED: 'invalid_request',
  TOKEN_INVALID: 'invalid_token',
  TOKEN_EXPIRED: 'invalid_token',
};

export class UnauthenticatedError extends VaultError {
  readonly reason: UnauthenticatedReason;
  readonly bearerError: BearerError | undefined;
  constructor(reason: UnauthenticatedReason, message: string, cause?: unknown) {
    // The reason rides in `details`, as WWW-Authenticate carries it: one code for clients that
    // only branch on UNAUTHENTICATED, the reason for those that want to say "log in again".
    super('UNAUTHENTICATED', message, { cause, details: [{ code: reason, message }] });
    this.reason = reason;
    this.bearerError = BEARER_ERRORS[reason];
  }
}

export class MissingScopeError extends PermissionDeniedError {
  readonly requiredScopes: readonly string[];
  constructor(requiredScopes: readonly string[]) {
    super(`This operation requires one of the scopes: ${requiredScopes.join(', ')}`);
    this.requiredScopes = requiredScopes;
  }
}

export class RouteNotFoundError extends VaultError {
  constructor(method: string, path: string) {
    super('ROUTE_NOT_FOUND', `No route for ${method} ${path}`);
  }
}

export class MethodNotAllowedError extends VaultError {
  readonly allowed: readonly string[];
  constructor(method: string, allowed: readonly string[]) {
    super('METHOD_NOT_ALLOWED', `Method ${method} is not allowed here; allowed: ${allowed.join(', ')}`);
    this.allowed = allowed;
  }
}

export class PayloadTooLargeError extends VaultError {
  constructor(limitBytes: number) {
    super('PAYLOAD_TOO_LARGE', `Request body is larger than ${limitBytes} bytes`);
  }
}

export class UnsupportedMediaTypeError extends VaultError {
  constructor() {
    super('UNSUPPORTED_MEDIA_TYPE', 'Request body must be JSON (Content-Type: application/json)');
  }
}

export class MalformedBodyError extends VaultError {
  constructor(message: string, cause?: unknown) {
    super('BAD_REQUEST', message, { cause });
  }
}

/** `Vault-Version` names no version the vault knows (or names several). */
export class InvalidVersionError extends VaultError {
  constructor(known: readonly string[]) {
    super(
      'INVALID_VERSION',
      `Vault-Version names no version this API knows; known versions: ${known.join(', ')}`,
      {
        property: 'Vault-Version',
      },
    );
  }
}

/** A version the vault knows, which this operation is not served in. */
export class UnsupportedVersionError extends VaultError {
  constructor(version: string, served: readonly string[]) {
    super(
      'UNSUPPORTED_VERSION',
      `This operation is not served in version ${version}; it is served in: ${served.join(', ') || 'none'}`,
      { property: 'Vault-Version' },
    );
  }
}

/** A deprecated version past its sunset: refused, naming when it ended (RFC 8594). */
export class DeprecatedVersionError extends VaultError {
  readonly deprecated: Date;
  readonly sunset: Date;
  constructor(version: string, deprecated: Date, sunset: Date, current: string) {
    super(
      'DEPRECATED_VERSION',
      `Version ${version} was retired at ${sunset.toISOString()}; use version ${current}`,
      { property: 'Vault-Version' },
    );
    this.deprecated = deprecated;
    this.sunset = sunset;
  }
}

/** A path version (`/vault/api/v2/...`) the vault does not serve: not a mere unknown route. */
export class PathVersionNotServedError extends VaultError {
  constructor(served: string) {
    super('UNSUPPORTED_VERSION', `This API version is not served; the API is served under ${served}`);
  }
}
