/** `secrets rm`: deletes a secret, restorable until its purge date while the name stays free. */
import type { CommandSpec } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { explaining, notFoundHint, restorableUntil } from './hints.ts';

export const rm: CommandSpec = {
  name: 'rm',
  args: '<name>',
  positionals: { min: 1, max: 1 },
  summary: 'delete a secret (restorable until its purge date, while no new secret takes the name)',
  description: `Deletes the secret: it is no longer read, listed or searched, and its name is free at once.
Until its purge date (--recovery-days, 7 to 30, default 7) \`secrets restore\` brings it back with
its versions, as long as no new secret holds the name; a put of the name makes a new secret.
--force purges it at once, with every earlier deleted secret of the name (vaultManage or admin).`,
  options: {
    'recovery-days': { type: 'string', value: '<N>', help: 'days it stays restorable (7..30)' },
    force: { type: 'boolean', help: 'purge now: it cannot be restored' },
    owner: { type: 'string', value: '<user id>', help: 'a personal secret of this user' },
  },
  async run(ctx) {
    const name = ctx.name();
    const days = ctx.integer('recovery-days');
    const owner = ctx.string('owner');
    const { client } = await ctx.session();
    const deleted = await explaining(
      client.deleteSecret(name, {
        force: ctx.flag('force'),
        ...(days !== undefined && { recoveryWindowDays: days }),
        ...(owner !== undefined && { owner }),
      }),
      notFoundHint(name),
    );
    ctx.print(deleted, ['name', 'purge_at']);
    if (!ctx.machine)
      ctx.say(
        deleted.purge_at === undefined
          ? `"${name}" was purged: it cannot be restored`
          : `deleted: ${restorableUntil(name, deleted.purge_at)}`,
      );
    return EXIT.ok;
  },
};
