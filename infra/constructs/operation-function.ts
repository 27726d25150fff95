/**
 * One operation's Lambda, with every default fixed in one place (ARM64, Node 24, ESM bundle,
 * log group with retention, source maps) and exactly the permissions its row in the operation
 * table asks for: its own log group, the DynamoDB actions it uses, the key for the kind of secret
 * it serves.
 */
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type CfnLogGroup, LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Operation } from '../../shared/operations.ts';
import { IDEMPOTENCY_KEY_PREFIX } from '../../shared/store/idempotency.ts';
import { AUDIT_KEY_PREFIX } from '../../shared/store/keys.ts';
import { AUDIT_INDEX } from '../../shared/store/table.ts';
import type { VaultData } from './vault-data.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** Personal-secret operations serve only personal secrets, shared ones only shared: each may use the key for its kind alone. */
export const kindOf = (operation: Operation): 'shared' | 'personal' =>
  operation.path.startsWith('/user/') ? 'personal' : 'shared';

/**
 * The audit trail lives in the same table under keys starting `A#`: appending operations may
 * query and put there and nowhere else (a reader stays unable to write secrets), the audit query
 * may read there and its by-day index.
 */
function auditStatements(operation: Operation, data: VaultData): PolicyStatement[] {
  const auditKeys = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${AUDIT_KEY_PREFIX}*`] } };
  if (operation.audit === 'append') {
    return [
      new PolicyStatement({
        actions: ['dynamodb:Query', 'dynamodb:PutItem'],
        resources: [data.table.tableArn],
        conditions: auditKeys,
      }),
    ];
  }
  if (operation.audit === 'read') {
    return [
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [data.table.tableArn],
        conditions: auditKeys,
      }),
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${data.table.tableArn}/index/${AUDIT_INDEX.name}`],
      }),
    ];
  }
  return [];
}

/** Powertools' idempotency records (conditional put, get, update on completion, delete on failure). */
function idempotencyStatements(operation: Operation, data: VaultData): PolicyStatement[] {
  if (!operation.idempotency) return [];
  return [
    new PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      resources: [data.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${IDEMPOTENCY_KEY_PREFIX}*`] } },
    }),
  ];
}

export interface OperationFunctionProps {
  operation: Operation;
  data: VaultData;
  environment: Record<string, string>;
  logRetention: RetentionDays;
}

export class OperationFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: OperationFunctionProps) {
    super(scope, id);
    const { operation, data } = props;
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An explicit role instead of the managed basic-execution policy: logs to its own group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Vault ${operation.id}: ${operation.summary}`,
    });
    this.role.addToPolicy(
      new PolicyStatement({
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
    if (operation.table.length > 0) {
      this.role.addToPolicy(
        new PolicyStatement({
          actions: operation.table.map((action) => `dynamodb:${action}`),
          resources: [data.table.tableArn],
        }),
      );
    }
    for (const statement of [
      ...auditStatements(operation, data),
      ...idempotencyStatements(operation, data),
    ]) {
      this.role.addToPolicy(statement);
    }
    if (operation.table.length > 0 || operation.audit) this.role.addToPolicy(data.tableKeyStatement());
    data.allowEnvelope(this.role, operation.keys, kindOf(operation));

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(ROOT, 'lambdas', operation.id, 'handler.ts'),
      handler: 'handler',
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(10),
      role: this.role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      description: `Vault ${operation.method} ${operation.path}`,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: 'vault',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        // The SDK's ESM builds: with the default main fields the first SDK call fails on a dynamic require.
        mainFields: ['module', 'main'],
        target: 'node24',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Bundle the SDK too: a pinned, tree-shaken SDK rather than whatever the runtime ships.
        externalModules: [],
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        forceDockerBundling: false,
      },
    });
  }
}
