import { rotateSecret } from '../../shared/domain/rotate-secret.ts';
import { secretRef } from '../../shared/http/inputs.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import { writtenReply } from '../../shared/http/wire.ts';
import * as operations from '../../shared/operations.ts';
import { rotationDeps } from '../../shared/rotation/deps.ts';

const deps = rotationDeps();

export const handler = vaultHandler(operations.rotateSecret, async ({ caller, path }) =>
  writtenReply(await rotateSecret(deps, caller, secretRef(path), 'on-demand')),
);
