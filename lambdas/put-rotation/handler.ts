import { vaultDeps } from '../../shared/deps.ts';
import { configureRotation } from '../../shared/domain/configure-rotation.ts';
import { secretRef } from '../../shared/http/inputs.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import { rotationReply } from '../../shared/http/wire.ts';
import * as operations from '../../shared/operations.ts';
import { trustedRotators } from '../../shared/rotation/trusted-rotators.ts';

// The rotators this deployment trusts (ROTATOR_ARNS): the settings may name no other.
const deps = { ...vaultDeps(), trustedRotators: trustedRotators() };

export const handler = vaultHandler(operations.putRotation, async ({ caller, path, body }) =>
  rotationReply(path, await configureRotation(deps, caller, secretRef(path), body)),
);
