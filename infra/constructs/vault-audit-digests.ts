/**
 * Signed, chained digests of the audit trail, as CloudTrail keeps its digest files: a seal
 * function on a schedule, a KMS signing key (ECC_NIST_P256) only that function may sign with, and
 * an S3 bucket with Object Lock in compliance mode where only that function may put digests and
 * nobody (root included) may delete or shorten one before the trail's retention is over.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { GraphWidget, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import {
  AccountRootPrincipal,
  AnyPrincipal,
  Effect,
  PolicyDocument,
  PolicyStatement,
} from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { FilterPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectLockRetention,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AUDIT_INDEX, TABLE_KEYS } from '../../shared/store/table.ts';
import { failingInto, failureQueue } from './failure-queue.ts';
import { AUDIT_KEYS, type VaultData } from './vault-data.ts';
import { VaultFunction } from './vault-function.ts';
import type { VaultMonitoring } from './vault-monitoring.ts';

/** Where in the bucket digests go (`<prefix><10-digit seq>.json`); the function is told so, and IAM names it. */
export const DIGEST_PREFIX = 'audit-digests/';

/** What the digest signer (shared/crypto/kms-digest-signer.ts) asks of KMS: the key policy allows this alone. */
export const DIGEST_SIGNING = { algorithm: 'ECDSA_SHA_256', messageType: 'DIGEST' } as const;

/**
 * Administration of the signing key, never use. No kms:CreateGrant (a grant could hand kms:Sign to
 * another principal past this policy); kms:PutKeyPolicy stays, as the stack must be able to update
 * the policy, and every use of it is in CloudTrail.
 */
export const SIGNING_KEY_ADMIN_ACTIONS = [
  'kms:CreateAlias',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];

/** What the seal logs when the trail contradicts its digests (lambdas/seal-audit/handler.ts). */
const CONTRADICTION_MESSAGE = 'audit trail contradicts its digests';

export interface VaultAuditDigestsProps {
  data: VaultData;
  retentionDays: number;
  intervalMinutes: number;
  logRetention: RetentionDays;
  monitoring: VaultMonitoring;
  /**
   * One seal at a time by reserved concurrency 1 (default true). Lambda refuses it while the
   * account's concurrency quota is under about 100 (new accounts: 10 or 50); without it two racing seals are still safe
   * (one loses its conditional write and the next seal goes on from the winner's digest).
   */
  reserveConcurrency?: boolean;
}

