import { allOperations, type Operation } from '../../shared/operations.ts';

/** A concrete request path for an operation's template. */
export const concretePath = (operation: Operation, name = 'some/secret', userId = 'someone') =>
  operation.path
    .replace('{name+}', name.split('/').map(encodeURIComponent).join('/'))
    .replace('{user_id}', encodeURIComponent(userId));

export const protectedOperations = allOperations.filter((operation) => operation.scopes.length > 0);
