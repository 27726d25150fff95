import { App, type CfnElement, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { kindOf } from '../../infra/constructs/operation-function.ts';
import { GATEWAY_ERRORS } from '../../infra/gateway-responses.ts';
import { settingsFrom } from '../../infra/settings.ts';
import { VaultStack } from '../../infra/vault-stack.ts';
import { API_BASE, allOperations, type Operation } from '../../shared/operations.ts';

/**
 * Bundling skipped: these tests read the template, not the code (CI runs a real `cdk synth` too).
 * The API (routes, stage, gateway responses) is in a nested stack of its own: `apiTemplate`.
 */
function synth(context: Record<string, unknown> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new VaultStack(app, 'Vault', { settings: settingsFrom(app.node) });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return {
    app,
    stack,
    template: Template.fromStack(stack),
    apiTemplate: Template.fromStack(stack.vault.apiStack),
  };
}

type Statement = {
  Action: string | string[];
  Effect: string;
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  Principal?: unknown;
};
const actionsOf = (statement: Statement) =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

let stack: VaultStack;
let template: Template;
let apiTemplate: Template;
let app: App;

beforeAll(() => {
  ({ app, stack, template, apiTemplate } = synth());
});

const logicalId = (element: unknown) => stack.getLogicalId(element as CfnElement);

/** Every statement of the role's identity policies. */
function roleStatements(roleId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return Object.values(policies).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
  );
}

/** Statements of the vault key's policy that name this role. */
function keyStatementsFor(roleId: string): Statement[] {
  const [key] = Object.values(
    template.findResources('AWS::KMS::Key', {
      Properties: { Description: Match.stringLikeRegexp('^Vault: envelope') },
    }),
  );
  return (key!.Properties.KeyPolicy.Statement as Statement[]).filter((statement) =>
    JSON.stringify(statement.Principal ?? {}).includes(`"${roleId}"`),
  );
}

describe('generated from the operation table', () => {
  it('makes one Node 24 ARM64 function per operation (plus the event publisher, the rotation sweeper and the audit seal)', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions)).toHaveLength(allOperations.length + 3);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    }
  });

  it('makes one route per operation, with a greedy {name+} where names may hold "/"', () => {
    for (const operation of allOperations) {
      apiTemplate.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: operation.method,
        OperationName: operation.id,
        Integration: { Type: 'AWS_PROXY' },
      });
    }
    const parts = Object.values(apiTemplate.findResources('AWS::ApiGateway::Resource')).map(
      (r) => r.Properties.PathPart,
    );
    expect(parts).toContain('{name+}');
    expect(parts).not.toContain('{name}');
    expect(
      API_BASE.split('/')
        .filter(Boolean)
        .every((part) => parts.includes(part)),
    ).toBe(true);
  });

  it('answers a wrong method on every resource with a shaped 405 listing what is allowed', () => {
    const anyMethods = Object.values(
      apiTemplate.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'ANY' } }),
    ).filter((method) => !String(method.Properties.OperationName).startsWith('pathVersionNotServed'));
    const resources = new Set(allOperations.map((operation) => operation.path));
    expect(anyMethods).toHaveLength(resources.size);
    for (const method of anyMethods) {
      const [response] = method.Properties.Integration.IntegrationResponses;
      expect(response.StatusCode).toBe('405');
      expect(response.ResponseParameters['method.response.header.Allow']).toMatch(/^'[A-Z, ]+'$/);
      expect(response.ResponseTemplates['application/json']).toContain('"error_code":"METHOD_NOT_ALLOWED"');
    }
  });
});

describe('path versions', () => {
  it('/vault/api/{version}/... answers 404 UNSUPPORTED_VERSION, a miss under v1 still ROUTE_NOT_FOUND', () => {
    const parts = Object.values(apiTemplate.findResources('AWS::ApiGateway::Resource')).map(
      (r) => r.Properties.PathPart,
    );
    expect(parts).toContain('{version}');
    const methods = Object.values(
      apiTemplate.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'ANY' } }),
    ).filter((method) => String(method.Properties.OperationName).startsWith('pathVersionNotServed'));
    expect(methods).toHaveLength(2);
    for (const method of methods) {
      const [response] = method.Properties.Integration.IntegrationResponses;
      expect(response.StatusCode).toBe('404');
      const body = response.ResponseTemplates['application/json'];
      expect(body).toMatch(/^#if\(.*!\$context\.path\.matches\('\^\(\/\[\^\/\]\+\)\?\/vault\/api\/v1/);
      expect(body).toContain('"error_code":"UNSUPPORTED_VERSION"');
      expect(body).toContain('#{else}{"error_code":"ROUTE_NOT_FOUND"');
    }
  });
});

