/**
 * The digest function's configuration and dependencies, built once at cold start. It alone holds
 * kms:Sign on the digest key and s3:PutObject on the digest bucket; it only reads the table.
 */
import type { SealDeps } from '../../shared/audit/seal.ts';
import { dynamoDocuments, kmsClient, s3Client } from '../../shared/aws/clients.ts';
import { KmsDigestSigner } from '../../shared/crypto/kms-digest-signer.ts';
import { DynamoAuditLanes } from '../../shared/store/dynamo-audit-lanes.ts';
import { S3DigestStore } from '../../shared/store/s3-digest-store.ts';

export interface SealConfig {
  tableName: string;
  /** The Object Lock bucket digests go to, and the key prefix within it. */
  bucket: string;
  prefix: string | undefined;
  /** The KMS key (ECC_NIST_P256, SIGN_VERIFY) only this function may sign with. */
  keyId: string;
  /** Digests are locked this long: as long as the entries they seal are kept. */
  retentionDays: number;
  dynamoEndpoint: string | undefined;
  kmsEndpoint: string | undefined;
}

const env = (name: string): string | undefined => process.env[name]?.trim() || undefined;
function required(name: string): string {
  const value = env(name);
  if (value === undefined) throw new Error(`Missing required environment variable ${name}`);
  return value;
}

export function loadSealConfig(): SealConfig {
  const retentionDays = Number(env('AUDIT_RETENTION_DAYS') ?? 365);
  if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 3650)
    throw new Error(`AUDIT_RETENTION_DAYS must be between 1 and 3650, got "${env('AUDIT_RETENTION_DAYS')}"`);
  return {
    tableName: required('TABLE_NAME'),
    bucket: required('AUDIT_DIGEST_BUCKET'),
    prefix: env('AUDIT_DIGEST_PREFIX'),
    keyId: required('AUDIT_DIGEST_KEY_ID'),
    retentionDays,
    dynamoEndpoint: env('DYNAMODB_ENDPOINT'),
    kmsEndpoint: env('KMS_ENDPOINT'),
  };
}

export async function createSealDeps(config: SealConfig): Promise<SealDeps> {
  return {
    lanes: new DynamoAuditLanes(dynamoDocuments({ endpoint: config.dynamoEndpoint }), {
      tableName: config.tableName,
    }),
    digests: new S3DigestStore(s3Client(), {
      bucket: config.bucket,
      prefix: config.prefix,
      retentionDays: config.retentionDays,
    }),
    signer: new KmsDigestSigner(kmsClient({ endpoint: config.kmsEndpoint }), config.keyId),
    clock: { now: () => new Date() },
  };
}
