import { dynamoClient } from './aws/clients.ts';
import { loadStoreConfig } from './config.ts';
import { vaultDeps } from './deps.ts';
import type { VaultDeps } from './domain/ports.ts';
import { type Invocation, PowertoolsOnceRunner } from './store/idempotency.ts';

/**
 * How long an Idempotency-Key lives: a day, as Stripe: long enough for any client's retries, short
 * enough to free the key. Its record expires then, and the marker a create leaves on its secret
 * stops standing for it (a retry after that finds the name taken: 409).
 */
export const IDEMPOTENCY_KEY_LIFETIME_SECONDS = 86_400;

/**
 * The create functions' deps, per invocation: the vault's plus Idempotency-Key records, whose
 * "in progress" mark lasts no longer than the invocation. Kept apart so that no other function
 * bundles the idempotency utility.
 */
export function idempotentDeps(): (invocation: Invocation) => VaultDeps {
  const config = loadStoreConfig();
  const once = new PowertoolsOnceRunner(dynamoClient({ endpoint: config.dynamoEndpoint }), {
    tableName: config.tableName,
    expiresAfterSeconds: IDEMPOTENCY_KEY_LIFETIME_SECONDS,
  });
  const deps = vaultDeps();
  return (invocation) => ({ ...deps, once: once.forInvocation(invocation) });
}
