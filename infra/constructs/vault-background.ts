/**
 * What runs without a request: the change-event publisher on the table's stream, the rotation
 * sweeper every minute, and (when the deployer gives a pattern) rotation on events. Nothing fails
 * silently: the publisher's failed batches land, records and all, in a bucket with an alarm; the
 * functions invoked asynchronously retry, age out and land in a dead-letter queue with an alarm.
 * Each function may do its own job only.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { GraphWidget } from 'aws-cdk-lib/aws-cloudwatch';
import { EventBus, EventField, Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { TableAction } from '../../shared/operations.ts';
import { FailedBatches } from './failed-batches.ts';
import { failingInto, failureQueue } from './failure-queue.ts';
import { rotatorEnvironment, rotatorInvokeStatements } from './operation-function.ts';
import type { VaultData } from './vault-data.ts';
import { VaultFunction } from './vault-function.ts';
import type { VaultMonitoring } from './vault-monitoring.ts';

/** An EventBridge pattern whose events start a rotation, and where in them the secret's name is (`$.detail…`). */
export interface RotationEventRule {
  pattern: Record<string, unknown>;
  namePath: string;
}

/**
 * How the sweeper is kept from overlapping itself:
 * - `reserved-concurrency` (default): one instance at most; a sweep due while one runs waits for it.
 *   Lambda refuses any reservation that leaves the account's unreserved concurrency below its floor
 *   (100, or the whole quota while that is under 100): an account still at a starting quota of 10
 *   or 50 can reserve nothing until the quota is raised (the audit seal's reservation needs it too).
 * - `timeout`: no reservation; each sweep is cut off before the next minute's starts (50 s) and a
 *   failed one is not retried (the next minute's sweep is the retry). Overlap is still possible
 *   when Lambda delays an invocation, but never from the sweeper's own length.
 */
export type SweeperSingleRun = 'reserved-concurrency' | 'timeout';

export interface VaultBackgroundProps {
  data: VaultData;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  /** Rotator Lambdas the rotating functions may invoke (default none). */
  rotatorArns?: readonly string[];
  rotationEvent?: RotationEventRule | undefined;
  monitoring: VaultMonitoring;
  /** Default `reserved-concurrency`. */
  sweeperSingleRun?: SweeperSingleRun;
  /** How long a failed stream batch is kept in the bucket for replay (default 14 days). */
  failedBatchRetention?: Duration;
}

/**
 * What a rotation touches: heads, versions, rotation state and due items, and the change counters
 * of the shared listing's directory (writes outside audit keys); it appends its own audit
 * entries, and only appends.
 */
const ROTATION_TABLE_ACTIONS: readonly TableAction[] = [
  'GetItem',
  'Query',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
];

const SWEEP_INTERVAL = Duration.minutes(1);

export class VaultBackground extends Construct {
  readonly bus: EventBus;
  readonly publisher: VaultFunction;
  readonly failedBatches: FailedBatches;
  readonly sweeper: VaultFunction;
  readonly onEvent: VaultFunction | undefined;

