import { vaultDeps } from '../../shared/deps.ts';
import { deleteSecret } from '../../shared/domain/delete-secret.ts';
import { secretRef } from '../../shared/http/inputs.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import { writtenReply } from '../../shared/http/wire.ts';
import * as operations from '../../shared/operations.ts';

const deps = vaultDeps();

export const handler = vaultHandler(operations.deleteUserSecret, async ({ caller, path, query, headers }) => {
  const options = {
    recoveryDays: query.recovery_window_days,
    force: query.force,
    expectedVersion: headers['if-match'],
  };
  return writtenReply(await deleteSecret(deps, caller, secretRef(path), options));
});
