/** `secrets logout`: forgets the login kept for a URL. */
import type { CommandSpec } from '../command.ts';
import { credentialsFile, readCredentials, writeCredentials } from '../credentials.ts';
import { EXIT } from '../exit-codes.ts';
import { vaultUrl } from '../session.ts';

export const logout: CommandSpec = {
  name: 'logout',
  positionals: { min: 0, max: 0 },
  summary: 'forget the login kept for the vault URL',
  description: `Removes the token kept for the URL (--url, else VAULT_URL, else the URL of your last login)
from your credentials file. The token itself stays valid until it expires.`,
  options: {},
  async run(ctx) {
    const file = credentialsFile(ctx.io.env);
    const credentials = readCredentials(file);
    const url = vaultUrl(ctx.string('url'), ctx.io.env, credentials);
    if (!credentials.logins[url]) {
      ctx.say(`not logged in to ${url}`);
      return EXIT.ok;
    }
    delete credentials.logins[url];
    if (credentials.current === url) delete credentials.current;
    writeCredentials(file, credentials);
    ctx.say(`logged out of ${url}`);
    return EXIT.ok;
  },
};
