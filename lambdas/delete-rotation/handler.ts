import { vaultDeps } from '../../shared/deps.ts';
import { configureRotation } from '../../shared/domain/configure-rotation.ts';
import { secretRef } from '../../shared/http/inputs.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import { rotationReply } from '../../shared/http/wire.ts';
import * as operations from '../../shared/operations.ts';

const deps = vaultDeps();

export const handler = vaultHandler(operations.deleteRotation, async ({ caller, path }) =>
  rotationReply(path, await configureRotation(deps, caller, secretRef(path), undefined)),
);
