import type { MiddlewareObj } from '@middy/core';
import type { Operation } from '../operations.ts';
import type { ApiEvent, ApiResult, StackRequest, VaultContext } from './types.ts';

/** A route's result when it needs more than a JSON body with the operation's success status. */
export class Reply {
  readonly body: unknown;
  readonly headers: Record<string, string>;
  constructor(body: unknown, headers: Record<string, string> = {}) {
    this.body = body;
    this.headers = headers;
  }
}

/** Serializes what a route returned: status from the operation table, always JSON. */
export function respond(operation: Operation): MiddlewareObj<ApiEvent, ApiResult, Error, VaultContext> {
  const respondAfter = (request: StackRequest): void => {
    const result: unknown = request.response;
    const reply = result instanceof Reply ? result : new Reply(result);
    request.response = {
      statusCode: operation.successStatus,
      headers: { 'Content-Type': 'application/json', ...reply.headers },
      body: JSON.stringify(reply.body ?? {}),
    };
  };
  return { after: respondAfter };
}
