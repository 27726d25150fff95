/** `secrets get`: a secret's metadata, or with --reveal/--field its value. */
import type { CommandSpec } from '../command.ts';
import { UsageError } from '../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { envLines } from '../output.ts';
import { explaining, notFoundHint } from './hints.ts';

export const SECRET_COLUMNS = ['name', 'version', 'updated', 'updated_by'];

export const get: CommandSpec = {
  name: 'get',
  args: '<name>',
  positionals: { min: 1, max: 1 },
  envOutput: true,
  summary: 'show a secret (metadata only, unless --reveal or --field)',
  description: `Without --reveal or --field only the metadata is read, so the value never leaves the vault
(and no read is audited). --reveal shows the data, --field one field of it, bare (for scripts).
With --reveal, --output env prints the data as KEY='value' lines a shell can source.`,
  options: {
    reveal: { type: 'boolean', help: 'show the data' },
    field: { type: 'string', value: '<key>', help: 'print only this field of the data' },
    version: { type: 'string', value: '<N>', help: 'an earlier version (with --reveal or --field)' },
    stage: { type: 'string', value: 'previous|pending', help: 'a rotation stage (with --reveal or --field)' },
    owner: { type: 'string', value: '<user id>', help: 'a personal secret of this user' },
  },
  async run(ctx) {
    const name = ctx.name();
    const ownerId = ctx.string('owner');
    const owner = ownerId === undefined ? {} : { owner: ownerId };
    const field = ctx.string('field');
    const version = ctx.integer('version');
    const stage = ctx.string('stage');
    if (stage !== undefined && stage !== 'previous' && stage !== 'pending')
      throw new UsageError('--stage must be previous or pending');
    if (ctx.output === 'env' && !ctx.flag('reveal'))
      throw new UsageError('--output env prints the data: it needs --reveal');
    const { client } = await ctx.session();
    if (!ctx.flag('reveal') && field === undefined) {
      if (version !== undefined || stage !== undefined)
        throw new UsageError('--version and --stage need --reveal or --field');
      ctx.print(await explaining(client.getMetadata(name, owner), notFoundHint(name)), SECRET_COLUMNS);
      return EXIT.ok;
    }
    const secret = await explaining(
      client.getSecret(name, {
        ...owner,
        ...(version !== undefined && { version }),
        ...(stage !== undefined && { stage }),
      }),
      notFoundHint(name),
    );
    if (field !== undefined) {
      const value = secret.data?.[field];
      if (value === undefined) throw new UsageError(`the secret has no field ${field} you may read`);
      ctx.io.out(typeof value === 'string' ? value : JSON.stringify(value));
      return EXIT.ok;
    }
    if (ctx.output === 'env') ctx.io.out(envLines(secret.data ?? {}));
    else ctx.print(secret, [...SECRET_COLUMNS, 'data']);
    return EXIT.ok;
  },
};
