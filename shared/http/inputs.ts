/** Validated request parts → domain inputs: the translations every handler shares. */
import { RuleViolationError } from '../domain/errors.ts';
import type { PageRequest, SecretRef } from '../domain/model.ts';
import { normalizeName } from '../domain/names.ts';
import type { RoleNames } from '../domain/role-names.ts';
import type { SearchFilter } from '../domain/search-secrets.ts';
import type { SecretPatch } from '../domain/update-secret.ts';

type Roles = ReadonlyArray<{ id: string; name?: string | null | undefined }> | null | undefined;

/** `null` and absent both mean "not given"; access counts ids only. */
export const roleIds = (roles: Roles): string[] | undefined =>
  roles === null || roles === undefined ? undefined : [...new Set(roles.map((role) => role.id))];

/**
 * The names given with the roles (`""` or none: not given). A role has one name: a request naming
 * one id differently in two places is refused rather than one of them silently dropped.
 */
export function roleNamesGiven(body: { read_roles?: Roles; write_roles?: Roles }): RoleNames | undefined {
  const names = new Map<string, string>();
  for (const list of ['read_roles', 'write_roles'] as const) {
    for (const [index, { id, name }] of (body[list] ?? []).entries()) {
      if (name === null || name === undefined || name === '') continue;
      const earlier = names.get(id);
      if (earlier !== undefined && earlier !== name) {
        throw new RuleViolationError(`role ${id} is given two different names`, {
          property: `${list}[${index}].name`,
        });
      }
      names.set(id, name);
    }
  }
  return names.size > 0 ? Object.fromEntries(names) : undefined;
}

export const secretRef = (path: { name: string; user_id?: string }): SecretRef => ({
  name: path.name,
  ...(path.user_id !== undefined && { ownerId: path.user_id }),
});

interface WriteBody {
  name?: string | null | undefined;
  owner_id?: string | null | undefined;
}

/** `value` decoded from a URL path once, or itself when it is not valid percent-encoding. */
function pathDecoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * A body may repeat the name and owner it is about (clients round-trip what they read), but it
 * cannot move a secret: a different name or owner is a 422, not a silent rename. PrivX's update
 * body has no name, and clients send one anyway: `""` (the Go SDK's `SecretRequest.Name` has no
 * omitempty) or path-escaped (privx-sdk-go v1's `UpdateUserSecret`, pinned by privx-cli, escapes
 * name and owner for the path and sends the same strings in the body). Both mean this secret.
 */
export function assertBodyMatches(ref: SecretRef, body: WriteBody | undefined): void {
  const name = body?.name ?? '';
  if (name !== '' && name !== ref.name && normalizeName(pathDecoded(name)) !== ref.name) {
    throw new RuleViolationError('name in the body differs from the name in the path', { property: 'name' });
  }
  const owner = body?.owner_id ?? '';
  if (owner !== '' && owner !== ref.ownerId && pathDecoded(owner) !== ref.ownerId) {
    const message =
      ref.ownerId === undefined
        ? 'owner_id is only for personal secrets: create them with POST /user/{user_id}/secrets, or leave owner_id out for a shared secret'
        : 'owner_id in the body differs from the user id in the path';
    throw new RuleViolationError(message, { property: 'owner_id' });
  }
}

type Tags = ReadonlyArray<{ key: string; value: string }> | null | undefined;

interface SecretFields {
  data?: Record<string, unknown> | null | undefined;
  read_roles?: Roles;
  write_roles?: Roles;
  description?: string | null | undefined;
  tags?: Tags;
  expires?: string | null | undefined;
}

/** The wire fields of a create or update body, `null` read as "not given". */
export const patchOf = (body: SecretFields): SecretPatch => ({
  data: body.data ?? undefined,
  readRoles: roleIds(body.read_roles),
  writeRoles: roleIds(body.write_roles),
  roleNames: roleNamesGiven(body),
  description: body.description ?? undefined,
  tags: body.tags ?? undefined,
  expires: body.expires ?? undefined,
});

interface SearchPaging {
  offset?: number | undefined;
  limit?: number | undefined;
  sortkey?: PageRequest['sortkey'] | undefined;
  sortdir?: PageRequest['sortdir'] | undefined;
  filter?: Exclude<SearchFilter, ''> | undefined;
}

/**
 * Search paging, sorting and filter: the query string wins; what it lacks comes from the body
 * (the Go SDK v2 sends them there); then the defaults (offset 0, limit 100, by name ascending).
 */
export function searchPaging(query: SearchPaging, body: SearchPaging | null | undefined) {
  const page: PageRequest = {
    offset: query.offset ?? body?.offset ?? 0,
    limit: query.limit ?? body?.limit ?? 100,
  };
  const sortkey = query.sortkey ?? body?.sortkey;
  const sortdir = query.sortdir ?? body?.sortdir;
  if (sortkey !== undefined) page.sortkey = sortkey;
  if (sortdir !== undefined) page.sortdir = sortdir;
  return { page, filter: query.filter ?? body?.filter };
}
