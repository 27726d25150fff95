/** `secrets ls`: the secrets you may list, or search, or one user's personal ones. */
import type { Secret } from '../../vault-client.ts';
import type { CommandSpec } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { SECRET_COLUMNS } from './get.ts';

export const ls: CommandSpec = {
  name: 'ls',
  positionals: { min: 0, max: 0 },
  summary: 'list the secrets you may list (--search keywords, --owner for personal ones)',
  description: 'Lists the shared secrets you may list (names and metadata, never values), all pages.',
  options: {
    search: { type: 'string', value: '<keywords>', help: 'only secrets matching these keywords' },
    owner: { type: 'string', value: '<user id>', help: "this user's personal secrets" },
  },
  async run(ctx) {
    const { client } = await ctx.session();
    const owner = ctx.string('owner');
    const keywords = ctx.string('search');
    const source = keywords
      ? client.searchSecrets({
          keywords,
          ...(owner !== undefined && { owner_id: [owner], filter: 'personal' }),
        })
      : client.listSecrets(owner === undefined ? {} : { owner });
    const items: Secret[] = [];
    for await (const secret of source) items.push(secret);
    ctx.print(items, SECRET_COLUMNS);
    return EXIT.ok;
  },
};
