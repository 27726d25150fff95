/** What the CLI adds to the vault's answer where the vault cannot know what the user was after. */
import { VaultApiError } from '../../vault-client.ts';
import { ExplainedError } from '../errors.ts';

/**
 * Runs a call and, when the vault refuses it, appends `hint(error)` to its message (the exit code
 * and error code stay the vault's).
 */
export async function explaining<T>(
  call: Promise<T>,
  hint: (error: VaultApiError) => string | undefined,
): Promise<T> {
  try {
    return await call;
  } catch (error) {
    const extra = error instanceof VaultApiError ? hint(error) : undefined;
    throw extra === undefined ? error : new ExplainedError(error as VaultApiError, extra);
  }
}

/**
 * A delete frees the name at once: the deleted secret can be restored until its purge date, but
 * only while no new secret holds the name (README, "Delete and the name").
 */
export const restorableUntil = (name: string, purgeAt: string) =>
  `"${name}" can be restored until ${purgeAt} with \`secrets restore ${name}\`, as long as no new secret takes the name`;

/** A missing name may be a deleted one, restorable for a while: say so where a user looks for it. */
export const notFoundHint =
  (name: string) =>
  (error: VaultApiError): string | undefined =>
    error.status === 404
      ? `; if "${name}" was deleted, \`secrets restore ${name}\` (vaultManage or admin) brings it back until its purge date, while no new secret holds the name`
      : undefined;
