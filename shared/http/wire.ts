/** Domain results in PrivX's wire format (snake_case, role handles, RFC 3339 timestamps). */
import type { Page, SecretMetadata, SecretRef, SecretView } from '../domain/model.ts';
import { API_BASE } from '../operations.ts';
import { Reply } from './respond.ts';

const roles = (ids: readonly string[]) => ids.map((id) => ({ id }));

/** Where the secret lives in this API: the path a client GETs it from. */
export function secretPath(ref: SecretRef): string {
  const name = encodeURIComponent(ref.name);
  return ref.ownerId === undefined
    ? `${API_BASE}/secrets/${name}`
    : `${API_BASE}/user/${encodeURIComponent(ref.ownerId)}/secrets/${name}`;
}

export function secretJson(secret: SecretView | SecretMetadata) {
  return {
    name: secret.name,
    ...('data' in secret && secret.data !== undefined && { data: secret.data }),
    read_roles: roles(secret.readRoles),
    write_roles: roles(secret.writeRoles),
    ...(secret.ownerId !== undefined && { owner_id: secret.ownerId }),
    author: secret.author,
    updated_by: secret.updatedBy,
    path: secretPath(secret),
    created: secret.created,
    updated: secret.updated,
    version: secret.version,
  };
}

export const pageJson = (page: Page<SecretMetadata>) => ({
  count: page.count,
  items: page.items.map(secretJson),
});

/** 201 with the new secret's name and a Location header (the operation table holds the status). */
export const createdJson = (ref: SecretRef) => new Reply({ name: ref.name }, { Location: secretPath(ref) });

export const writtenJson = (result: SecretRef & { version?: number }) => ({
  name: result.name,
  ...(result.version !== undefined && { version: result.version }),
});
