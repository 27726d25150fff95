/**
 * Every vault Lambda, API or background, with its defaults fixed in one place: ARM64, Node 24, an
 * ESM bundle with class names kept (no source map: bundling.ts), X-Ray active tracing, its own log group with
 * retention, and a role that can write to that log group (and traces) and nothing else until the
 * caller grants more.
 */
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  type PolicyStatement,
  Role,
  ServicePrincipal,
  PolicyStatement as Statement,
} from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type CfnLogGroup, LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ESBUILD_OPTIONS, FUNCTION_ENVIRONMENT } from './bundling.ts';

export const ROOT = join(import.meta.dirname, '..', '..');

/**
 * How every handler is bundled: the options of bundling.ts (which the benchmark and the bundle
 * tests use too), as NodejsFunction takes them.
 */
export const BUNDLING = {
  ...ESBUILD_OPTIONS,
  mainFields: [...ESBUILD_OPTIONS.mainFields],
  format: OutputFormat.ESM,
  forceDockerBundling: false,
} satisfies BundlingOptions;

export interface VaultFunctionProps {
  /** The handler folder under `lambdas/`. */
  handlerDir: string;
  description: string;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  timeout?: Duration;
  reservedConcurrentExecutions?: number;
  /** Left out of the bundle, loaded from the runtime's own copy (none by default: the SDK is bundled and pinned). */
  externalModules?: string[];
  /** X-Ray active tracing (default: on). Off leaves the role without X-Ray permissions. */
  tracing?: boolean;
}

export class VaultFunction extends Construct {
  readonly function: NodejsFunction;
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

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(ROOT, 'lambdas', props.handlerDir, 'handler.ts'),
      handler: 'handler',
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
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
      bundling: {
        ...BUNDLING,
        mainFields: [...BUNDLING.mainFields],
        // Bundle the SDK too: a pinned, tree-shaken SDK rather than whatever the runtime ships.
        externalModules: props.externalModules ?? [],
      },
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
