import { vaultJwksSource } from '../../shared/auth/vault-jwks.ts';
import { loadAuthConfig } from '../../shared/config.ts';
import { Reply } from '../../shared/http/respond.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import * as operations from '../../shared/operations.ts';

const own = loadAuthConfig().vaultIssuer;
if (!own) throw new Error('VAULT_TOKEN_ISSUER and VAULT_TOKEN_KEY_ID are required for the JWKS');
const jwks = vaultJwksSource(own);

// Public keys only: anyone may cache them for a while (the key changes only with a redeploy).
export const handler = vaultHandler(
  operations.getJwks,
  async () => new Reply(await jwks(), { 'Cache-Control': 'public, max-age=300' }),
);
