import { vaultDeps } from '../../shared/deps.ts';
import { createSecret } from '../../shared/domain/create-secret.ts';
import { assertBodyMatches, roleIds } from '../../shared/http/inputs.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import { createdJson } from '../../shared/http/wire.ts';
import { operations } from '../../shared/operations.ts';

const deps = vaultDeps();

export const handler = vaultHandler(operations.createSecret, async ({ caller, body }) => {
  const ref = { name: body.name };
  assertBodyMatches(ref, body);
  const input = {
    ref,
    data: body.data,
    readRoles: roleIds(body.read_roles) ?? [],
    writeRoles: roleIds(body.write_roles) ?? [],
  };
  return createdJson(await createSecret(deps, caller, input));
});
