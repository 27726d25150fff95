/** `secrets rotate`: rotates a secret now with its rotation settings. */
import type { CommandSpec } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { explaining, notFoundHint } from './hints.ts';

export const rotate: CommandSpec = {
  name: 'rotate',
  args: '<name>',
  positionals: { min: 1, max: 1 },
  summary: 'rotate a secret now, with its rotation settings',
  description:
    'Runs the secret’s rotator now: a new version with a fresh value (see the API’s rotation settings).',
  options: {},
  async run(ctx) {
    const name = ctx.name();
    const { client } = await ctx.session();
    ctx.print(await explaining(client.rotateSecret(name), notFoundHint(name)), ['name', 'version']);
    return EXIT.ok;
  },
};
