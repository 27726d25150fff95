import { vaultDeps } from '../../shared/deps.ts';
import { getRotation } from '../../shared/domain/get-rotation.ts';
import { secretRef } from '../../shared/http/inputs.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import { rotationReply } from '../../shared/http/wire.ts';
import * as operations from '../../shared/operations.ts';

const deps = vaultDeps();

export const handler = vaultHandler(operations.getRotation, async ({ caller, path }) => {
  const { rotation, state } = await getRotation(deps, caller, secretRef(path));
  return rotationReply(path, rotation, state);
});
