/** Validated request parts → domain inputs: the translations every handler shares. */
import { RuleViolationError } from '../domain/errors.ts';
import { normalizeName } from '../domain/names.ts';
import type { SecretRef } from '../domain/model.ts';
import type { SecretPatch } from '../domain/update-secret.ts';

type Roles = ReadonlyArray<{ id: string }> | null | undefined;

/** `null` and absent both mean "not given"; role names are ignored, only ids count. */
export const roleIds = (roles: Roles): string[] | undefined =>
  roles === null || roles === undefined ? undefined : [...new Set(roles.map((role) => role.id))];

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
  description: body.description ?? undefined,
  tags: body.tags ?? undefined,
  expires: body.expires ?? undefined,
});
