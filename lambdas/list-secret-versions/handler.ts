import { vaultDeps } from '../../shared/deps.ts';
import { listVersions } from '../../shared/domain/list-versions.ts';
import { secretRef } from '../../shared/http/inputs.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import { versionsJson } from '../../shared/http/wire.ts';
import * as operations from '../../shared/operations.ts';

const deps = vaultDeps();

export const handler = vaultHandler(operations.listSecretVersions, async ({ caller, path, query }) =>
  versionsJson(await listVersions(deps, caller, secretRef(path), query)),
);
