/** Real adapters against the integration tier's DynamoDB Local and local KMS endpoint, one table per caller. */
import { randomUUID } from 'node:crypto';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { inject } from 'vitest';
import { ensureTable, LOCAL_AWS } from '../../infra/local/dynamodb-local.ts';
import { createDeps } from '../../shared/deps.ts';
import type { VaultDeps } from '../../shared/domain/ports.ts';

export interface LocalParts {
  deps: VaultDeps;
  tableName: string;
  keyId: string;
  kmsEndpoint: string;
  dynamoEndpoint: string;
}

export async function localParts(cache = { maxKeys: 100, ttlSeconds: 60 }): Promise<LocalParts> {
  const dynamoEndpoint = inject('dynamoEndpoint');
  const kmsEndpoint = inject('kmsEndpoint');
  Object.assign(process.env, {
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
  });
  const tableName = `t-${randomUUID()}`;
  // No stream: nothing here reads one, and streamed tables slow the shared DynamoDB Local.
  await ensureTable(dynamoEndpoint, tableName, { stream: false });
  const kms = new KMSClient({ ...LOCAL_AWS, endpoint: kmsEndpoint });
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
  kms.destroy();
  const keyId = KeyMetadata!.Arn!;
  const deps = createDeps({
    tableName,
    keyId,
    dynamoEndpoint,
    kmsEndpoint,
    dataKeyCache: cache,
    maxVersions: 5,
    // Tiny buckets, so that every suite splits and merges listing buckets as it goes.
    listingBucketSplitAt: 4,
    auditRetentionDays: 30,
    auditDenialsPerHour: 100,
    expiryWarningSeconds: 3600,
    rotationStepAttempts: 2,
    rotationRetrySeconds: 60,
    localRotatorsDir: undefined,
  });
  return { deps, tableName, keyId, kmsEndpoint, dynamoEndpoint };
}

/** Calls the local KMS endpoint received, by operation (its control route). */
export async function kmsCalls(kmsEndpoint: string): Promise<Record<string, number>> {
  return (await fetch(`${kmsEndpoint}/__local/stats`)).json() as Promise<Record<string, number>>;
}
