import { vaultTokenKey } from '../../shared/auth/token-deps.ts';
import { Reply } from '../../shared/http/respond.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import * as operations from '../../shared/operations.ts';

const key = vaultTokenKey();

// Public keys only: anyone may cache them for a while (the key changes only with a redeploy).
export const handler = vaultHandler(
  operations.getJwks,
  async () => new Reply(await key.jwks(), { 'Cache-Control': 'public, max-age=300' }),
);
