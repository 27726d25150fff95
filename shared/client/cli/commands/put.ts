/**
 * `secrets put`: never writes a value into a secret it did not create without saying so. Whoever
 * created a secret chose its roles, and its readers receive every value written into it. So a
 * plain `put` only creates, and a taken name is refused (exit 5); `put --update` only updates
 * (exit 3 when there is nothing to update: creating there would hide a mistyped name and give the
 * new secret roles nobody looked at), and first prints the readers, writers and owner the value
 * goes to.
 */
import { VaultApiError, type VaultClient } from '../../vault-client.ts';
import type { CommandSpec, Context } from '../command.ts';
import { Refusal, UsageError } from '../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { audienceOf, describeAudience, type Owner, type Role, visible } from './audience.ts';

interface PutInput {
  data: Record<string, unknown>;
  read_roles: Role[] | undefined;
  write_roles: Role[] | undefined;
}

/**
 * A plain `put` only creates. A taken name is refused, never turned into an update: the existing
 * secret's roles were chosen by whoever created it, and its readers would receive the value.
 */
async function createOnly(client: VaultClient, name: string, input: PutInput, owner: Owner) {
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
async function updateExisting(
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

const roleList = (ids: string[] | undefined) =>
  ids === undefined
    ? undefined
    : ids
        .flatMap((id) => id.split(','))
        .filter(Boolean)
        .map((id) => ({ id }));

async function readData(ctx: Context): Promise<Record<string, unknown>> {
  const raw = ctx.flag('data-stdin') ? await ctx.io.stdin() : ctx.string('data');
  if (raw === undefined)
    throw new UsageError('put needs --data <json> or --data-stdin: see secrets put --help');
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (error) {
    throw new UsageError(`--data is not valid JSON: ${(error as Error).message}`);
  }
  return data as Record<string, unknown>;
}

/**
 * The roles a new shared secret gets when none are named: the creator's own, so the token that
 * wrote it reads it back (a writer or manager may not add its own role as a reader later). The
 * result says so: on stderr after the write, or in the JSON.
 */
function defaultRoles(roles: string[] | undefined, input: PutInput): PutInput {
  if (input.read_roles !== undefined || input.write_roles !== undefined || !roles || roles.length === 0)
    return input;
  const mine = roles.map((id) => ({ id }));
  return { ...input, read_roles: mine, write_roles: mine };
}

function sayWhoReads(
  ctx: Context,
  name: string,
  roles: string[] | undefined,
  input: PutInput,
  sent: PutInput,
) {
  if (ctx.json) return;
  if (sent !== input)
    ctx.say(
      `created "${name}" readable and writable by your roles: ${roles!.join(', ')} (--read-role/--write-role choose others)`,
    );
  else if (input.read_roles === undefined || input.read_roles.length === 0)
    ctx.say(`note: "${name}" has no read roles: nobody reads its value (--read-role names readers)`);
}

/** A create whose first version is not 1 took the name of a deleted secret, kept until its purge. */
async function noteDeletedPredecessor(ctx: Context, client: VaultClient, name: string, owner: Owner) {
  const created = await visible(client, name, owner).catch(() => undefined);
  if (!created || created.version <= 1) return;
  ctx.say(
    `note: a deleted secret named "${name}" is kept until its purge date: it cannot be restored while this new one holds the name (delete this one first); its kept versions (numbered below ${created.version}) stay readable to its own readers with \`secrets get ${name} --version N --reveal\``,
  );
}

export const put: CommandSpec = {
  name: 'put',
  args: '<name>',
  positionals: { min: 1, max: 1 },
  summary: 'create a secret (a taken name is refused, exit 5), or with --update write into an existing one',
  description: `Without --update, creates the secret; if the name is taken nothing is written (exit 5),
and the error names the existing secret's roles if you may see it. A new shared secret without
--read-role/--write-role gets your token's roles, so you read back what you write (it says so).

With --update, writes into an existing secret (exit 3 if there is none, so a mistyped name never
becomes a new secret): first prints to stderr the read and write roles (and owner) that will
receive the value (--output json adds them to the result), and writes only if the secret is
still at the version shown. A deleted name is free at once: a put makes a new secret, and the
deleted one can no longer be restored while the new one holds the name.`,
  options: {
    data: { type: 'string', value: '<json>', help: 'the secret data, a JSON object' },
    'data-stdin': {
      type: 'boolean',
      help: 'read the JSON data from stdin (keeps it out of your shell history)',
    },
    update: { type: 'boolean', help: 'write into an existing secret instead of creating one' },
    'read-role': {
      type: 'string',
      multiple: true,
      value: '<role>',
      help: 'a role that may read it (repeat, or r1,r2)',
    },
    'write-role': {
      type: 'string',
      multiple: true,
      value: '<role>',
      help: 'a role that may update it (repeat, or r1,r2)',
    },
    owner: {
      type: 'string',
      value: '<user id>',
      help: "a personal secret of this user (yours, or a manager's for another)",
    },
  },
  async run(ctx) {
    const name = ctx.name();
    const data = await readData(ctx);
    const input: PutInput = {
      data,
      read_roles: roleList(ctx.strings('read-role')),
      write_roles: roleList(ctx.strings('write-role')),
    };
    const ownerId = ctx.string('owner');
    const owner = ownerId === undefined ? {} : { owner: ownerId };
    const { client, claims } = await ctx.session();
    if (ctx.flag('update')) {
      // The JSON output names who received the value, as the notice on stderr did.
      ctx.print(await updateExisting(client, name, input, owner, ctx.say), ['name', 'version']);
      return EXIT.ok;
    }
    const sent = ownerId === undefined ? defaultRoles(claims?.roles, input) : input;
    const created = await createOnly(client, name, sent, owner);
    ctx.print(
      ctx.json && sent !== input
        ? { ...created, read_roles: sent.read_roles, write_roles: sent.write_roles }
        : created,
      ['name'],
    );
    if (ownerId === undefined) sayWhoReads(ctx, name, claims?.roles, input, sent);
    if (!ctx.json) await noteDeletedPredecessor(ctx, client, name, owner);
    return EXIT.ok;
  },
};
