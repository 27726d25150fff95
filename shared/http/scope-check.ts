import type { MiddlewareObj } from '@middy/core';
import type { Operation } from '../operations.ts';
import { MissingScopeError } from './http-errors.ts';
import type { ApiEvent, ApiResult, StackRequest, VaultContext } from './types.ts';

/**
 * Any one of the operation's scopes admits the caller; the domain then applies roles and
 * ownership. A refusal here says nothing about any secret (the token could not have done this
 * anywhere), so it stays out of every secret's audit trail: the request's log line records it.
 * Otherwise a token with no scope could write to any secret's trail, as often as it likes.
 */
export function scopeCheck(operation: Operation): MiddlewareObj<ApiEvent, ApiResult, Error, VaultContext> {
  const scopeCheckBefore = async (request: StackRequest): Promise<void> => {
    const { caller } = request.context.vault;
    if (operation.scopes.some((scope) => caller.scopes.has(scope))) return;
    throw new MissingScopeError(operation.scopes);
  };
  return { before: scopeCheckBefore };
}
