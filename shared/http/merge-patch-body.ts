/**
 * PATCH bodies: a JSON merge patch (RFC 7396) applied to the secret as an update body would state
 * it, then held to everything an update body is held to (the same schema, the same rules), so a
 * patch can reach no state a PUT could not.
 */
import { InvalidRequestError } from '../domain/errors.ts';
import { isJsonObject, mergePatch } from '../domain/merge-patch.ts';
import type { SecretData, SecretMetadata, SecretRef } from '../domain/model.ts';
import type { Patcher } from '../domain/patch-secret.ts';
import { roleNameOf } from '../domain/role-names.ts';
import { UpdateSecretBody } from '../schemas/requests.ts';
import { assertBodyMatches, patchOf } from './inputs.ts';
import { problemsOf } from './validate.ts';

/**
 * A member the patch removes (`null`), in the words of an update body: an absent member there
 * means "keep", so removal is spelt as the empty value (`""` clears description and expiry).
 */
const REMOVED: Readonly<Record<string, unknown>> = {
  data: {},
  read_roles: [],
  write_roles: [],
  tags: [],
  description: '',
  expires: '',
  name: null,
  owner_id: null,
};

/** The secret as an update body states it (its data only when given: it is decrypted for that). */
function documentOf(secret: SecretMetadata, data: SecretData | undefined): Record<string, unknown> {
  const roles = (ids: readonly string[]) => ids.map((id) => ({ id, name: roleNameOf(secret, id) }));
  return {
    name: secret.name,
    ...(secret.ownerId !== undefined && { owner_id: secret.ownerId }),
    ...(data !== undefined && { data }),
    read_roles: roles(secret.readRoles),
    write_roles: roles(secret.writeRoles),
    ...(secret.description !== undefined && { description: secret.description }),
    ...(secret.tags.length > 0 && { tags: secret.tags }),
    ...(secret.expires !== undefined && { expires: secret.expires }),
  };
}

/**
 * The update a merge patch makes of the secret as it stands. Only the members the patch names
 * change (the others are left out, which an update reads as "keep"); the current data is read only
 * when the patch merges into it. Problems are reported as an update body's are, by property and
 * rule: the old data never appears in them (its limits, size and depth, are named, not quoted).
 */
export const mergePatchUpdate =
  (ref: SecretRef, patch: Record<string, unknown>): Patcher =>
  async (current, currentData) => {
    const data = isJsonObject(patch.data) ? await currentData() : undefined;
    const merged = mergePatch(documentOf(current, data), patch) as Record<string, unknown>;
    const body = Object.fromEntries(
      Object.keys(patch).map((key) => [key, Object.hasOwn(merged, key) ? merged[key] : REMOVED[key]]),
    );
    const result = UpdateSecretBody.safeParse(body, { reportInput: true });
    if (!result.success) throw InvalidRequestError.fromProblems(problemsOf(result.error));
    assertBodyMatches(ref, result.data);
    return patchOf(result.data);
  };
