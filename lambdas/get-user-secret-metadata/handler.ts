import { vaultDeps } from '../../shared/deps.ts';
import { getSecretMetadata } from '../../shared/domain/get-secret-metadata.ts';
import { secretRef } from '../../shared/http/inputs.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import { secretReply } from '../../shared/http/wire.ts';
import * as operations from '../../shared/operations.ts';

const deps = vaultDeps();

export const handler = vaultHandler(operations.getUserSecretMetadata, async ({ caller, path }) =>
  secretReply(await getSecretMetadata(deps, caller, secretRef(path))),
);
