/**
 * What runs without a request: the change-event publisher on the table's stream, the rotation
 * sweeper every minute, and (when the deployer gives a pattern) rotation on events. Each has a
 * dead-letter queue and an alarm on it; each function may do its own job only.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { EventBus, EventField, Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { TableAction } from '../../shared/operations.ts';
import type { VaultSettings } from '../settings.ts';
import { acknowledgeRotatorInvoke, rotatorInvokeStatements } from './operation-function.ts';
import type { VaultData } from './vault-data.ts';
import { VaultFunction } from './vault-function.ts';
import type { VaultMonitoring } from './vault-monitoring.ts';

export interface VaultBackgroundProps {
  data: VaultData;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  rotatorArns: readonly string[];
  rotationEvent: VaultSettings['rotationEvent'];
  monitoring: VaultMonitoring;
}

/**
 * What a rotation touches: heads, versions, rotation state and due items (writes outside audit
 * keys); it appends its own audit entries, and only appends.
 */
const ROTATION_TABLE_ACTIONS: readonly TableAction[] = ['GetItem', 'Query', 'PutItem', 'DeleteItem'];

export class VaultBackground extends Construct {
  readonly bus: EventBus;
  readonly publisher: VaultFunction;
  readonly sweeper: VaultFunction;
  readonly onEvent: VaultFunction | undefined;

  constructor(scope: Construct, id: string, props: VaultBackgroundProps) {
    super(scope, id);
    const { data, monitoring } = props;
    this.bus = new EventBus(this, 'Events', { description: 'Vault change events (never secret data)' });

    const dlq = (name: string) => {
      const queue = new Queue(this, `${name}Dlq`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is itself a dead-letter queue: what lands here is alarmed on and inspected by an operator.',
      });
      monitoring.alarm(
        `${name}DlqNotEmpty`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
        0,
        `Vault ${name}: something failed all its retries and waits in the dead-letter queue`,
      );
      return queue;
    };

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
        "dynamodb:ListStreams, added by the Lambda event source, cannot be scoped to a resource; every other stream action is on this table's stream only.",
    });
    this.publisher.function.addEventSource(
      new DynamoEventSource(data.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        retryAttempts: 10,
        onFailure: new SqsDlq(dlq('Publisher')),
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
    const rotationFunction = (name: string, handlerDir: string, description: string) => {
      const fn = new VaultFunction(this, name, {
        handlerDir,
        description,
        environment: props.environment,
        logRetention: props.logRetention,
        timeout: Duration.minutes(2),
      });
      fn.grant(
        ...data.itemStatements(ROTATION_TABLE_ACTIONS),
        data.auditAppendStatement(),
        data.tableKeyStatement(),
        ...rotatorInvokeStatements(props.rotatorArns),
      );
      acknowledgeRotatorInvoke(fn.role);
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
    );
    // One sweep at a time: a slow sweep is not doubled by the next minute's.
    new Rule(this, 'EveryMinute', {
      description: 'Vault: due rotations and expiry warnings',
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [
        new LambdaFunction(this.sweeper.function, { deadLetterQueue: dlq('Sweeper'), retryAttempts: 2 }),
      ],
    });

    if (props.rotationEvent) {
      this.onEvent = rotationFunction(
        'RotateOnEvent',
        'rotate-on-event',
        'Vault: rotates the secret an event names',
      );
      new Rule(this, 'RotateOnEventRule', {
        description:
          'Vault: rotate the secret named by a matching event (e.g. a credential-compromise finding)',
        eventPattern: props.rotationEvent.pattern,
        targets: [
          new LambdaFunction(this.onEvent.function, {
            deadLetterQueue: dlq('RotateOnEvent'),
            retryAttempts: 4,
            event: RuleTargetInput.fromObject({
              name: EventField.fromPath(props.rotationEvent.namePath),
              reason: EventField.detailType,
            }),
          }),
        ],
      });
    } else {
      this.onEvent = undefined;
    }
  }
}
