/**
 * Every vault Lambda, API or background, with its defaults fixed in one place: ARM64, Node 24, an
 * ESM bundle with class names kept (no source map: bundling.ts), X-Ray active tracing, its own log group with
 * retention, and a role that can write to that log group (and traces) and nothing else until the
 * caller grants more.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  type PolicyStatement,
  Role,
  ServicePrincipal,
  PolicyStatement as Statement,
} from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { type CfnLogGroup, LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FUNCTION_ENVIRONMENT } from './bundling.ts';
import { handlerCode } from './handler-bundles.ts';

export { ROOT } from './bundling.ts';

export interface VaultFunctionProps {
  /** The handler folder under `lambdas/`. */
  handlerDir: string;
  description: string;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  timeout?: Duration;
  reservedConcurrentExecutions?: number;
  /** X-Ray active tracing (default: on). Off leaves the role without X-Ray permissions. */
  tracing?: boolean;
}

export class VaultFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: VaultFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An explicit role instead of the managed basic-execution policy: logs to its own group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    this.role.addToPolicy(
      new Statement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${logGroup.logGroupArn}:log-stream:*`],
      }),
    );
    const logGroupId = Stack.of(this).getLogicalId(logGroup.node.defaultChild as CfnLogGroup);
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logGroupId}.Arn>:log-stream:*]`,
      reason:
        "Lambda names its log streams itself; the wildcard covers only the streams of this function's own log group.",
    });

    this.function = new LambdaFunction(this, 'Function', {
      // The SDK is bundled too: a pinned, tree-shaken SDK rather than whatever the runtime ships.
      code: handlerCode(props.handlerDir),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout ?? Duration.seconds(10),
      ...(props.reservedConcurrentExecutions !== undefined && {
        reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      }),
      role: this.role,
      // Each invocation a trace (sampled by X-Ray's default rule: init, invocation, overhead), joined to
      // the API Gateway trace when the stage traces. Per-call subsegments (DynamoDB, KMS) would take the
      // Powertools tracer: +136 KB of bundle and some 5-25 ms of import per cold start, not taken yet.
      tracing: props.tracing === false ? Tracing.DISABLED : Tracing.ACTIVE,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      description: props.description,
      // No NODE_OPTIONS=--enable-source-maps: see bundling.ts (no map is shipped).
      environment: { ...props.environment, ...FUNCTION_ENVIRONMENT },
    });
    if (props.tracing !== false) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) have no resource to scope to. ' +
          'test/infra/background-and-recovery.test.ts fails if any other action is granted on Resource::*.',
      });
    }
  }

  grant(...statements: PolicyStatement[]): void {
    for (const statement of statements) this.role.addToPolicy(statement);
  }
}
