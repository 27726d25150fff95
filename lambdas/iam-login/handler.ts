import { iamLoginDeps } from '../../shared/auth/token-deps.ts';
import { iamLogin } from '../../shared/domain/iam-login.ts';
import { iamCallerOf } from '../../shared/http/iam-caller.ts';
import { Reply } from '../../shared/http/respond.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import * as operations from '../../shared/operations.ts';

// The mapping is checked here, at cold start: a bad one fails the function's start, not a login.
const { deps, settings } = iamLoginDeps();

export const handler = vaultHandler(operations.iamLogin, async ({ traceId }, event) => {
  const { accessToken, expiresIn } = await iamLogin(deps, settings, iamCallerOf(event, traceId));
  // RFC 6749 §5.1: a token response is never cached (the stack's no-store applies).
  return new Reply({ access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn });
});
