import { vaultDeps } from '../../shared/deps.ts';
import { getSecret } from '../../shared/domain/get-secret.ts';
import { secretRef } from '../../shared/http/inputs.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import { secretReply } from '../../shared/http/wire.ts';
import * as operations from '../../shared/operations.ts';

const deps = vaultDeps();

export const handler = vaultHandler(operations.getUserSecret, async ({ caller, path, query }) =>
  secretReply(await getSecret(deps, caller, secretRef(path), query)),
);
