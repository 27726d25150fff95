/**
 * What a platform team needs from the template beyond the API (issue 16): observability (traces,
 * class names in bundles, a dashboard naming operations), background work that never fails
 * silently, rotators trusted by name only, and recovery options (multi-Region key, global table,
 * backups). The default app is synthesized as `cdk synth` makes it; the options on the constructs.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MockIntegration, RestApi } from 'aws-cdk-lib/aws-apigateway';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { ESBUILD_OPTIONS, ROOT } from '../../infra/constructs/bundling.ts';
import { OperationFunction } from '../../infra/constructs/operation-function.ts';
import { VaultAuditDigests } from '../../infra/constructs/vault-audit-digests.ts';
import {
  type RotationEventRule,
  type SweeperSingleRun,
  VaultBackground,
} from '../../infra/constructs/vault-background.ts';
import { VaultData, type VaultDataProps } from '../../infra/constructs/vault-data.ts';
import { VaultMonitoring } from '../../infra/constructs/vault-monitoring.ts';
import { allOperations, type Operation } from '../../shared/operations.ts';

type Statement = {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};
type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const pascal = (id: string) => id.replace(/(^|-)(\w)/g, (_m, _d, letter: string) => letter.toUpperCase());

interface PartsOptions {
  data?: Omit<VaultDataProps, 'retain'>;
  rotatorArns?: string[];
  rotationEvent?: RotationEventRule;
  sweeperSingleRun?: SweeperSingleRun;
  reserveSealConcurrency?: boolean;
  env?: { account: string; region: string };
  /** cdk-nag's AwsSolutions checks on synth. */
  nag?: boolean;
}

/**
 * The vault's constructs wired as the app wires them (data, a function per operation, monitoring,
 * the background, audit digests), without identity or the API: what these tests read is theirs.
 * Bundling skipped: the template is read, not the code.
 */
interface Parts {
  app: App;
  stack: Stack;
  template: Template;
  data: VaultData;
  functions: Array<{ operation: Operation; construct: OperationFunction }>;
  monitoring: VaultMonitoring;
  background: VaultBackground;
  digests: VaultAuditDigests;
  logicalId: (element: unknown) => string;
}

function parts(options: PartsOptions = {}): Parts {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Vault', options.env ? { env: options.env } : {});
  const logRetention = RetentionDays.ONE_MONTH;
  const data = new VaultData(stack, 'Data', { retain: true, ...options.data });
  const environment = {
    TABLE_NAME: data.table.tableName,
    KMS_KEY_ID: data.key.keyArn,
    JWT_ISSUER: 'https://issuer.example',
    JWT_AUDIENCE: 'vault',
  };
  const functions = allOperations.map((operation) => ({
    operation,
    construct: new OperationFunction(stack, pascal(operation.id), {
      operation,
      data,
      environment,
      logRetention,
      ...(options.rotatorArns && { rotatorArns: options.rotatorArns }),
    }),
  }));
  // A stand-in API (the real one is another construct's): its own cdk-nag findings are not ours.
  const api = new RestApi(stack, 'Api');
  api.root.addMethod('GET', new MockIntegration());
  for (const id of [
    ...['APIG1', 'APIG2', 'APIG3', 'APIG4', 'APIG6', 'COG4'].map((rule) => `AwsSolutions-${rule}`),
    ...['AccessLogging', 'DefaultThrottling', 'XrayEnabled', 'StructuredLogging'].map(
      (rule) => `Serverless-APIGW${rule}`,
    ),
  ])
    Validations.of(api).acknowledge({ id, reason: 'a stand-in for the vault API' });
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    reason: 'a stand-in for the vault API',
  });
  const monitoring = new VaultMonitoring(stack, 'Monitoring', {
    api,
    table: data.table,
    functions: functions.map(({ operation, construct }) => ({
      id: pascal(operation.id),
      function: construct.function,
      label: `${operation.method} ${operation.path}`,
    })),
    alarmEmail: undefined,
  });
  if (options.nag) {
    // The operation functions' synchronous invocations are the L3 construct's to acknowledge (infra/vault.ts).
    for (const { construct } of functions)
      Validations.of(construct.function).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: 'invoked by the API',
      });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  }
  // In a replica Region the background stays home (the primary's): the API's functions only.
  if (options.data?.replicaOf) {
    const template = Template.fromStack(stack);
    const logicalId = (element: unknown) => stack.getLogicalId(element as CfnElement);
    // No background or audit digests to read there.
    return { app, stack, template, data, functions, monitoring, logicalId } as unknown as Parts;
  }
  const background = new VaultBackground(stack, 'Background', {
    data,
    environment,
    logRetention,
    monitoring,
    ...(options.rotatorArns && { rotatorArns: options.rotatorArns }),
    ...(options.rotationEvent && { rotationEvent: options.rotationEvent }),
    ...(options.sweeperSingleRun && { sweeperSingleRun: options.sweeperSingleRun }),
  });
  const digests = new VaultAuditDigests(stack, 'AuditDigests', {
    data,
    retentionDays: 365,
    intervalMinutes: 15,
    logRetention,
    monitoring,
    ...(options.reserveSealConcurrency !== undefined && {
      reserveConcurrency: options.reserveSealConcurrency,
    }),
  });
  const template = Template.fromStack(stack);
  const logicalId = (element: unknown) => stack.getLogicalId(element as CfnElement);
  return { app, stack, template, data, functions, monitoring, background, digests, logicalId };
}

