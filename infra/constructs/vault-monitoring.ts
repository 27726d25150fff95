/**
 * Alarms to an SNS topic and one dashboard: API 5xx rate and p99 latency, each operation's errors,
 * throttles and p99 duration (a widget per operation, named after it), DynamoDB throttles, and
 * key-service failures (read from the functions' logs).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  type MetricOptions,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** What the monitoring reads of the API: a REST API (RestApi) and an HTTP API (HttpApi) both have these. */
export interface ApiMetrics {
  metricCount(props?: MetricOptions): Metric;
  metricServerError(props?: MetricOptions): Metric;
  metricLatency(props?: MetricOptions): Metric;
}

export interface VaultMonitoringProps {
  api: ApiMetrics;
  table: ITable;
  /**
   * One per operation: `id` names its alarms and widget, `label` (e.g. `GET /secrets/{name+}`,
   * optional) is added to the widget title and the alarm descriptions.
   */
  functions: ReadonlyArray<{ id: string; function: LambdaFunction; label?: string }>;
  alarmEmail: string | undefined;
}

const NAMESPACE = 'Vault';

export class VaultMonitoring extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;

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
    const perOperation: GraphWidget[] = [];
    for (const { id: opId, function: fn, label } of props.functions) {
      const named = label ? `${opId} (${label})` : opId;
      const errors = fn.metricErrors({ period, label: `${opId} errors` });
      const throttles = fn.metricThrottles({ period, label: `${opId} throttles` });
      fnErrors.push(errors);
      fnThrottles.push(throttles);
      alarm(`${opId}Errors`, errors, 0, `Vault operation ${named}: its Lambda raised errors`);
      alarm(`${opId}Throttles`, throttles, 0, `Vault operation ${named}: its Lambda was throttled`);
      perOperation.push(
        new GraphWidget({
          title: named,
          left: [errors, throttles],
          leftYAxis: { label: 'count', showUnits: false, min: 0 },
          right: [fn.metricDuration({ period, statistic: 'p99', label: `${opId} duration p99` })],
          rightYAxis: { label: 'ms', showUnits: false, min: 0 },
          width: 8,
          height: 5,
        }),
      );
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

    this.dashboard = new Dashboard(this, 'Dashboard', {
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
        [
          new TextWidget({
            markdown: '## Per operation\nErrors and throttles (left, count), duration p99 (right, ms).',
            width: 24,
            height: 1,
          }),
        ],
        // Three to a row (the widgets are 8 wide): GraphWidgets in one array would share a row.
        ...Array.from({ length: Math.ceil(perOperation.length / 3) }, (_row, index) =>
          perOperation.slice(index * 3, index * 3 + 3),
        ),
      ],
    });
  }
}