  constructor(scope: Construct, id: string, props: VaultBackgroundProps) {
    super(scope, id);
    const { data, monitoring } = props;
    const rotatorArns = props.rotatorArns ?? [];
    const singleRun = props.sweeperSingleRun ?? 'reserved-concurrency';
    this.bus = new EventBus(this, 'Events', { description: 'Vault change events (never secret data)' });

    // --- Change events: stream → publisher → bus.
    this.publisher = new VaultFunction(this, 'Publisher', {
      handlerDir: 'publish-events',
      description: 'Vault: publishes change events from the table stream to EventBridge',
      environment: { EVENT_BUS_NAME: this.bus.eventBusName },
      logRetention: props.logRetention,
      timeout: Duration.seconds(30),
    });
    if (!data.table.tableStreamArn) throw new Error('the table has no stream');
    // The event source grants the stream reads itself (and the key's decrypt, which the key policy
    // allows only through DynamoDB).
    this.publisher.grant(
      new PolicyStatement({ actions: ['events:PutEvents'], resources: [this.bus.eventBusArn] }),
    );
    Validations.of(this.publisher.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "dynamodb:ListStreams, added by the Lambda event source, and X-Ray's PutTraceSegments and PutTelemetryRecords " +
        "cannot be scoped to a resource; every other stream action is on this table's stream only.",
    });
    this.failedBatches = new FailedBatches(this, 'FailedBatches', {
      monitoring,
      ...(props.failedBatchRetention && { retention: props.failedBatchRetention }),
    });
    const bucketId = Stack.of(this).getLogicalId(this.failedBatches.bucket.node.defaultChild as CfnBucket);
    Validations.of(this.publisher.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
      reason:
        'Lambda names each failed batch object itself; the wildcard covers only the failed-batches bucket.',
    });
    Validations.of(this.publisher.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously by its stream event source mapping, whose on-failure destination (the failed-batches ' +
        'bucket, alarmed) keeps what fails; a function dead-letter queue would never receive anything.',
    });
    this.publisher.function.addEventSource(
      new DynamoEventSource(data.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        retryAttempts: 10,
        onFailure: this.failedBatches,
        // Only secret heads and rotation state make events: the rest of the stream never wakes it.
        filters: [FilterCriteria.filter({ dynamodb: { Keys: { pk: { S: FilterRule.beginsWith('S#') } } } })],
      }),
    );
    monitoring.alarm(
      'PublisherIteratorAge',
      this.publisher.function.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) }),
      60_000,
      'Change events lag the table by more than a minute',
    );

    // --- Rotation: the sweeper every minute, and rotation on events.
    const rotationFunction = (
      name: string,
      handlerDir: string,
      description: string,
      limits: { timeout: Duration; reservedConcurrentExecutions?: number },
    ) => {
      const fn = new VaultFunction(this, name, {
        handlerDir,
        description,
        environment: { ...props.environment, ...rotatorEnvironment(rotatorArns) },
        logRetention: props.logRetention,
        ...limits,
      });
      fn.grant(
        ...data.itemStatements(ROTATION_TABLE_ACTIONS),
        ...data.auditAppendStatements(),
        data.tableKeyStatement(),
        ...rotatorInvokeStatements(rotatorArns),
      );
      data.allowEnvelope(fn.role, ['Decrypt', 'GenerateDataKey'], 'shared');
      monitoring.alarm(
        `${name}Errors`,
        fn.function.metricErrors({ period: Duration.minutes(1) }),
        0,
        `Vault ${name} failed`,
      );
      return fn;
    };

    this.sweeper = rotationFunction(
      'Sweeper',
      'rotation-sweeper',
      'Vault: runs due rotations and expiry warnings every minute',
      singleRun === 'reserved-concurrency'
        ? { timeout: Duration.minutes(2), reservedConcurrentExecutions: 1 }
        : { timeout: Duration.seconds(50) },
    );
    new Rule(this, 'EveryMinute', {
      description: 'Vault: due rotations and expiry warnings',
      schedule: Schedule.rate(SWEEP_INTERVAL),
      targets: [
        failingInto(
          this.sweeper.function,
          failureQueue(this, 'Sweeper', monitoring, 'a sweep of due rotations'),
          // The next minute's sweep is the retry: what was due stays due. A sweep waiting behind a
          // slow one (reserved concurrency) may wait a few minutes; waiting longer means sweeps
          // cannot keep up, and that is worth the alarm.
          singleRun === 'reserved-concurrency'
            ? { retryAttempts: 0, maxEventAge: Duration.minutes(5) }
            : { retryAttempts: 0, maxEventAge: Duration.seconds(60) },
        ),
      ],
    });

    if (props.rotationEvent) {
      this.onEvent = rotationFunction(
        'RotateOnEvent',
        'rotate-on-event',
        'Vault: rotates the secret an event names',
        {
          timeout: Duration.minutes(2),
        },
      );
      new Rule(this, 'RotateOnEventRule', {
        description:
          'Vault: rotate the secret named by a matching event (e.g. a credential-compromise finding)',
        eventPattern: props.rotationEvent.pattern,
        targets: [
          failingInto(
            this.onEvent.function,
            failureQueue(this, 'RotateOnEvent', monitoring, 'a rotation asked for by an event'),
            // A compromise finding must not be lost to a blip: Lambda's retries, then an hour of waiting at most.
            { retryAttempts: 2, maxEventAge: Duration.hours(1) },
            {
              event: RuleTargetInput.fromObject({
                name: EventField.fromPath(props.rotationEvent.namePath),
                reason: EventField.detailType,
              }),
            },
          ),
        ],
      });
    } else {
      this.onEvent = undefined;
    }

    const background: Array<[string, VaultFunction]> = [
      ['Publisher', this.publisher],
      ['Sweeper', this.sweeper],
      ...(this.onEvent ? [['RotateOnEvent', this.onEvent] as [string, VaultFunction]] : []),
    ];
    monitoring.dashboard.addWidgets(
      ...background.map(
        ([name, { function: fn }]) =>
          new GraphWidget({
            title: `${name} (background)`,
            left: [
              fn.metricErrors({ label: `${name} errors` }),
              fn.metricThrottles({ label: `${name} throttles` }),
            ],
            right: [fn.metricDuration({ statistic: 'p99', label: `${name} duration p99` })],
            width: 8,
            height: 5,
          }),
      ),
    );
  }
}
