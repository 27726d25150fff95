/** `secrets history`: a secret's versions, newest first (metadata only). */
import type { CommandSpec } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { explaining, notFoundHint } from './hints.ts';

export const history: CommandSpec = {
  name: 'history',
  args: '<name>',
  positionals: { min: 1, max: 1 },
  summary: "list a secret's versions, newest first",
  description: 'Lists the kept versions of the secret, newest first: number, time, author (no values).',
  options: {},
  async run(ctx) {
    const name = ctx.name();
    const { client } = await ctx.session();
    // A secret keeps at most 50 versions (MAX_VERSIONS): one page holds them all.
    const versions = await explaining(client.versions(name, { limit: 100 }), notFoundHint(name));
    ctx.print(versions.items, ['version', 'created', 'author', 'data_version']);
    return EXIT.ok;
  },
};
