/**
 * Where the change-event publisher's failed stream batches go, records and all: an S3 on-failure
 * destination (Lambda writes the whole invocation record, the batch's records included, where an
 * SQS or SNS destination gets only shard and sequence pointers that expire with the stream after
 * 24 hours). Encrypted with a key of its own (the records are table items: metadata and sealed
 * data, so not with S3's key; not with the vault's either, whose policy would then have to name
 * this bucket, which names the key); an alarm as soon as one lands. The README's replay drill
 * sends a batch back to the publisher.
 */
import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type {
  DlqDestinationConfig,
  IEventSourceDlq,
  IEventSourceMapping,
  IFunction,
} from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { VaultMonitoring } from './vault-monitoring.ts';

/** The bucket's request-metrics filter: every put is a batch that failed all its retries. */
const METRICS_ID = 'FailedBatches';

export interface FailedBatchesProps {
  monitoring: VaultMonitoring;
  /** How long a failed batch is kept for replay (default 14 days). */
  retention?: Duration;
}

export class FailedBatches extends Construct implements IEventSourceDlq {
  readonly bucket: Bucket;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: FailedBatchesProps) {
    super(scope, id);
    // Its use is left to IAM (the default key policy): the publisher may encrypt through S3 for
    // this bucket only; operators who replay are given decrypt the same way.
    this.key = new Key(this, 'Key', {
      description: 'Vault: failed change-event batches (table records) in their bucket',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [{ expiration: props.retention ?? Duration.days(14) }],
      metrics: [{ id: METRICS_ID }],
      // Deleting the stack fails while a batch waits here, rather than deleting it unreplayed.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only Lambda writes here (one object per failed batch, alarmed on); operators read to replay. A deployer who ' +
        'wants object-level access records enables CloudTrail S3 data events rather than a log bucket.',
    });
    props.monitoring.alarm(
      'PublisherFailedBatches',
      new Metric({
        namespace: 'AWS/S3',
        metricName: 'PutRequests',
        dimensionsMap: { BucketName: this.bucket.bucketName, FilterId: METRICS_ID },
        statistic: 'Sum',
        period: Duration.minutes(1),
      }),
      0,
      'Vault change events: a stream batch failed all its retries; its records wait in the failed-batches bucket to be replayed',
      { periods: 1, datapoints: 1 },
    );
  }

  /** The event source's on-failure destination: the function may put objects here, nothing more. */
  bind(_target: IEventSourceMapping, targetHandler: IFunction): DlqDestinationConfig {
    targetHandler.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects('*')] }),
    );
    targetHandler.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    );
    // Through S3 only, for this bucket only (the key policy says the same).
    targetHandler.addToRolePolicy(
      new PolicyStatement({
        actions: ['kms:GenerateDataKey'],
        resources: [this.key.keyArn],
        conditions: {
          StringEquals: {
            'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com`,
            'kms:EncryptionContext:aws:s3:arn': this.bucket.bucketArn,
          },
        },
      }),
    );
    return { destination: this.bucket.bucketArn };
  }
}
