import { accessOf, isManager, mayActForOwner } from './access.ts';
import { PermissionDeniedError } from './errors.ts';
import { pageOf, unique } from './listing.ts';
import type { Caller, Page, PageRequest, SecretMetadata } from './model.ts';
import type { VaultDeps } from './ports.ts';

/**
 * Shared secrets the caller holds a read or write role for; all of them for a vault manager.
 * A manager's page comes straight from the name-ordered listing (cost grows with the page,
 * not the table); a user's comes from the listings of its own roles only.
 */
export async function listSecrets(
  deps: VaultDeps,
  caller: Caller,
  page: PageRequest,
): Promise<Page<SecretMetadata>> {
  if (isManager(caller)) return deps.secrets.page({ kind: 'shared' }, page.offset, page.limit, false);
  const listings = [...caller.roles].map((roleId) => ({ kind: 'role' as const, roleId }));
  if (listings.length === 0) return { count: 0, items: [] };
  const entries = unique(await deps.secrets.entries(listings));
  return pageOf(
    entries.filter((entry) => accessOf(caller, entry).see),
    page,
  );
}

/** One user's personal secrets, for that user or a vault manager. */
export async function listPersonalSecrets(
  deps: VaultDeps,
  caller: Caller,
  ownerId: string,
  page: PageRequest,
): Promise<Page<SecretMetadata>> {
  if (!mayActForOwner(caller, ownerId)) {
    throw new PermissionDeniedError(
      "Only the owner or a vault manager may list another user's personal secrets",
    );
  }
  return deps.secrets.page({ kind: 'owner', ownerId }, page.offset, page.limit, false);
}
