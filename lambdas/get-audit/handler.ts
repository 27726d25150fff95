import { vaultDeps } from '../../shared/deps.ts';
import { queryAudit } from '../../shared/domain/query-audit.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import { auditJson } from '../../shared/http/wire.ts';
import * as operations from '../../shared/operations.ts';

const deps = vaultDeps();

export const handler = vaultHandler(operations.getAudit, async ({ caller, query }) => {
  const { secret, owner, ...rest } = query;
  const ref =
    secret === undefined ? undefined : { name: secret, ...(owner !== undefined && { ownerId: owner }) };
  return auditJson(await queryAudit(deps, caller, { ...rest, secret: ref }));
});
