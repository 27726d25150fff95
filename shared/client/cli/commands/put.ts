/**
 * `secrets put`: never writes a value into a secret it did not create without saying so. Whoever
 * created a secret chose its roles, and its readers receive every value written into it. So a
 * plain `put` only creates, and a taken name is refused (exit 5); `put --update` only updates
 * (exit 3 when there is nothing to update: creating there would hide a mistyped name and give the
 * new secret roles nobody looked at), and first prints the readers, writers and owner the value
 * goes to.
 */
import type { VaultClient } from '../../vault-client.ts';
import type { CommandSpec, Context } from '../command.ts';
import { UsageError } from '../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { type Owner, visible } from './audience.ts';
import { createOnly, type PutInput, updateExisting } from './put-rules.ts';

const roleList = (ids: string[] | undefined) =>
  ids === undefined
    ? undefined
    : ids
        .flatMap((id) => id.split(','))
        .filter(Boolean)
        .map((id) => ({ id }));

async function readData(ctx: Context): Promise<Record<string, unknown> | undefined> {
  const raw = ctx.flag('data-stdin') ? await ctx.io.stdin() : ctx.string('data');
  if (raw === undefined) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new UsageError('--data is not valid JSON (its text is not shown: it holds secrets)');
  }
  return data as Record<string, unknown>;
}

function tagList(tags: string[] | undefined): PutInput['tags'] {
  return tags?.map((tag) => {
    const at = tag.indexOf('=');
    if (at <= 0) throw new UsageError(`--tag takes key=value, not "${tag}"`);
    return { key: tag.slice(0, at), value: tag.slice(at + 1) };
  });
}

/** The put as the command line states it; a create needs data, an update at least one change. */
async function inputOf(ctx: Context): Promise<PutInput> {
  const description = ctx.string('description');
  const expires = ctx.string('expires');
  const tags = tagList(ctx.strings('tag'));
  const input: PutInput = {
    data: await readData(ctx),
    read_roles: roleList(ctx.strings('read-role')),
    write_roles: roleList(ctx.strings('write-role')),
    ...(description !== undefined && { description }),
    ...(tags !== undefined && { tags }),
    ...(expires !== undefined && { expires }),
  };
  if (ctx.flag('update')) {
    if (Object.values(input).every((value) => value === undefined))
      throw new UsageError(
        'put --update needs something to change: --data, a role, --description, --tag or --expires',
      );
  } else if (input.data === undefined)
    throw new UsageError('put needs --data <json> or --data-stdin: see secrets put --help');
  return input;
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
  if (ctx.machine) return;
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
    description: {
      type: 'string',
      value: '<text>',
      help: 'what the secret is for ("" clears it on --update)',
    },
    tag: {
      type: 'string',
      multiple: true,
      value: '<key=value>',
      help: 'a tag (repeat); on --update the tags given replace all',
    },
    expires: {
      type: 'string',
      value: '<RFC 3339>',
      help: 'after this time the data is refused (410); "" clears it on --update',
    },
  },
  async run(ctx) {
    const name = ctx.name();
    const input = await inputOf(ctx);
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
      ctx.machine && sent !== input
        ? { ...created, read_roles: sent.read_roles, write_roles: sent.write_roles }
        : created,
      ['name'],
    );
    if (ownerId === undefined) sayWhoReads(ctx, name, claims?.roles, input, sent);
    if (!ctx.machine) await noteDeletedPredecessor(ctx, client, name, owner);
    return EXIT.ok;
  },
};
