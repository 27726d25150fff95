/** Who receives a value written into a secret: its readers, its writers and, if personal, its owner. */
import { type Secret, VaultApiError, type VaultClient } from '../../vault-client.ts';

/** A role as sent (an id, maybe a name) or as answered (`{id, name, deleted}`). */
export type Role = { id: string; name?: string | null | undefined };
export type Owner = { owner?: string };
export type Audience = { read_roles: Role[]; write_roles: Role[]; owner_id?: string | undefined };

export function audienceOf(secret: Audience): Audience {
  return {
    read_roles: secret.read_roles,
    write_roles: secret.write_roles,
    ...(secret.owner_id !== undefined && { owner_id: secret.owner_id }),
  };
}

export function describeAudience(audience: Audience): string {
  const roles = (list: Role[]) =>
    list.length === 0
      ? 'none'
      : list
          .map((role) => (role.name && role.name !== role.id ? `${role.name} (${role.id})` : role.id))
          .join(', ');
  return `read roles: ${roles(audience.read_roles)}; write roles: ${roles(audience.write_roles)}${
    audience.owner_id === undefined ? '' : `; owner: ${audience.owner_id}`
  }`;
}

/** The secret's metadata if the caller may see it; undefined if the vault says it does not exist. */
export async function visible(client: VaultClient, name: string, owner: Owner): Promise<Secret | undefined> {
  try {
    return await client.getMetadata(name, owner);
  } catch (error) {
    if (error instanceof VaultApiError && error.status === 404) return undefined;
    throw error;
  }
}