export class VaultAuditDigests extends Construct {
  readonly key: Key;
  readonly bucket: Bucket;
  readonly sealer: VaultFunction;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: VaultAuditDigestsProps) {
    super(scope, id);
    const { data, monitoring } = props;

    // --- Stateful: the key and the bucket, kept whatever the stack's removal policy (a digest
    // outlives the stack as long as the entries it seals must be provable).
    this.key = new Key(this, 'SigningKey', {
      description: 'Vault: signs audit digests (ECDSA P-256); only the seal function may sign',
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'KeyAdministrationByAccount',
            principals: [new AccountRootPrincipal()],
            actions: SIGNING_KEY_ADMIN_ACTIONS,
            resources: ['*'],
          }),
          // Auditors fetch the public key (or verify through KMS) with IAM permissions of their own.
          new PolicyStatement({
            sid: 'PublicKeyForAuditors',
            principals: [new AccountRootPrincipal()],
            actions: ['kms:GetPublicKey', 'kms:Verify', 'kms:DescribeKey'],
            resources: ['*'],
          }),
        ],
      }),
    });

    this.bucket = new Bucket(this, 'Bucket', {
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(props.retentionDays)),
      versioned: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        "Every write is the seal function's own (logged by it, one object per seal); reads are of signed, public digests. " +
        'A deployer who wants object-level access records enables CloudTrail S3 data events rather than a log bucket.',
    });

    // --- The seal function: reads audit keys, signs, writes digests; one run at a time.
    this.sealer = new VaultFunction(this, 'Sealer', {
      handlerDir: 'seal-audit',
      description: 'Vault: seals the audit trail into a signed digest chained to the previous one',
      environment: {
        TABLE_NAME: data.table.tableName,
        AUDIT_DIGEST_BUCKET: this.bucket.bucketName,
        AUDIT_DIGEST_PREFIX: DIGEST_PREFIX,
        AUDIT_DIGEST_KEY_ID: this.key.keyArn,
        AUDIT_RETENTION_DAYS: String(props.retentionDays),
      },
      logRetention: props.logRetention,
      timeout: Duration.minutes(5),
      // Two seals racing for one number: one loses. One at a time instead; a throttled run waits in Lambda's queue.
      ...(props.reserveConcurrency !== false && { reservedConcurrentExecutions: 1 }),
    });
    const role = this.sealer.role;
    this.sealer.grant(
      // A lane's head and entries (shared/store/dynamo-audit-lanes.ts).
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [data.table.tableArn],
        conditions: AUDIT_KEYS,
      }),
      // Lanes with entries since a day: the index holds audit entries only (its key is theirs alone).
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${data.table.tableArn}/index/${AUDIT_INDEX.name}`],
      }),
      // The first seal finds every lane by a scan: of the keys only, never an item's other attributes.
      new PolicyStatement({
        actions: ['dynamodb:Scan'],
        resources: [data.table.tableArn],
        conditions: {
          'ForAllValues:StringEquals': {
            'dynamodb:Attributes': [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey],
          },
          StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        },
      }),
      data.tableKeyStatement(),
      // A put with Object Lock headers is also authorized as s3:PutObjectRetention (which compliance
      // mode lets only lengthen a lock).
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:PutObjectRetention', 's3:GetObject'],
        resources: [this.bucket.arnForObjects(`${DIGEST_PREFIX}*`)],
      }),
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': `${DIGEST_PREFIX}*` } },
      }),
    );
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${DIGEST_PREFIX}*]`,
      reason:
        'Digest objects are named by sequence number at run time; the wildcard covers only the digest prefix.',
    });

    // Only the seal function signs: named in the key policy, for digests with the one algorithm.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'SignDigestsBySealFunctionOnly',
        principals: [role],
        actions: ['kms:Sign'],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'kms:SigningAlgorithm': DIGEST_SIGNING.algorithm,
            'kms:MessageType': DIGEST_SIGNING.messageType,
          },
        },
      }),
    );

    // Belt and braces over Object Lock: nobody else writes digests, nobody deletes or unlocks one.
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'DigestsWrittenBySealFunctionOnly',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutObject', 's3:PutObjectRetention'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': role.roleArn } },
      }),
    );
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'DigestsNeverDeletedOrUnlocked',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );

    this.schedule = new Rule(this, 'Schedule', {
      description: `Vault: seal the audit trail every ${props.intervalMinutes} minutes`,
      schedule: Schedule.rate(Duration.minutes(props.intervalMinutes)),
      // A missed run is not lost: the next digest seals every lane that moved since the last one.
      // So a run older than one interval is given up (the next is due), and lands in the queue.
      targets: [
        failingInto(
          this.sealer.function,
          failureQueue(this, 'Seal', monitoring, 'a seal of the audit trail'),
          { retryAttempts: 2, maxEventAge: Duration.minutes(Math.max(1, props.intervalMinutes)) },
        ),
      ],
    });
    monitoring.dashboard.addWidgets(
      new GraphWidget({
        title: 'Seal (background)',
        left: [
          this.sealer.function.metricErrors({ label: 'Seal errors' }),
          this.sealer.function.metricThrottles({ label: 'Seal throttles' }),
        ],
        right: [this.sealer.function.metricDuration({ statistic: 'p99', label: 'Seal duration p99' })],
        width: 8,
        height: 5,
      }),
    );

    // Two failed seals in three intervals: the trail is going unsealed.
    monitoring.alarm(
      'SealAuditErrors',
      this.sealer.function.metricErrors({ period: Duration.minutes(props.intervalMinutes) }),
      0,
      'Vault audit seal failed: the trail is not being sealed',
    );
    // A seal that finds a lane shorter than, or different from, what a digest sealed sees it once.
    new MetricFilter(this, 'Contradictions', {
      logGroup: this.sealer.function.logGroup,
      metricNamespace: 'Vault',
      metricName: 'AuditTrailContradictions',
      filterPattern: FilterPattern.stringValue('$.message', '=', CONTRADICTION_MESSAGE),
      metricValue: '1',
    });
    monitoring.alarm(
      'AuditTrailContradictions',
      new Metric({
        namespace: 'Vault',
        metricName: 'AuditTrailContradictions',
        statistic: 'Sum',
        period: Duration.minutes(1),
      }),
      0,
      'The audit trail contradicts its signed digests: entries were deleted or rewritten (run audit:verify)',
      { periods: 1, datapoints: 1 },
    );
  }
}
