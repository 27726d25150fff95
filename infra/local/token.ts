/**
 * Prints a bare JWT that the local server accepts:
 *   npm run --silent token -- --sub alice --scopes user,vaultAdd --roles ops,dev [--ttl 3600] [--state-dir .local]
 */
import { parseArgs } from 'node:util';
import { devIssuer } from './dev-issuer.ts';

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

const { values } = parseArgs({
  options: {
    sub: { type: 'string', default: 'dev' },
    scopes: { type: 'string', default: 'user' },
    roles: { type: 'string', default: '' },
    ttl: { type: 'string', default: '3600' },
    'state-dir': { type: 'string', default: process.env.VAULT_STATE_DIR ?? '.local' },
  },
});

const ttlSeconds = Number(values.ttl);
if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
  console.error('--ttl must be a positive number of seconds');
  process.exit(2);
}
const issuer = await devIssuer(values['state-dir']);
console.log(
  await issuer.mint({ sub: values.sub, scopes: list(values.scopes), roles: list(values.roles), ttlSeconds }),
);
