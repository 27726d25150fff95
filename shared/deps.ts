import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadStoreConfig, type StoreConfig } from './config.ts';
import { KmsEnvelopeCipher } from './crypto/kms-cipher.ts';
import type { RotationDeps, VaultDeps } from './domain/ports.ts';
import { LambdaRotatorInvoker, ModuleRotatorInvoker } from './rotation/rotator-invokers.ts';
import { DynamoAuditLog } from './store/dynamo-audit-log.ts';
import { DynamoSecretStore } from './store/dynamo-secret-store.ts';
import { PowertoolsOnceRunner } from './store/idempotency.ts';

/** Builds the domain's dependencies from configuration: the only place SDK clients are made. */
export function createDeps(config: StoreConfig): VaultDeps {
  // Bounded waits: a dependency that hangs becomes a 503 the client may retry, not a request
  // that runs into the Lambda timeout.
  const requestHandler = { connectionTimeout: 1_000, requestTimeout: 3_000, throwOnRequestTimeout: true };
  const dynamo = new DynamoDBClient({
    requestHandler,
    ...(config.dynamoEndpoint && { endpoint: config.dynamoEndpoint }),
  });
  const db = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const kms = new KMSClient({ requestHandler, ...(config.kmsEndpoint && { endpoint: config.kmsEndpoint }) });
  return {
    secrets: new DynamoSecretStore(db, {
      tableName: config.tableName,
      maxVersions: config.maxVersions,
      expiryWarningSeconds: config.expiryWarningSeconds,
    }),
    cipher: new KmsEnvelopeCipher(kms, config.keyId, config.dataKeyCache),
    clock: { now: () => new Date() },
    audit: new DynamoAuditLog(db, { tableName: config.tableName, retentionDays: config.auditRetentionDays }),
    // A day, as Stripe: long enough for any client's retries, short enough to free the key.
    once: new PowertoolsOnceRunner(dynamo, { tableName: config.tableName, expiresAfterSeconds: 86_400 }),
  };
}

/** Rotation also invokes rotators: Lambdas, or local modules when LOCAL_ROTATORS_DIR is set. */
export function createRotationDeps(base: VaultDeps, config: StoreConfig): RotationDeps {
  const lambda = new LambdaRotatorInvoker(new LambdaClient({}));
  return {
    ...base,
    rotators: config.localRotatorsDir ? new ModuleRotatorInvoker(config.localRotatorsDir, lambda) : lambda,
    settings: {
      stepAttempts: config.rotationStepAttempts,
      retryAfterFailureSeconds: config.rotationRetrySeconds,
    },
  };
}

let shared: VaultDeps | undefined;
let rotation: RotationDeps | undefined;

export function rotationDeps(): RotationDeps {
  rotation ??= createRotationDeps(vaultDeps(), loadStoreConfig());
  return rotation;
}

/** One set per process, built on first use at cold start (the local server runs every handler in one process). */
export function vaultDeps(): VaultDeps {
  shared ??= createDeps(loadStoreConfig());
  return shared;
}
