/**
 * `secrets patch`: changes one field of a secret's data and keeps the others, with a JSON merge
 * patch (PATCH): the vault merges it into the stored data, so the other fields never cross the
 * wire and a writer without a read role can set a field. Like `put --update`, it says first who
 * receives the value, read from the metadata, and writes only if the secret is still at that
 * version (If-Match), so the value goes to no one but the roles it named.
 */
import { VaultApiError } from '../../vault-client.ts';
import type { CommandSpec } from '../command.ts';
import { Refusal, UsageError } from '../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { audienceOf, describeAudience } from './audience.ts';
import { explaining, notFoundHint } from './hints.ts';

export const patch: CommandSpec = {
  name: 'patch',
  args: '<name>',
  positionals: { min: 1, max: 1 },
  summary: "set one field of a secret's data, keeping the others",
  description: `Sets one field of the secret's data and keeps the others, which the vault merges in
(a JSON merge patch: no other field is read or sent, so a write role is enough). Prints to stderr
the roles that will receive the value, then writes a new version only if the secret is still at the
version shown (exit 5 if it changed meanwhile: run it again). With --json, an object merges into the
field's object and null removes the field.`,
  options: {
    field: { type: 'string', value: '<key>', help: 'the field to set' },
    value: { type: 'string', value: '<text>', help: 'its new value, a string (stays in your shell history)' },
    'value-stdin': { type: 'boolean', help: 'read the value from stdin (one trailing newline dropped)' },
    json: { type: 'boolean', help: 'the value is JSON (a number, object, …; null removes the field)' },
    owner: { type: 'string', value: '<user id>', help: 'a personal secret of this user' },
  },
  async run(ctx) {
    const name = ctx.name();
    const field = ctx.string('field');
    if (field === undefined) throw new UsageError('patch needs --field <key>: see secrets patch --help');
    const raw = ctx.flag('value-stdin') ? (await ctx.io.stdin()).replace(/\r?\n$/, '') : ctx.string('value');
    if (raw === undefined) throw new UsageError('patch needs --value <text> or --value-stdin');
    let value: unknown = raw;
    if (ctx.flag('json'))
      try {
        value = JSON.parse(raw);
      } catch {
        throw new UsageError('--json: the value is not valid JSON (it is not shown, being a secret)');
      }
    const ownerId = ctx.string('owner');
    const owner = ownerId === undefined ? {} : { owner: ownerId };
    const { client } = await ctx.session();
    // Metadata only: who receives the value and at which version, never the data.
    const current = await explaining(client.getMetadata(name, owner), notFoundHint(name));
    ctx.say(`updating "${name}" (version ${current.version}): ${describeAudience(audienceOf(current))}`);
    try {
      const written = await client.patchSecret(
        name,
        { data: { [field]: value } },
        { ...owner, ifMatch: current.version },
      );
      ctx.print({ ...written, ...(ctx.machine && audienceOf(current)) }, ['name', 'version']);
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof VaultApiError) || error.status !== 412) throw error;
      throw new Refusal(EXIT.conflict, {
        error_code: 'PRECONDITION_FAILED',
        error_message: `"${name}" changed after version ${current.version} was read: nothing was written; run patch again`,
      });
    }
  },
};
