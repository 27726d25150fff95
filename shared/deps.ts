import { dynamoDocuments, kmsClient } from './aws/clients.ts';
import { loadStoreConfig, type StoreConfig } from './config.ts';
import { KmsEnvelopeCipher } from './crypto/kms-cipher.ts';
import type { VaultDeps } from './domain/ports.ts';
import { DynamoAuditLog } from './store/dynamo-audit-log.ts';
import { DynamoSecretStore } from './store/dynamo-secret-store.ts';

/** Builds the domain's dependencies from configuration (its SDK clients come from aws/clients.ts). */
export function createDeps(config: StoreConfig): VaultDeps {
  const db = dynamoDocuments({ endpoint: config.dynamoEndpoint });
  const kms = kmsClient({ endpoint: config.kmsEndpoint });
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