/** Every identity-policy statement, with the logical id of each role it is attached to. */
function identityStatements(template: Template): Array<{ role: string; statement: Statement }> {
  const found: Array<{ role: string; statement: Statement }> = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy')) as Resource[])
    for (const role of list(policy.Properties.Roles as Array<{ Ref: string }>))
      for (const statement of policy.Properties.PolicyDocument.Statement as Statement[])
        found.push({ role: role.Ref, statement });
  return found;
}

const roleStatements = (template: Template, roleId: string) =>
  identityStatements(template)
    .filter(({ role }) => role === roleId)
    .map(({ statement }) => statement);

let vault: ReturnType<typeof parts>;
let template: Template;

beforeAll(() => {
  vault = parts();
  ({ template } = vault);
});

describe('observability', () => {
  it('every function is traced by X-Ray (active tracing)', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Resource[];
    expect(functions.length).toBe(allOperations.length + 3);
    for (const fn of functions) expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
  });

  it('what is granted on every resource (Resource "*") is X-Ray and listing streams, nothing else', () => {
    const onEverything = identityStatements(template)
      .filter(
        ({ statement }) => statement.Effect === 'Allow' && list(statement.Resource as string).includes('*'),
      )
      .flatMap(({ statement }) => list(statement.Action));
    expect(onEverything).toContain('xray:PutTraceSegments');
    expect(new Set(onEverything)).toEqual(
      new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'dynamodb:ListStreams']),
    );
  });

  it('bundles keep class names: a domain error thrown in a minified bundle logs as its class', async () => {
    // Bundled with the options every vault function is bundled with (infra/constructs/bundling.ts).
    expect(ESBUILD_OPTIONS.minify).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'vault-names-'));
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      [
        `import { PermissionDeniedError } from ${JSON.stringify(join(ROOT, 'shared/domain/errors.ts'))};`,
        `import { describeError } from ${JSON.stringify(join(ROOT, 'shared/http/logger.ts'))};`,
        'export function thrownName() {',
        "  try { throw new PermissionDeniedError('no'); } catch (error) { return describeError(error).name; }",
        '}',
      ].join('\n'),
    );
    const outfile = join(dir, 'bundle.mjs');
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      absWorkingDir: ROOT,
      format: ESBUILD_OPTIONS.format,
      target: ESBUILD_OPTIONS.target,
      minify: ESBUILD_OPTIONS.minify,
      keepNames: ESBUILD_OPTIONS.keepNames,
      mainFields: [...ESBUILD_OPTIONS.mainFields],
      banner: { js: ESBUILD_OPTIONS.banner },
      logLevel: 'silent',
    });
    const bundled = (await import(pathToFileURL(outfile).href)) as { thrownName: () => string };
    expect(bundled.thrownName()).toBe('PermissionDeniedError');
  }, 30_000);

  it('the dashboard has a widget per operation, named after it: errors, throttles and p99 duration', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as Resource[];
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    for (const { operation, construct } of vault.functions) {
      const named = pascal(operation.id);
      expect(body).toContain(`\\"title\\":\\"${named} (${operation.method} ${operation.path})\\"`);
      for (const label of ['errors', 'throttles', 'duration p99'])
        expect(body).toContain(`${named} ${label}`);
      expect(body).toContain(vault.logicalId(construct.function.node.defaultChild));
    }
    for (const background of ['Publisher', 'Sweeper', 'Seal'])
      expect(body).toContain(`${background} (background)`);
    expect(body).toContain('\\"stat\\":\\"p99\\"');
  });

  it('alarms name the operation they watch, with its method and path', () => {
    const descriptions = (Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[]).map(
      (alarm) => String(alarm.Properties.AlarmDescription),
    );
    for (const { operation } of vault.functions) {
      const named = `Vault operation ${pascal(operation.id)} (${operation.method} ${operation.path}):`;
      expect(descriptions.filter((text) => text.startsWith(named))).toHaveLength(2);
    }
  });
});

