import type { Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { z } from 'zod';
import type { Caller } from '../domain/model.ts';
import type { Operation, RequestSchemas } from '../operations.ts';

/** API Gateway REST API proxy events: the cloud's and the local server's. */
export type ApiEvent = APIGatewayProxyEvent;
export type ApiResult = APIGatewayProxyResult;

type Parsed<S> = S extends z.core.$ZodType ? z.output<S> : undefined;

/** What the middleware stack hands a route: a verified caller and validated input. */
export interface VaultRequest<S extends RequestSchemas = RequestSchemas> {
  caller: Caller;
  path: Parsed<S['path']>;
  query: Parsed<S['query']>;
  headers: Parsed<S['headers']>;
  body: Parsed<S['body']>;
  traceId: string;
}

export type VaultContext = Context & { vault: VaultRequest };

export type StackRequest = Request<ApiEvent, ApiResult, Error, VaultContext>;

/**
 * A route sees the parsed request; the raw event only for what describes the API itself (its URL),
 * the Lambda context only for how long the invocation may still run.
 */
export type Route<Op extends Operation> = (
  request: VaultRequest<Op['request']>,
  event: ApiEvent,
  context: Context,
) => unknown;

/** The request id API Gateway also puts in its own responses and access logs. */
export const traceIdOf = (request: StackRequest): string =>
  request.event.requestContext?.requestId ?? request.context.awsRequestId ?? 'unknown';
