import { vaultDeps } from '../../shared/deps.ts';
import { updateSecret } from '../../shared/domain/update-secret.ts';
import { assertBodyMatches, patchOf, secretRef } from '../../shared/http/inputs.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import { writtenReply } from '../../shared/http/wire.ts';
import * as operations from '../../shared/operations.ts';

const deps = vaultDeps();

export const handler = vaultHandler(operations.updateSecret, async ({ caller, path, headers, body }) => {
  const ref = secretRef(path);
  assertBodyMatches(ref, body);
  return writtenReply(await updateSecret(deps, caller, ref, patchOf(body), headers['if-match']));
});
