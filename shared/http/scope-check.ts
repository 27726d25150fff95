import type { MiddlewareObj } from '@middy/core';
import type { Caller, SecretRef } from '../domain/model.ts';
import { secretNameProblems } from '../domain/names.ts';
import type { Operation } from '../operations.ts';
import { MissingScopeError } from './http-errors.ts';
import type { ApiEvent, ApiResult, StackRequest, VaultContext } from './types.ts';
import { decodedPathParameters } from './validate.ts';

export type DenialRecorder = (caller: Caller, secret: SecretRef) => Promise<void>;

/** The secret a request names in its path, if it names a valid one (the path is not validated yet). */
function secretOf(request: StackRequest): SecretRef | undefined {
  const { name, user_id: ownerId } = decodedPathParameters(request.event).values;
  if (name === undefined || secretNameProblems(name).length > 0) return undefined;
  return { name, ...(ownerId !== undefined && { ownerId }) };
}

/**
 * Any one of the operation's scopes admits the caller; the domain then applies roles and
 * ownership. A refusal of an authenticated caller on a named secret goes to its audit trail.
 */
export function scopeCheck(
  operation: Operation,
  recordDenial?: DenialRecorder,
): MiddlewareObj<ApiEvent, ApiResult, Error, VaultContext> {
  const scopeCheckBefore = async (request: StackRequest): Promise<void> => {
    const { caller } = request.context.vault;
    if (operation.scopes.some((scope) => caller.scopes.has(scope))) return;
    const secret = secretOf(request);
    if (recordDenial && secret) await recordDenial(caller, secret);
    throw new MissingScopeError(operation.scopes);
  };
  return { before: scopeCheckBefore };
}
