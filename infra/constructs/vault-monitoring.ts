/**
 * Alarms to an SNS topic and one dashboard: API 5xx rate and p99 latency, each function's errors
 * and throttles, DynamoDB throttles, and key-service failures (read from the functions' logs).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { FilterPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface VaultMonitoringProps {
  api: RestApi;
  table: Table;
  functions: ReadonlyArray<{ id: string; function: NodejsFunction }>;
  alarmEmail: string | undefined;
}

const NAMESPACE = 'Vault';

export class VaultMonitoring extends Construct {
  readonly topic: Topic;

  /**
   * An alarm to the vault's topic when `metric` goes above `threshold` in 2 of 3 periods, or as
   * `options` say (an event that happens once, as a seal finding the trail rewritten, needs 1 of 1).
   */
  alarm(
    name: string,
    metric: IMetric,
    threshold: number,
    description: string,
    options: { periods?: number; datapoints?: number } = {},
  ): Alarm {
    const created = new Alarm(this, name, {
      metric,
      threshold,
      evaluationPeriods: options.periods ?? 3,
      datapointsToAlarm: options.datapoints ?? 2,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    created.addAlarmAction(new SnsAction(this.topic));
    return created;
  }

  constructor(scope: Construct, id: string, props: VaultMonitoringProps) {
    super(scope, id);
    // Its own small key: CloudWatch must be able to use it, which the vault's key never allows.
    const topicKey = new Key(this, 'AlarmTopicKey', {
      description: 'Vault alarm topic encryption',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    topicKey.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Alarms', {
      displayName: 'Vault alarms',
      masterKey: topicKey,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const alarm = (name: string, metric: IMetric, threshold: number, description: string) =>
      this.alarm(name, metric, threshold, description);

    const period = Duration.minutes(1);
    const requests = props.api.metricCount({ period });
    const serverErrors = props.api.metricServerError({ period });
    const errorRate = new MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { requests, errors: serverErrors },
      period,
      label: '5xx %',
    });
    const p99 = props.api.metricLatency({ period, statistic: 'p99' });
    alarm('Api5xxRate', errorRate, 1, 'More than 1% of API requests failed with a 5xx');
    alarm('ApiLatencyP99', p99, 1000, 'API p99 latency above 1 s');

    const fnErrors: IMetric[] = [];
    const fnThrottles: IMetric[] = [];
    for (const { id: opId, function: fn } of props.functions) {
      const errors = fn.metricErrors({ period });
      const throttles = fn.metricThrottles({ period });
      fnErrors.push(errors);
      fnThrottles.push(throttles);
      alarm(`${opId}Errors`, errors, 0, `Lambda ${opId} raised errors`);
      alarm(`${opId}Throttles`, throttles, 0, `Lambda ${opId} was throttled`);
      // The error shaper logs key-service failures with their code; the log becomes the metric.
      new MetricFilter(this, `${opId}KeyErrors`, {
        logGroup: fn.logGroup,
        metricNamespace: NAMESPACE,
        metricName: 'KeyServiceErrors',
        filterPattern: FilterPattern.any(
          FilterPattern.stringValue('$.error_code', '=', 'INTRA_SERVICE_COMMUNICATION_ERROR'),
          FilterPattern.stringValue('$.error_code', '=', 'CONFIGURATION_ERROR'),
          FilterPattern.stringValue('$.error_code', '=', 'DATA_INTEGRITY_ERROR'),
        ),
        metricValue: '1',
      });
    }
    const keyErrors = new Metric({
      namespace: NAMESPACE,
      metricName: 'KeyServiceErrors',
      statistic: 'Sum',
      period,
    });
    alarm(
      'KeyServiceErrors',
      keyErrors,
      0,
      'KMS calls failed (throttled, key disabled, or data failed its integrity check)',
    );
    const dynamoThrottles = new MathExpression({
      expression: 'reads + writes',
      usingMetrics: {
        reads: props.table.metric('ReadThrottleEvents', { period, statistic: 'Sum' }),
        writes: props.table.metric('WriteThrottleEvents', { period, statistic: 'Sum' }),
      },
      period,
      label: 'DynamoDB throttles',
    });
    alarm('DynamoDbThrottles', dynamoThrottles, 0, 'DynamoDB throttled reads or writes');

    new Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new GraphWidget({ title: 'Requests and 5xx', left: [requests, serverErrors], width: 12 }),
          new GraphWidget({ title: 'Latency p99', left: [p99], width: 12 }),
        ],
        [
          new GraphWidget({ title: 'Lambda errors', left: fnErrors, width: 8 }),
          new GraphWidget({ title: 'Lambda throttles', left: fnThrottles, width: 8 }),
          new GraphWidget({
            title: 'DynamoDB throttles and key errors',
            left: [dynamoThrottles, keyErrors],
            width: 8,
          }),
        ],
      ],
    });
  }
}
