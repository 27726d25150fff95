/** Failures that exist only at the HTTP edge: they extend VaultError so the shaper treats them alike. */
import { PermissionDeniedError, VaultError } from '../domain/errors.ts';

/** RFC 6750 error codes for `WWW-Authenticate`. */
export type BearerError = 'invalid_request' | 'invalid_token';

export class UnauthenticatedError extends VaultError {
  readonly bearerError: BearerError | undefined;
  constructor(message: string, bearerError?: BearerError, cause?: unknown) {
    super('UNAUTHENTICATED', message, { cause });
    this.bearerError = bearerError;
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
