import { vaultDeps } from '../../shared/deps.ts';
import { deleteSecret } from '../../shared/domain/delete-secret.ts';
import { secretRef } from '../../shared/http/inputs.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import { writtenJson } from '../../shared/http/wire.ts';
import { operations } from '../../shared/operations.ts';

const deps = vaultDeps();

export const handler = vaultHandler(operations.deleteUserSecret, async ({ caller, path }) =>
  writtenJson(await deleteSecret(deps, caller, secretRef(path))),
);
