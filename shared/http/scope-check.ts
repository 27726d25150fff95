import type { MiddlewareObj } from '@middy/core';
import type { Operation } from '../operations.ts';
import { MissingScopeError } from './http-errors.ts';
import type { ApiEvent, ApiResult, StackRequest, VaultContext } from './types.ts';

/** Any one of the operation's scopes admits the caller; the domain then applies roles and ownership. */
export function scopeCheck(operation: Operation): MiddlewareObj<ApiEvent, ApiResult, Error, VaultContext> {
  const scopeCheckBefore = (request: StackRequest): void => {
    const { scopes } = request.context.vault.caller;
    if (!operation.scopes.some((scope) => scopes.has(scope))) throw new MissingScopeError(operation.scopes);
  };
  return { before: scopeCheckBefore };
}
