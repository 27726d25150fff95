/**
 * Role names, kept for display beside the ids that decide access. PrivX answers every role handle
 * with the name its role directory has; the vault has no directory, so it keeps the name last given
 * for each id (Terraform stores it in state and compares it after apply), and answers the id itself
 * for a role never given one.
 */
import { InvalidRequestError } from './errors.ts';
import type { SecretMetadata } from './model.ts';

/**
 * What a secret's role names may take in all, in UTF-8 bytes. They are kept on the secret's head
 * only (listing entries answer ids as names), which DynamoDB bounds at 400 KB with the rest.
 */
export const ROLE_NAMES_MAX_BYTES = 8192;

/** Role id → name; read with `Object.hasOwn`, as an id may be any string (`__proto__` too). */
export type RoleNames = Readonly<Record<string, string>>;

const nameIn = (names: RoleNames | undefined, id: string): string | undefined =>
  names !== undefined && Object.hasOwn(names, id) ? names[id] : undefined;

/**
 * The names a secret keeps for the roles it now names: the one given with this write, else the
 * one kept from before. Names of roles it no longer names are dropped; none at all is `undefined`.
 */
export function keptRoleNames(
  roles: { readRoles: readonly string[]; writeRoles: readonly string[] },
  given: RoleNames | undefined,
  kept?: RoleNames | undefined,
): RoleNames | undefined {
  const names: Array<[string, string]> = [];
  for (const id of new Set([...roles.readRoles, ...roles.writeRoles])) {
    const name = nameIn(given, id) ?? nameIn(kept, id);
    if (name !== undefined && name !== id) names.push([id, name]);
  }
  const bytes = names.reduce((sum, [, name]) => sum + Buffer.byteLength(name), 0);
  if (bytes > ROLE_NAMES_MAX_BYTES) {
    throw InvalidRequestError.fromProblems([
      {
        code: 'VALUE_OUT_OF_BOUNDS',
        message: `role names take ${bytes} bytes in all, more than ${ROLE_NAMES_MAX_BYTES}`,
        property: 'read_roles',
      },
    ]);
  }
  return names.length > 0 ? Object.fromEntries(names) : undefined;
}

/** The name to answer for a role of the secret: the one kept for it, else its id. */
export const roleNameOf = (secret: Pick<SecretMetadata, 'roleNames'>, id: string): string =>
  nameIn(secret.roleNames, id) ?? id;
