import { vaultDeps } from '../../shared/deps.ts';
import { listPersonalSecrets } from '../../shared/domain/list-secrets.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import { pageJson } from '../../shared/http/wire.ts';
import * as operations from '../../shared/operations.ts';

const deps = vaultDeps();

export const handler = vaultHandler(operations.listUserSecrets, async ({ caller, path, query }) =>
  pageJson(await listPersonalSecrets(deps, caller, path.user_id, query)),
);
