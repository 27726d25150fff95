import { type Access, accessOf, isManager, mayActForOwner } from './access.ts';
import { pageOf, unique } from './listing.ts';
import type { Caller, Page, PageRequest, SecretMetadata } from './model.ts';
import type { Listing, VaultDeps } from './ports.ts';

/** The filters a caller may name; none (or `""`) keeps every secret the caller may see. */
export const SEARCH_FILTERS = ['personal', 'shared', 'readable', 'writable', 'accessible'] as const;
export type SearchFilter = '' | (typeof SEARCH_FILTERS)[number];

export interface SearchQuery {
  /** Comma or space separated; every keyword must occur in the name (case-insensitive). */
  keywords?: string | undefined;
  /** Only personal secrets of these owners (other owners' only for vault managers). */
  ownerIds?: readonly string[] | undefined;
  filter?: SearchFilter | undefined;
  /** Every tag given must be on the secret; one without a value matches any value. */
  tags?: ReadonlyArray<{ key: string; value?: string | null | undefined }> | undefined;
}

const hasTags = (entry: SecretMetadata, wanted: NonNullable<SearchQuery['tags']>): boolean =>
  wanted.every((tag) =>
    entry.tags.some((own) => own.key === tag.key && (tag.value == null || own.value === tag.value)),
  );

const PASSES: Record<SearchFilter, (access: Access, entry: SecretMetadata) => boolean> = {
  '': (access) => access.see,
  accessible: (access) => access.see,
  personal: (access, entry) => access.see && entry.ownerId !== undefined,
  shared: (access, entry) => access.see && entry.ownerId === undefined,
  readable: (access) => access.read,
  writable: (access) => access.write,
};

export const keywordsOf = (text: string | undefined): string[] =>
  (text ?? '')
    .toLowerCase()
    .split(/[\s,]+/)
    .filter((word) => word.length > 0);

/**
 * Reads only the listings that can hold a match: the caller's roles (or every shared secret for a
 * manager) and the personal listings of the owners it may search, never the whole table. A user's
 * search reads only listings of its own roles, so neither its results, their count nor its time
 * depend on secrets it cannot see.
 */
export async function searchSecrets(
  deps: VaultDeps,
  caller: Caller,
  query: SearchQuery,
  page: PageRequest,
): Promise<Page<SecretMetadata>> {
  const filter = query.filter ?? '';
  const owners = (query.ownerIds?.length ? query.ownerIds : [caller.userId]).filter((owner) =>
    mayActForOwner(caller, owner),
  );
  const listings: Listing[] = [];
  if (filter !== 'personal' && !query.ownerIds?.length) {
    if (isManager(caller)) listings.push({ kind: 'shared' });
    else for (const roleId of caller.roles) listings.push({ kind: 'role', roleId });
  }
  if (filter !== 'shared') for (const ownerId of new Set(owners)) listings.push({ kind: 'owner', ownerId });

  const keywords = keywordsOf(query.keywords);
  // Filters that keep every visible entry of a single listing leave only paging to do.
  const onlySorting =
    keywords.length === 0 && !query.tags?.length && ['', 'accessible', 'shared', 'personal'].includes(filter);
  const [only] = listings;
  if (
    listings.length === 1 &&
    only &&
    onlySorting &&
    (page.sortkey ?? 'name') === 'name' &&
    seesAll(caller, only)
  ) {
    return deps.secrets.page(only, page.offset, page.limit, page.sortdir === 'DESC');
  }

  // The store may leave out names lacking a keyword (a manager's search of every shared secret
  // then reads only what changed since the last one); the filter below stays the exact rule.
  const entries = await deps.secrets.entries(listings, keywords);
  const matches = entries.filter((entry) => {
    const name = entry.name.toLowerCase();
    return (
      keywords.every((word) => name.includes(word)) &&
      PASSES[filter](accessOf(caller, entry), entry) &&
      hasTags(entry, query.tags ?? [])
    );
  });
  // Only role listings share secrets (one naming several roles is in each): filtered first, as
  // the copies are the same entry.
  return pageOf(listings.some((listing) => listing.kind === 'role') ? unique(matches) : matches, page);
}

/** Whether every entry of the listing is visible to the caller, so the store may page it directly. */
function seesAll(caller: Caller, listing: Listing): boolean {
  if (listing.kind === 'shared') return isManager(caller);
  if (listing.kind === 'owner') return mayActForOwner(caller, listing.ownerId);
  return false;
}