describe('the edge speaks the vault error shape', () => {
  it.each(GATEWAY_ERRORS.map((spec) => [spec.type.responseType, spec] as const))('%s', (_type, spec) => {
    apiTemplate.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: spec.type.responseType,
      ...(spec.status && { StatusCode: spec.status }),
      ResponseParameters: Match.objectLike({
        'gatewayresponse.header.Content-Type': "'application/json'",
        'gatewayresponse.header.X-Request-Id': 'context.requestId',
        'gatewayresponse.header.Cache-Control': "'no-store'",
      }),
      ResponseTemplates: {
        'application/json': Match.stringLikeRegexp(
          `"error_code":"${spec.code}".*"trace_id":"\\$context.requestId"`,
        ),
      },
    });
  });

  it('throttling is a 429 with Retry-After, unknown routes a 404, and stage limits come from settings', () => {
    apiTemplate.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'THROTTLED',
      StatusCode: '429',
      ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Retry-After': "'1'" }),
    });
    apiTemplate.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'MISSING_AUTHENTICATION_TOKEN',
      StatusCode: '404',
    });
    const custom = synth({
      throttleRate: 7,
      throttleBurst: 9,
      apiGatewayCloudWatchRole: 'existing',
    }).apiTemplate;
    custom.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([
        Match.objectLike({ ThrottlingRateLimit: 7, ThrottlingBurstLimit: 9 }),
      ]),
      AccessLogSetting: Match.objectLike({
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      }),
    });
  });
});

