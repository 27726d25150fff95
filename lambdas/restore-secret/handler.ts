import { vaultDeps } from '../../shared/deps.ts';
import { restoreSecret } from '../../shared/domain/restore-secret.ts';
import { secretRef } from '../../shared/http/inputs.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import { writtenReply } from '../../shared/http/wire.ts';
import * as operations from '../../shared/operations.ts';

const deps = vaultDeps();

export const handler = vaultHandler(operations.restoreSecret, async ({ caller, path }) =>
  writtenReply(await restoreSecret(deps, caller, secretRef(path))),
);
