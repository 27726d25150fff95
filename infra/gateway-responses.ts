/**
 * API Gateway's own responses in the vault's error shape (ERRORS.md), with the request id as the
 * trace id, so a client never sees the gateway's `{"message": …}`.
 */
import { ResponseType } from 'aws-cdk-lib/aws-apigateway';
import type { ErrorCode } from '../shared/domain/errors.ts';

export interface GatewayErrorSpec {
  type: ResponseType;
  /** Absent: keep the status API Gateway chose (the default responses cover many). */
  status?: string;
  code: ErrorCode;
  message: string;
  headers?: Record<string, string>;
}

/** Header values are API Gateway mapping expressions: literals are single-quoted. */
export const GATEWAY_RESPONSE_HEADERS: Record<string, string> = {
  'Content-Type': "'application/json'",
  'Cache-Control': "'no-store'",
  'X-Content-Type-Options': "'nosniff'",
  'Strict-Transport-Security': "'max-age=15552000; includeSubDomains'",
  'X-Request-Id': 'context.requestId',
};

export const GATEWAY_ERRORS: readonly GatewayErrorSpec[] = [
  // API Gateway answers an unknown path (and an unknown method without an ANY route) this way.
  {
    type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
    status: '404',
    code: 'ROUTE_NOT_FOUND',
    message: 'No such route',
  },
  {
    type: ResponseType.THROTTLED,
    status: '429',
    code: 'MAX_LOAD',
    message: 'Too many requests; retry after the time in Retry-After',
    headers: { 'Retry-After': "'1'" },
  },
  {
    type: ResponseType.QUOTA_EXCEEDED,
    status: '429',
    code: 'MAX_LOAD',
    message: 'Request quota exceeded',
    headers: { 'Retry-After': "'60'" },
  },
  {
    type: ResponseType.REQUEST_TOO_LARGE,
    status: '413',
    code: 'PAYLOAD_TOO_LARGE',
    message: 'Request is too large',
  },
  {
    type: ResponseType.UNAUTHORIZED,
    status: '401',
    code: 'UNAUTHENTICATED',
    message: 'A valid bearer token is required',
    headers: { 'WWW-Authenticate': '\'Bearer realm="vault"\'' },
  },
  { type: ResponseType.ACCESS_DENIED, status: '403', code: 'PERMISSION_DENIED', message: 'Access denied' },
  // The IAM login route (AWS_IAM): a signature that does not verify, or is older than 5 minutes
  // (the local gateway says the same: infra/local/sigv4-check.ts), and expired AWS credentials.
  {
    type: ResponseType.INVALID_SIGNATURE,
    status: '403',
    code: 'PERMISSION_DENIED',
    message: 'The request signature is not valid, or was made more than 5 minutes ago',
  },
  {
    type: ResponseType.EXPIRED_TOKEN,
    status: '403',
    code: 'PERMISSION_DENIED',
    message: 'The AWS credentials that signed the request have expired',
  },
  { type: ResponseType.WAF_FILTERED, status: '403', code: 'PERMISSION_DENIED', message: 'Request blocked' },
  {
    type: ResponseType.BAD_REQUEST_BODY,
    status: '400',
    code: 'BAD_REQUEST',
    message: 'Request body is not valid',
  },
  {
    type: ResponseType.BAD_REQUEST_PARAMETERS,
    status: '400',
    code: 'BAD_REQUEST',
    message: 'Request parameters are not valid',
  },
  {
    type: ResponseType.UNSUPPORTED_MEDIA_TYPE,
    status: '415',
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Unsupported media type',
  },
  {
    type: ResponseType.INTEGRATION_TIMEOUT,
    status: '504',
    code: 'GENERAL_ERROR',
    message: 'The request took too long; retry',
  },
  {
    type: ResponseType.INTEGRATION_FAILURE,
    status: '502',
    code: 'GENERAL_ERROR',
    message: 'The request could not be completed; retry',
  },
  {
    type: ResponseType.DEFAULT_4XX,
    code: 'BAD_REQUEST',
    message: 'The request was refused by the API gateway',
  },
  { type: ResponseType.DEFAULT_5XX, code: 'GENERAL_ERROR', message: 'Internal error; retry later' },
];

/** A VTL template producing the error body; the request id is API Gateway's trace id. */
export const errorTemplate = (code: ErrorCode, message: string): string =>
  `{"error_code":"${code}","error_message":"${message}","trace_id":"$context.requestId"}`;
