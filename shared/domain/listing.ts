import type { Page, PageRequest, SecretMetadata } from './model.ts';

const keyOf = (secret: SecretMetadata): string => `${secret.ownerId ?? ''}\u0000${secret.name}`;

/** A secret reached through several listings (one per role it names) counts once. */
export function unique(entries: readonly SecretMetadata[]): SecretMetadata[] {
  return [...new Map(entries.map((entry) => [keyOf(entry), entry])).values()];
}

const byName = (a: SecretMetadata, b: SecretMetadata): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : (a.ownerId ?? '').localeCompare(b.ownerId ?? '');

/** Sorts (ties broken by name, so pages are stable) and cuts one page out of the matches. */
export function pageOf(matches: SecretMetadata[], request: PageRequest): Page<SecretMetadata> {
  const key = request.sortkey ?? 'name';
  const direction = request.sortdir === 'DESC' ? -1 : 1;
  const sorted = matches.sort((a, b) => {
    const primary = key === 'name' ? 0 : a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0;
    return direction * (primary || byName(a, b));
  });
  return { count: sorted.length, items: sorted.slice(request.offset, request.offset + request.limit) };
}
