import { vaultDeps } from '../../shared/deps.ts';
import { searchSecrets } from '../../shared/domain/search-secrets.ts';
import { searchPaging } from '../../shared/http/inputs.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import { pageJson } from '../../shared/http/wire.ts';
import * as operations from '../../shared/operations.ts';

const deps = vaultDeps();

export const handler = vaultHandler(operations.searchSecrets, async ({ caller, query, body }) => {
  const { page, filter } = searchPaging(query, body);
  const search = {
    keywords: body?.keywords ?? undefined,
    ownerIds: body?.owner_id ?? undefined,
    filter,
    tags: body?.tags ?? undefined,
  };
  return pageJson(await searchSecrets(deps, caller, search, page));
});
