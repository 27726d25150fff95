import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadStoreConfig } from '../config.ts';
import { requestHandler, vaultDeps } from '../deps.ts';
import type { VaultDeps } from '../domain/ports.ts';
import { PowertoolsOnceRunner } from './idempotency.ts';

/**
 * The create functions' deps: the vault's plus Idempotency-Key records. Kept apart so that no
 * other function bundles the idempotency utility.
 */
export function idempotentDeps(): VaultDeps {
  const config = loadStoreConfig();
  const client = new DynamoDBClient({
    requestHandler,
    ...(config.dynamoEndpoint && { endpoint: config.dynamoEndpoint }),
  });
  // A day, as Stripe: long enough for any client's retries, short enough to free the key.
  return {
    ...vaultDeps(),
    once: new PowertoolsOnceRunner(client, { tableName: config.tableName, expiresAfterSeconds: 86_400 }),
  };
}
