/**
 * The two ways `put` writes, and why neither writes a value into a secret it did not create
 * without saying so: whoever created a secret chose its roles, and its readers receive every
 * value written into it.
 */
import { VaultApiError, type VaultClient } from '../../vault-client.ts';
import { Refusal } from '../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { audienceOf, describeAudience, type Owner, type Role, visible } from './audience.ts';

/** What a put sends: absent fields keep their stored value on an update. */
export interface PutInput {
  data: Record<string, unknown> | undefined;
  description?: string;
  tags?: Array<{ key: string; value: string }>;
  expires?: string;
  read_roles: Role[] | undefined;
  write_roles: Role[] | undefined;
}

/**
 * A plain `put` only creates. A taken name is refused, never turned into an update: the existing
 * secret's roles were chosen by whoever created it, and its readers would receive the value.
 */
export async function createOnly(client: VaultClient, name: string, input: PutInput, owner: Owner) {
  try {
    return await client.createSecret(name, input, owner);
  } catch (error) {
    if (!(error instanceof VaultApiError)) throw error;
    // Taken (409), or a caller who may not create secrets (403) naming one it may write.
    const taken = error.code === 'VALUE_DUPLICATE';
    if (!taken && error.status !== 403) throw error;
    const existing = await visible(client, name, owner).catch(() => undefined);
    if (!existing) {
      // Not allowed to create, and nothing there it may write: the vault's 403 is the real cause.
      if (!taken) throw error;
      throw new Refusal(EXIT.conflict, {
        error_code: error.code,
        error_message: `${error.message}: nothing was written`,
        ...(error.traceId !== undefined && { trace_id: error.traceId }),
      });
    }
    throw new Refusal(EXIT.conflict, {
      error_code: 'VALUE_DUPLICATE',
      error_message: `A secret named "${name}" already exists (${describeAudience(existing)}): nothing was written. \`put --update\` writes into it, and then its readers receive the value`,
      name,
      version: existing.version,
      ...audienceOf(existing),
    });
  }
}

/**
 * `put --update` writes only into an existing secret, and says first who will receive the value.
 * The write is conditional on the version whose roles were shown, so the value lands under exactly
 * those roles; if they change in between, nothing is written.
 */
export async function updateExisting(
  client: VaultClient,
  name: string,
  patch: PutInput,
  owner: Owner,
  say: (text: string) => void,
) {
  let shown: string | undefined;
  for (let attempt = 1; ; attempt++) {
    const current = await visible(client, name, owner);
    if (!current)
      throw new Refusal(EXIT.notFound, {
        error_code: 'OBJECT_NOT_FOUND',
        error_message: `No secret named "${name}" that you may see: put --update writes only into an existing secret (put without --update creates one; if it was deleted, \`secrets restore ${name}\` brings it back until its purge date)`,
      });
    const after = audienceOf({
      read_roles: patch.read_roles ?? current.read_roles,
      write_roles: patch.write_roles ?? current.write_roles,
      owner_id: current.owner_id,
    });
    const audience = describeAudience(after);
    if (shown !== undefined && shown !== audience)
      throw new Refusal(EXIT.conflict, {
        error_code: 'PRECONDITION_FAILED',
        error_message: `The roles of "${name}" changed while it was being updated (now ${audience}): nothing was written`,
      });
    if (shown === undefined)
      say(`updating the existing secret "${name}" (version ${current.version}): ${audience}`);
    shown = audience;
    try {
      return {
        ...(await client.updateSecret(name, patch, { ...owner, ifMatch: current.version })),
        ...after,
      };
    } catch (error) {
      // Another write came in between: look again, and write only if the audience is the one shown.
      if (!(error instanceof VaultApiError) || error.status !== 412 || attempt === 3) throw error;
    }
  }
}