/** The function a logical id of the template names, from a `{ Ref }` or `{ Fn::GetAtt }`. */
const refOf = (value: unknown): string | undefined => {
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  return v?.Ref ?? v?.['Fn::GetAtt']?.[0];
};

/** The alarms (on the vault's topic) that watch a queue's visible messages. */
function alarmsOnQueue(tpl: Template, queueId: string): Resource[] {
  return (Object.values(tpl.findResources('AWS::CloudWatch::Alarm')) as Resource[]).filter(
    (alarm) =>
      alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' &&
      JSON.stringify(alarm.Properties.Dimensions).includes(`"${queueId}"`) &&
      list(alarm.Properties.AlarmActions).length === 1,
  );
}

describe('cdk-nag', () => {
  it('AwsSolutions and Serverless find nothing unacknowledged in these constructs, every option on', () => {
    const built = parts({
      nag: true,
      rotatorArns: ['arn:aws:lambda:eu-west-1:123456789012:function:db-rotator'],
      rotationEvent: { pattern: { source: ['aws.guardduty'] }, namePath: '$.detail.secretName' },
    });
    expect(() => built.app.synth()).not.toThrow();
  }, 60_000);
});

describe('nothing fails silently in the background', () => {
  it('every function a rule invokes (sweeper, seal, rotate-on-event) retries, ages out and lands in an alarmed, encrypted queue', () => {
    const withEvent = parts({
      rotationEvent: { pattern: { source: ['aws.guardduty'] }, namePath: '$.detail.secretName' },
    }).template;
    const rules = Object.values(withEvent.findResources('AWS::Events::Rule')) as Resource[];
    const invokeConfigs = Object.values(
      withEvent.findResources('AWS::Lambda::EventInvokeConfig'),
    ) as Resource[];
    const targets = rules.flatMap((rule) => list(rule.Properties.Targets as Array<Record<string, any>>));
    expect(targets).toHaveLength(3);
    for (const target of targets) {
      const fnId = refOf(target.Arn)!;
      const config = invokeConfigs.find((c) => refOf(c.Properties.FunctionName) === fnId);
      expect(config, `${fnId} has no asynchronous invocation config`).toBeDefined();
      expect(config!.Properties.MaximumRetryAttempts).toEqual(expect.any(Number));
      expect(config!.Properties.MaximumEventAgeInSeconds).toBeGreaterThanOrEqual(60);
      const queueId = refOf(config!.Properties.DestinationConfig.OnFailure.Destination)!;
      expect(withEvent.findResources('AWS::SQS::Queue')[queueId]?.Properties).toMatchObject({
        SqsManagedSseEnabled: true,
      });
      expect(alarmsOnQueue(withEvent, queueId)).toHaveLength(1);
      // What the rule cannot deliver goes to the same queue.
      expect(refOf(target.DeadLetterConfig.Arn)).toBe(queueId);
      expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
    }
  });

  it('the sweeper cannot overlap itself: one instance at most, or a timeout below its interval', () => {
    const sweeperOf = (built: ReturnType<typeof parts>) =>
      built.template.findResources('AWS::Lambda::Function')[
        built.logicalId(built.background.sweeper.function.node.defaultChild)
      ]!.Properties;
    expect(sweeperOf(vault)).toMatchObject({ ReservedConcurrentExecutions: 1 });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
    const byTimeout = sweeperOf(parts({ sweeperSingleRun: 'timeout' }));
    expect(byTimeout.ReservedConcurrentExecutions).toBeUndefined();
    expect(byTimeout.Timeout).toBeLessThan(60);
  });

  it('the seal reserves one instance unless told not to (an account below 100 unreserved cannot)', () => {
    const sealOf = (built: ReturnType<typeof parts>) =>
      built.template.findResources('AWS::Lambda::Function')[
        built.logicalId(built.digests.sealer.function.node.defaultChild)
      ]!.Properties;
    expect(sealOf(vault).ReservedConcurrentExecutions).toBe(1);
    expect(sealOf(parts({ reserveSealConcurrency: false })).ReservedConcurrentExecutions).toBeUndefined();
  });

  it('failed stream batches keep their records: an S3 destination, encrypted with a key, alarmed on at once', () => {
    const bucketId = vault.logicalId(vault.background.failedBatches.bucket.node.defaultChild);
    const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))[0] as Resource;
    // An S3 destination gets the whole invocation record; SQS or SNS would get shard pointers only.
    expect(refOf(mapping.Properties.DestinationConfig.OnFailure.Destination)).toBe(bucketId);
    expect(mapping.Properties).toMatchObject({ BisectBatchOnFunctionError: true, MaximumRetryAttempts: 10 });
    const bucket = template.findResources('AWS::S3::Bucket')[bucketId]!.Properties;
    expect(
      bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
    ).toMatchObject({
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: expect.anything(),
    });
    expect(bucket.PublicAccessBlockConfiguration).toMatchObject({
      BlockPublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const [metrics] = bucket.MetricsConfigurations;
    const alarm = (Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[]).find(
      (a) => a.Properties.Namespace === 'AWS/S3' && a.Properties.MetricName === 'PutRequests',
    );
    expect(alarm?.Properties).toMatchObject({
      EvaluationPeriods: 1,
      Threshold: 0,
      AlarmActions: [expect.anything()],
      Dimensions: expect.arrayContaining([{ Name: 'FilterId', Value: metrics.Id }]),
    });
    // The publisher may put failed batches there, and read nothing back.
    const publisherRole = vault.logicalId(vault.background.publisher.role.node.defaultChild);
    const s3Actions = roleStatements(template, publisherRole)
      .flatMap((statement) => list(statement.Action))
      .filter((action) => action.startsWith('s3:'));
    expect(s3Actions.sort()).toEqual(['s3:ListBucket', 's3:PutObject']);
  });
});