describe('least privilege per function', () => {
  const WRITES = [
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ];

  it.each(allOperations.map((operation) => [operation.id, operation] as const))(
    '%s can do its job and nothing more',
    (_id, operation) => {
      const entry = stack.functions.find((fn) => fn.id === operation.id)!;
      const roleId = logicalId(entry.construct.role.node.defaultChild);
      const statements = roleStatements(roleId);
      const actions = statements.flatMap(actionsOf);
      expect(actions.every((action) => !action.endsWith('*') && action !== '*')).toBe(true);
      expect(actions).not.toContain('dynamodb:Scan');

      // Audit statements are confined to audit keys (A#…); everything else is exactly the table's
      // actions, its writes kept off audit keys.
      const likeKeys = (s: Statement) =>
        JSON.stringify(s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? null);
      const onAuditKeys = (s: Statement) => likeKeys(s) === '["A#*"]';
      const onIndex = (s: Statement) => JSON.stringify(s.Resource).includes('/index/');
      const onIdempotencyKeys = (s: Statement) => likeKeys(s) === '["IDEM#*"]';
      const onListingKeys = (s: Statement) => likeKeys(s) === '["C#*","L#*"]';
      const onDenialCounters = (s: Statement) => likeKeys(s) === '["A#denials#*"]';
      const general = statements.filter(
        (s) =>
          !onAuditKeys(s) &&
          !onIndex(s) &&
          !onIdempotencyKeys(s) &&
          !onListingKeys(s) &&
          !onDenialCounters(s),
      );
      for (const statement of general.filter((s) => actionsOf(s).some((a) => WRITES.includes(a)))) {
        expect(actionsOf(statement).every((a) => WRITES.includes(a))).toBe(true);
        expect(statement.Condition).toEqual({
          'ForAllValues:StringNotLike': { 'dynamodb:LeadingKeys': ['A#*'] },
          Null: { 'dynamodb:LeadingKeys': 'false' },
        });
      }
      // Appenders may update their callers' denial counters, and no other audit item.
      expect(statements.filter(onDenialCounters).flatMap(actionsOf)).toEqual(
        operation.audit === 'append' ? ['dynamodb:UpdateItem'] : [],
      );
      expect(statements.filter(onIdempotencyKeys).length).toBe(operation.idempotency ? 1 : 0);
      // Writers that move listing membership read only listing keys beyond their own actions.
      expect(statements.filter(onListingKeys).flatMap(actionsOf).sort()).toEqual(
        operation.movesListings ? ['dynamodb:GetItem', 'dynamodb:Query'] : [],
      );
      const dynamo = general
        .flatMap(actionsOf)
        .filter((action) => action.startsWith('dynamodb:'))
        .sort();
      expect(dynamo).toEqual(operation.table.map((action) => `dynamodb:${action}`).sort());
      if (!operation.method.match(/POST|PUT|PATCH|DELETE/))
        expect(dynamo.filter((action) => WRITES.includes(action))).toEqual([]);
      const audit = statements.filter(onAuditKeys).flatMap(actionsOf).sort();
      const expectedAudit = {
        append: ['dynamodb:PutItem', 'dynamodb:Query'],
        read: ['dynamodb:Query'],
        none: [],
      };
      expect(audit).toEqual(expectedAudit[operation.audit ?? 'none']);
      expect(statements.filter(onIndex).flatMap(actionsOf)).toEqual(
        operation.audit === 'read' ? ['dynamodb:Query'] : [],
      );

      // Through DynamoDB only, for this table only: the table's own encryption.
      for (const statement of statements.filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')))) {
        expect(actionsOf(statement)).toEqual(['kms:Decrypt']);
        expect(statement.Condition?.StringEquals).toMatchObject({
          'kms:ViaService': expect.anything(),
          'kms:EncryptionContext:aws:dynamodb:tableName': expect.anything(),
        });
      }

      // Direct key use for envelope encryption: named in the key policy, exactly its actions, its kind of secret only.
      const envelope = keyStatementsFor(roleId);
      expect(envelope.flatMap(actionsOf).sort()).toEqual(
        operation.keys.map((action) => `kms:${action}`).sort(),
      );
      for (const statement of envelope) {
        expect(statement.Condition?.StringEquals).toEqual({
          'kms:EncryptionContext:vault:kind': kindOf(operation),
        });
        expect(statement.Condition?.['ForAllValues:StringEquals']).toBeDefined();
      }
    },
  );

  it('readers cannot generate data keys and writers cannot decrypt secret data', () => {
    // Rotation and a merge patch (PATCH, which merges into the stored data and never returns it)
    // are the jobs that must read the old value and seal the new one.
    const readsToWrite = (operation: Operation) => operation.invokesRotators || operation.method === 'PATCH';
    for (const { operation, construct } of stack.functions.filter((fn) => !readsToWrite(fn.operation))) {
      const granted = keyStatementsFor(logicalId(construct.role.node.defaultChild)).flatMap(actionsOf);
      if (!operation.table.includes('PutItem')) expect(granted).not.toContain('kms:GenerateDataKey');
      if (operation.table.includes('PutItem')) expect(granted).not.toContain('kms:Decrypt');
    }
  });

  it('the key policy lets the account administer the key but not use it directly', () => {
    const [key] = Object.values(
      template.findResources('AWS::KMS::Key', {
        Properties: { Description: Match.stringLikeRegexp('^Vault: envelope') },
      }),
    );
    const admin = (key!.Properties.KeyPolicy.Statement as Array<Statement & { Sid?: string }>).find(
      (s) => s.Sid === 'KeyAdministrationByAccount',
    )!;
    expect(actionsOf(admin)).not.toContain('kms:Decrypt');
    expect(actionsOf(admin)).not.toContain('kms:*');
    const viaDynamo = (key!.Properties.KeyPolicy.Statement as Array<Statement & { Sid?: string }>).find(
      (s) => s.Sid === 'TableEncryptionThroughDynamoDB',
    )!;
    expect(viaDynamo.Condition?.StringEquals).toHaveProperty('kms:ViaService');
  });
});

describe('data and keys', () => {
  it('the table is on demand, recoverable, protected, encrypted with the key, streamed, with TTL, and retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: Match.objectLike({
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: Match.anyValue(),
        }),
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        TimeToLiveSpecification: Match.objectLike({ Enabled: true }),
      }),
    });
  });

  it('the key rotates and is retained', () => {
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        EnableKeyRotation: true,
        Description: Match.stringLikeRegexp('^Vault: envelope'),
      }),
    });
  });
});

