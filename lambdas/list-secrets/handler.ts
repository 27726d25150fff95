import { vaultDeps } from '../../shared/deps.ts';
import { listSecrets } from '../../shared/domain/list-secrets.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import { pageJson } from '../../shared/http/wire.ts';
import * as operations from '../../shared/operations.ts';

const deps = vaultDeps();

export const handler = vaultHandler(operations.listSecrets, async ({ caller, query }) =>
  pageJson(await listSecrets(deps, caller, query)),
);