describe('rotators are trusted by name only', () => {
  const ROTATORS = [
    'arn:aws:lambda:eu-west-1:123456789012:function:db-rotator',
    'arn:aws:lambda:eu-west-1:123456789012:function:api-key-rotator:live',
  ];

  it('no function may invoke a Lambda chosen by a tag: without listed rotators, none at all', () => {
    const statements = identityStatements(template).map(({ statement }) => statement);
    expect(statements.filter((s) => list(s.Action).includes('lambda:InvokeFunction'))).toEqual([]);
    expect(JSON.stringify(statements)).not.toContain('aws:ResourceTag');
  });

  it('with rotatorArns, the rotating functions may invoke exactly those ARNs, unconditionally, and nothing else', () => {
    const listed = parts({ rotatorArns: ROTATORS });
    const invoking = identityStatements(listed.template).filter(({ statement }) =>
      list(statement.Action).some((action) => action.startsWith('lambda:')),
    );
    const roles = new Set(invoking.map(({ role }) => role));
    const rotating = [
      listed.functions.find(({ operation }) => operation.invokesRotators)!.construct.role,
      listed.background.sweeper.role,
    ].map((role) => listed.logicalId(role.node.defaultChild));
    expect(roles).toEqual(new Set(rotating));
    for (const { statement } of invoking) {
      expect(statement).toEqual({ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: ROTATORS });
    }
  });

  it('the same list reaches the functions that configure and run rotations (ROTATOR_ARNS)', () => {
    const listed = parts({ rotatorArns: ROTATORS });
    const envOf = (fn: { node: { defaultChild?: unknown } }) =>
      listed.template.findResources('AWS::Lambda::Function')[listed.logicalId(fn.node.defaultChild)]!
        .Properties.Environment.Variables;
    const putRotation = listed.functions.find(({ operation }) => operation.id === 'put-rotation')!;
    const rotateSecret = listed.functions.find(({ operation }) => operation.id === 'rotate-secret')!;
    for (const fn of [
      putRotation.construct.function,
      rotateSecret.construct.function,
      listed.background.sweeper.function,
    ])
      expect(envOf(fn).ROTATOR_ARNS).toBe(ROTATORS.join(','));
  });

  it('a rotator given as anything but a function ARN (a wildcard, say) is refused at synth', () => {
    expect(() => parts({ rotatorArns: ['arn:aws:lambda:eu-west-1:123456789012:function:*'] })).toThrow(
      /rotatorArns: .* is not a Lambda function ARN/,
    );
  });
});