describe('identity', () => {
  it('creates a Cognito pool whose resource server has the PrivX scopes, with machine clients', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'vault',
      Scopes: Match.arrayWith([
        Match.objectLike({ ScopeName: 'user' }),
        Match.objectLike({ ScopeName: 'vaultManage' }),
      ]),
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['client_credentials'],
      GenerateSecret: true,
    });
    template.hasOutput('TokenUrl', {});
  });

  it('can point at any OIDC issuer instead', () => {
    const external = synth({
      issuer: 'https://login.example.com/',
      audience: 'vault-api',
      rolesClaim: 'groups',
    }).template;
    expect(Object.keys(external.findResources('AWS::Cognito::UserPool'))).toHaveLength(0);
    external.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          JWT_ISSUER: 'https://login.example.com/',
          JWT_AUDIENCE: 'vault-api',
          ROLES_CLAIM: 'groups',
        }),
      },
    });
  });
});

describe('operations', () => {
  it('alarms on 5xx rate, p99 latency, function errors and throttles, DynamoDB throttles and key errors, to SNS', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    const described = (start: string) =>
      alarms.filter((alarm) => String(alarm.Properties.AlarmDescription).startsWith(start));
    // Per operation: its function's errors and throttles.
    expect(described('Vault operation ')).toHaveLength(2 * allOperations.length);
    // The API's 5xx rate and p99 latency, key-service errors, DynamoDB throttles (background and
    // audit digests alarm on their own: test/infra/background-and-recovery.test.ts, audit-trail.test.ts).
    for (const start of [
      'More than 1% of API requests',
      'API p99 latency',
      'KMS calls failed',
      'DynamoDB throttled',
    ])
      expect(described(start), start).toHaveLength(1);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toHaveLength(1);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    for (const output of [
      'ApiUrl',
      'TableName',
      'KeyArn',
      'Issuer',
      'AuditDigestKeyArn',
      'AuditDigestBucket',
    ])
      template.hasOutput(output, {});
  });

  it('cdk-nag AwsSolutions and Serverless find nothing unacknowledged', () => {
    expect(() => app.synth()).not.toThrow();
  });
});

describe('events and rotation in the background', () => {
  it('publishes from the table stream, only secret items, bisecting failures into a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      FilterCriteria: { Filters: [{ Pattern: Match.stringLikeRegexp('"prefix":"S#"') }] },
    });
    const publisherRole = logicalId(stack.background.publisher.role.node.defaultChild);
    const actions = roleStatements(publisherRole).flatMap(actionsOf);
    expect(actions).toContain('events:PutEvents');
    expect(
      actions.filter(
        (action) => action.startsWith('dynamodb:') && !/Stream|GetRecords|GetShardIterator/.test(action),
      ),
    ).toEqual([]);
    expect(keyStatementsFor(publisherRole)).toEqual([]);
  });

  it('sweeps every minute, and may invoke no rotator but those listed (none by default)', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.anyValue() })],
    });
    const sweeperRole = logicalId(stack.background.sweeper.role.node.defaultChild);
    const invoke = roleStatements(sweeperRole).filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    expect(invoke).toEqual([]);
    // A tag is no trust: no statement anywhere lets a tag name an invokable rotator.
    expect(JSON.stringify(template.toJSON())).not.toContain('aws:ResourceTag/vault-rotator');
    expect(keyStatementsFor(sweeperRole).flatMap(actionsOf).sort()).toEqual([
      'kms:Decrypt',
      'kms:GenerateDataKey',
    ]);
  });

  it('rotates on events matching the pattern the deployer sets, naming the secret from the event', () => {
    const withRule = synth({
      rotationEventPattern: JSON.stringify({
        source: ['aws.guardduty'],
        'detail-type': ['GuardDuty Finding'],
      }),
      rotationEventNamePath: '$.detail.resource.secretName',
    }).template;
    withRule.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'] },
      Targets: [
        Match.objectLike({
          InputTransformer: Match.objectLike({
            InputPathsMap: Match.objectLike({ 'detail-resource-secretName': '$.detail.resource.secretName' }),
          }),
        }),
      ],
    });
  });
});
