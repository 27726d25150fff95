import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadStoreConfig, type StoreConfig } from './config.ts';
import { KmsEnvelopeCipher } from './crypto/kms-cipher.ts';
import type { VaultDeps } from './domain/ports.ts';
import { DynamoAuditLog } from './store/dynamo-audit-log.ts';
import { DynamoSecretStore } from './store/dynamo-secret-store.ts';

/**
 * Bounded waits for every SDK client: a dependency that hangs becomes a 503 the client may retry,
 * not a request that runs into the Lambda timeout.
 */
export const requestHandler = {
  connectionTimeout: 1_000,
  requestTimeout: 3_000,
  throwOnRequestTimeout: true,
};

/** Builds the domain's dependencies from configuration: the only place SDK clients are made. */
export function createDeps(config: StoreConfig): VaultDeps {
  const dynamo = new DynamoDBClient({
    requestHandler,
    ...(config.dynamoEndpoint && { endpoint: config.dynamoEndpoint }),
  });
  const db = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const kms = new KMSClient({ requestHandler, ...(config.kmsEndpoint && { endpoint: config.kmsEndpoint }) });
  const audit = new DynamoAuditLog(db, {
    tableName: config.tableName,
    retentionDays: config.auditRetentionDays,
    denialsPerHour: config.auditDenialsPerHour,
  });
  return {
    secrets: new DynamoSecretStore(db, {
      trail: audit,
      tableName: config.tableName,
      maxVersions: config.maxVersions,
      expiryWarningSeconds: config.expiryWarningSeconds,
      listingBucketSplitAt: config.listingBucketSplitAt,
    }),
    cipher: new KmsEnvelopeCipher(kms, config.keyId, config.dataKeyCache),
    clock: { now: () => new Date() },
    audit,
  };
}

let shared: VaultDeps | undefined;

/** One set per process, built on first use at cold start (the local server runs every handler in one process). */
export function vaultDeps(): VaultDeps {
  shared ??= createDeps(loadStoreConfig());
  return shared;
}