describe('recovery options', () => {
  const HERE = { account: '123456789012', region: 'eu-west-1' };
  const keyOf = (tpl: Template) =>
    (Object.values(tpl.findResources('AWS::KMS::Key')) as Resource[]).find((key) =>
      String(key.Properties.Description).startsWith('Vault: envelope'),
    )!;

  it('by default: a single-Region key and table, no backup plan (what every vault had)', () => {
    expect(keyOf(template).Properties.MultiRegion).toBeUndefined();
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    template.resourceCountIs('AWS::Backup::BackupPlan', 0);
  });

  it('a multi-Region key the account may replicate (and nothing more)', () => {
    const key = keyOf(parts({ data: { multiRegionKey: true } }).template);
    expect(key.Properties.MultiRegion).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
    const admin = (key.Properties.KeyPolicy.Statement as Statement[]).find(
      (s) => s.Sid === 'KeyAdministrationByAccount',
    )!;
    expect(list(admin.Action)).toContain('kms:ReplicateKey');
    expect(list(admin.Action)).not.toContain('kms:Decrypt');
  });

  it("a global table with replicas, each encrypted with the key's replica in its Region, as protected as the table", () => {
    const built = parts({
      env: HERE,
      data: { multiRegionKey: true, replicaRegions: ['eu-central-1', 'us-east-1'] },
    });
    built.template.resourceCountIs('AWS::DynamoDB::Table', 0);
    const [global] = Object.values(built.template.findResources('AWS::DynamoDB::GlobalTable')) as Resource[];
    expect(global!.DeletionPolicy).toBe('Retain');
    expect(global!.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: expect.any(String), Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      GlobalSecondaryIndexes: [expect.objectContaining({ IndexName: 'byDay' })],
    });
    const keyId = built.logicalId(built.data.key.node.defaultChild);
    const replicas = global!.Properties.Replicas as Array<Record<string, any>>;
    expect(replicas.map((replica) => replica.Region).sort()).toEqual([
      'eu-central-1',
      'eu-west-1',
      'us-east-1',
    ]);
    for (const replica of replicas) {
      expect(replica).toMatchObject({
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
      const keyArn = JSON.stringify(built.stack.resolve(replica.SSESpecification.KMSMasterKeyId));
      if (replica.Region === HERE.region) expect(keyArn).toContain(keyId);
      else {
        // The replica key: the same key id in the replica's Region.
        expect(keyArn).toContain(`:kms:${replica.Region}:`);
        expect(keyArn).toContain(`{"Ref":"${keyId}"}`);
      }
    }
  });

  it("replicas without a multi-Region key, or in the stack's own Region, are refused at synth", () => {
    expect(() => parts({ env: HERE, data: { replicaRegions: ['eu-central-1'] } })).toThrow(
      /needs multiRegionKey/,
    );
    expect(() => parts({ env: HERE, data: { multiRegionKey: true, replicaRegions: ['eu-west-1'] } })).toThrow(
      /another Region/,
    );
  });

  it("in a replica Region: the key's replica here, naming this Region's functions; the table's replica by name", () => {
    const primaryKeyArn = 'arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab';
    const built = parts({
      env: { account: '123456789012', region: 'eu-central-1' },
      data: { replicaOf: { primaryKeyArn, tableName: 'vault-table' } },
    });
    built.template.resourceCountIs('AWS::DynamoDB::Table', 0);
    built.template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    const [replicaKey] = Object.values(built.template.findResources('AWS::KMS::ReplicaKey')) as Resource[];
    expect(replicaKey!.Properties.PrimaryKeyArn).toBe(primaryKeyArn);
    const replicaKeyId = Object.keys(built.template.findResources('AWS::KMS::ReplicaKey'))[0]!;
    const getSecret = built.functions.find(({ operation }) => operation.id === 'get-secret')!.construct;
    const roleId = built.logicalId(getSecret.role.node.defaultChild);
    const envelope = (replicaKey!.Properties.KeyPolicy.Statement as Statement[]).filter((s) =>
      JSON.stringify(s.Principal).includes(roleId),
    );
    expect(envelope.flatMap((s) => list(s.Action))).toEqual(['kms:Decrypt']);
    const fn =
      built.template.findResources('AWS::Lambda::Function')[
        built.logicalId(getSecret.function.node.defaultChild)
      ]!;
    // Its functions seal and open with the replica key, on the table's replica in this Region.
    expect(fn.Properties.Environment.Variables.KMS_KEY_ID).toEqual({ 'Fn::GetAtt': [replicaKeyId, 'Arn'] });
    expect(fn.Properties.Environment.Variables.TABLE_NAME).toBe('vault-table');
    const tableArns = roleStatements(built.template, roleId)
      .filter((s) => list(s.Action).some((a) => a.startsWith('dynamodb:')))
      .map((s) => JSON.stringify(built.stack.resolve(s.Resource)));
    expect(tableArns.length).toBeGreaterThan(0);
    for (const arn of tableArns)
      expect(arn).toContain(':dynamodb:eu-central-1:123456789012:table/vault-table');
  });

  it('an AWS Backup plan: daily recovery points of the table in a retained vault', () => {
    const built = parts({ data: { backup: true } });
    built.template.resourceCountIs('AWS::Backup::BackupPlan', 1);
    built.template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({ ScheduleExpression: 'cron(0 5 * * ? *)', Lifecycle: { DeleteAfterDays: 35 } }),
        ],
      },
    });
    built.template.hasResource('AWS::Backup::BackupVault', { DeletionPolicy: 'Retain' });
    const [selection] = Object.values(
      built.template.findResources('AWS::Backup::BackupSelection'),
    ) as Resource[];
    const tableId = built.logicalId(built.data.table.node.defaultChild);
    expect(JSON.stringify(selection!.Properties.BackupSelection.Resources)).toContain(tableId);
  });

  it('cdk-nag finds nothing unacknowledged with every recovery option on, in the primary and in a replica Region', () => {
    const primary = parts({
      nag: true,
      env: HERE,
      data: { multiRegionKey: true, replicaRegions: ['eu-central-1'], backup: true },
    });
    expect(() => primary.app.synth()).not.toThrow();
    const replica = parts({
      nag: true,
      env: { account: HERE.account, region: 'eu-central-1' },
      data: {
        replicaOf: {
          primaryKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/mrk-1',
          tableName: 'vault-table',
        },
        backup: true,
      },
    });
    expect(() => replica.app.synth()).not.toThrow();
  }, 60_000);
});
