/**
 * Where background work that failed all its retries goes, so nothing fails silently: an encrypted
 * queue with an alarm while anything waits in it, and the one place that wires a scheduled or
 * event-driven function's asynchronous invocations (retries, event age, on-failure destination)
 * and the rule target that invokes it (delivery retries, the same queue for what cannot be delivered).
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { LambdaFunction, type LambdaFunctionProps } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { VaultMonitoring } from './vault-monitoring.ts';

/** How long a failure waits in its queue to be looked at (SQS's maximum). */
export const FAILURE_RETENTION = Duration.days(14);

/**
 * A dead-letter queue in `scope` with the id `<name>Dlq` (stable: a queue of failures is never
 * replaced by a refactoring) and the alarm `<name>DlqNotEmpty` on the vault's topic.
 */
export function failureQueue(
  scope: Construct,
  name: string,
  monitoring: VaultMonitoring,
  description: string,
): Queue {
  const queue = new Queue(scope, `${name}Dlq`, {
    // SQS-managed encryption: EventBridge (a rule's dead letters) and Lambda (destinations) may send
    // to it without a key policy; what lands here is an event and an error, never secret data.
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: FAILURE_RETENTION,
  });
  for (const id of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy'])
    Validations.of(queue).acknowledge({
      id,
      reason:
        'This queue is itself a dead-letter queue: what lands here is alarmed on and inspected by an operator.',
    });
  monitoring.alarm(
    `${name}DlqNotEmpty`,
    queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
    0,
    `Vault ${name}: ${description} failed all its retries and waits in its dead-letter queue`,
    { periods: 1, datapoints: 1 },
  );
  return queue;
}

export interface AsyncInvocation {
  /** Retries by Lambda after the function itself failed (0 to 2). */
  retryAttempts: number;
  /** How long an invocation may wait (throttled, or between retries) before it counts as failed. */
  maxEventAge: Duration;
}

/**
 * The function's asynchronous invocations retry and age as given and land in `queue` when they
 * fail; the returned rule target retries delivery as often and sends undeliverable events there too.
 */
export function failingInto(
  fn: IFunction,
  queue: Queue,
  invocation: AsyncInvocation,
  target: Omit<LambdaFunctionProps, 'deadLetterQueue' | 'retryAttempts' | 'maxEventAge'> = {},
): LambdaFunction {
  fn.configureAsyncInvoke({
    onFailure: new SqsDestination(queue),
    retryAttempts: invocation.retryAttempts,
    maxEventAge: invocation.maxEventAge,
  });
  Validations.of(fn).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason:
      'Its asynchronous invocations have an on-failure destination (this alarmed queue), which also records the ' +
      'error and the events that aged out; a function-level dead-letter queue would duplicate it with less.',
  });
  return new LambdaFunction(fn, {
    ...target,
    deadLetterQueue: queue,
    retryAttempts: 2,
    maxEventAge: invocation.maxEventAge,
  });
}
