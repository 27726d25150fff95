import type { AuditRecord } from './audit.ts';
import { InvalidRequestError } from './errors.ts';
import type { Caller, Page, SecretRef } from './model.ts';
import type { VaultDeps } from './ports.ts';

/** A time-range query reads one index partition per day: bounded so a query's cost is too. */
export const MAX_AUDIT_RANGE_DAYS = 31;

export interface AuditSearch {
  secret?: SecretRef | undefined;
  actor?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  offset: number;
  limit: number;
}

/** The audit trail, newest first (the operation admits only the admin scope). */
export async function queryAudit(
  deps: VaultDeps,
  _caller: Caller,
  search: AuditSearch,
): Promise<Page<AuditRecord>> {
  const until = search.until ? new Date(search.until) : deps.clock.now();
  // One secret's whole chain by default; across secrets, the last day.
  const since = search.since
    ? new Date(search.since)
    : new Date(search.secret ? 0 : until.getTime() - 86_400_000);
  if (since > until) {
    throw InvalidRequestError.fromProblems([
      { code: 'VALUE_OUT_OF_BOUNDS', message: 'since is after until', property: 'since' },
    ]);
  }
  if (!search.secret && until.getTime() - since.getTime() > MAX_AUDIT_RANGE_DAYS * 86_400_000) {
    throw InvalidRequestError.fromProblems([
      {
        code: 'VALUE_OUT_OF_BOUNDS',
        message: `A query across secrets spans at most ${MAX_AUDIT_RANGE_DAYS} days`,
        property: 'since',
      },
    ]);
  }
  return deps.audit.query({ ...search, since: since.toISOString(), until: until.toISOString() });
}
