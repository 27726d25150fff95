import { vaultDeps } from '../../shared/deps.ts';
import { patchSecret } from '../../shared/domain/patch-secret.ts';
import { secretRef } from '../../shared/http/inputs.ts';
import { mergePatchUpdate } from '../../shared/http/merge-patch-body.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import { writtenReply } from '../../shared/http/wire.ts';
import * as operations from '../../shared/operations.ts';

const deps = vaultDeps();

export const handler = vaultHandler(operations.patchSecret, async ({ caller, path, headers, body }) => {
  const ref = secretRef(path);
  return writtenReply(await patchSecret(deps, caller, ref, mergePatchUpdate(ref, body), headers['if-match']));
});
