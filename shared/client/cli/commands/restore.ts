/** `secrets restore`: brings a deleted secret back while its name is free. */
import type { CommandSpec } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { explaining } from './hints.ts';

export const restore: CommandSpec = {
  name: 'restore',
  args: '<name>',
  positionals: { min: 1, max: 1 },
  summary: 'bring a deleted secret back, with its versions, until its purge date',
  description: `Brings back the newest deleted secret of the name, with its versions, until its purge date,
while the name is free. When a new secret holds the name, delete that one first. Needs the right
to delete it (vaultManage or admin; the owner for a personal secret).`,
  options: {
    owner: { type: 'string', value: '<user id>', help: 'a personal secret of this user' },
  },
  async run(ctx) {
    const name = ctx.name();
    const owner = ctx.string('owner');
    const { client } = await ctx.session();
    const restored = await explaining(
      client.restoreSecret(name, owner === undefined ? {} : { owner }),
      (error) => {
        if (error.status === 404)
          return `: nothing named "${name}" to restore that you may see (never deleted, or purged: after its purge date, or with rm --force)`;
        if (error.code === 'RULE_VIOLATION')
          return `: a secret holds the name "${name}". A deleted secret of that name, if one is kept, can be restored only while the name is free: \`secrets rm ${name}\` first, then restore brings back the newest deleted one`;
        return undefined;
      },
    );
    ctx.print(restored, ['name', 'version']);
    return EXIT.ok;
  },
};
