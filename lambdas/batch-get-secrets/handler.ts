import { vaultDeps } from '../../shared/deps.ts';
import { batchGetSecrets } from '../../shared/domain/batch-get-secrets.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import { batchJson } from '../../shared/http/wire.ts';
import * as operations from '../../shared/operations.ts';

const deps = vaultDeps();

export const handler = vaultHandler(operations.batchGetSecrets, async ({ caller, body }) => {
  const refs = [...new Set(body.names)].map((name) => ({ name }));
  return batchJson(await batchGetSecrets(deps, caller, refs));
});
