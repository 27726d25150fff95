/**
 * The vault as a construct a platform team puts into its own CDK app (issue 16): the repo's
 * default app, an app with every option on, and the README's HTTP API example, each synthesized
 * once and shared by the tests below; cdk-nag (AwsSolutions and Serverless) and cfn-lint on all
 * their templates. Bundling is skipped and CDK's built-in template validation is off: the tests
 * read templates, not code, and cfn-lint checks the templates.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { HostedZone } from 'aws-cdk-lib/aws-route53';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../infra/constructs/vault-function.ts';
import { settingsFrom } from '../../infra/settings.ts';
import { Vault, type VaultProps } from '../../infra/vault.ts';
import { VaultStack } from '../../infra/vault-stack.ts';
import { API_BASE, allOperations } from '../../shared/operations.ts';

/** CloudFormation's limit per template, and where the tests start failing: room for twice the operations. */
const CFN_MAX_RESOURCES = 500;
const MAX_RESOURCES_TODAY = 400;

/** Each app's cloud assembly (its templates), removed after the tests. */
const outdirs: string[] = [];
const testApp = (context: Record<string, unknown> = {}) => {
  const outdir = mkdtempSync(join(tmpdir(), 'vault-cdk-'));
  outdirs.push(outdir);
  return new App({
    outdir,
    context: { 'aws:cdk:bundling-stacks': [], ...context },
    builtinCloudFormationValidation: false,
  });
};

afterAll(() => {
  for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
});

const ENV = { account: '111111111111', region: 'eu-west-1' };

/** The README's example: another team's app using the construct (HTTP API, any OIDC issuer). */
function readmeApp(app: App) {
  const stack = new Stack(app, 'Secrets', { env: ENV });
  const vault = new Vault(stack, 'Vault', {
    alarms: { email: 'platform-oncall@example.com' },
    identity: { oidc: { issuer: 'https://login.example.com/', audience: ['vault-api'] } },
    apiType: 'http',
    corsOrigins: ['https://console.example.com'],
    tags: { team: 'platform' },
  });
  new CfnOutput(stack, 'VaultUrl', { value: vault.url });
  return { stack, vault };
}

const ROTATOR = 'arn:aws:lambda:eu-west-1:111111111111:function:rotate-db';
const ALARM_TOPIC = 'arn:aws:sns:eu-west-1:111111111111:on-call';

/** Every prop set (REST: the API type with WAF and account-wide logging). */
function everyOptionApp(app: App, props: Partial<VaultProps> = {}) {
  const stack = new Stack(app, 'Platform', { env: ENV });
  const zone = HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: 'Z0EXAMPLE0ZONE',
    zoneName: 'example.com',
  });
  const vault = new Vault(stack, 'Vault', {
    alarms: { topic: Topic.fromTopicArn(stack, 'OnCall', ALARM_TOPIC) },
    identity: { cognito: { domainPrefix: 'acme-vault' } },
    apiType: 'rest',
    waf: 'managed',
    domain: { domainName: 'vault.example.com', hostedZone: zone, basePath: 'team/secrets' },
    corsOrigins: ['https://console.example.com', 'https://admin.example.com'],
    apiGatewayCloudWatchRole: 'create',
    throttle: { rateLimit: 50, burstLimit: 80 },
    removalPolicy: {
      data: RemovalPolicy.DESTROY,
      userPool: RemovalPolicy.DESTROY,
      logs: RemovalPolicy.RETAIN,
    },
    tags: { team: 'platform', 'cost-center': '42' },
    logRetention: RetentionDays.ONE_YEAR,
    memorySize: 1024,
    dataKeyCacheSeconds: 60,
    rotatorArns: [ROTATOR],
    rotationEvent: { pattern: { source: ['aws.guardduty'] }, namePath: '$.detail.secretName' },
    expiryWarningDays: 14,
    auditRetentionDays: 730,
    auditDigestMinutes: 5,
    recovery: { multiRegionKey: true, replicaRegions: ['eu-central-1'], backup: true },
    sweeperSingleRun: 'timeout',
    failedBatchRetention: Duration.days(7),
    reserveSealConcurrency: false,
    iamLogin: {
      principals: [
        {
          arn: 'arn:aws:iam::111111111111:role/ci/deployer',
          subject: 'ci',
          scopes: ['vaultAdd'],
          roles: ['ci'],
        },
      ],
      tokenTtl: Duration.minutes(10),
    },
    ...props,
  });
  return { stack, vault };
}

interface Variant {
  name: string;
  app: App;
  /** What cdk-nag walks: the vault's own constructs. */
  scope: IConstruct;
  template: Template;
  apiTemplate: Template;
}

const resourceCount = (template: Template) => Object.keys(template.toJSON().Resources ?? {}).length;
const resources = (template: Template, type: string) => Object.values(template.findResources(type));

let defaultApp: Variant & { stack: VaultStack };
let everyOption: Variant & { vault: Vault };
let readme: Variant & { vault: Vault };

beforeAll(() => {
  {
    const app = testApp();
    const stack = new VaultStack(app, 'Vault', { settings: settingsFrom(app.node) });
    defaultApp = {
      name: 'default',
      app,
      stack,
      scope: stack,
      template: Template.fromStack(stack),
      apiTemplate: Template.fromStack(stack.vault.apiStack),
    };
  }
  {
    const app = testApp();
    const { stack, vault } = everyOptionApp(app);
    everyOption = {
      name: 'every option',
      app,
      vault,
      scope: vault,
      template: Template.fromStack(stack),
      apiTemplate: Template.fromStack(vault.apiStack),
    };
  }
  {
    const app = testApp();
    const { stack, vault } = readmeApp(app);
    readme = {
      name: 'README (HTTP API)',
      app,
      vault,
      scope: vault,
      template: Template.fromStack(stack),
      apiTemplate: Template.fromStack(vault.apiStack),
    };
  }
});

const variants = () => [defaultApp, everyOption, readme];

describe('the default app', () => {
  it('takes over no account-wide setting: no AWS::ApiGateway::Account, no role for API Gateway, REST logs off', () => {
    for (const template of [defaultApp.template, defaultApp.apiTemplate]) {
      template.resourceCountIs('AWS::ApiGateway::Account', 0);
      const roles = resources(template, 'AWS::IAM::Role');
      expect(JSON.stringify(roles)).not.toContain('apigateway.amazonaws.com');
    }
    // Execution and access logs need the account's role: without it a logging level fails the deployment.
    const [stage] = resources(defaultApp.apiTemplate, 'AWS::ApiGateway::Stage');
    expect(stage!.Properties.AccessLogSetting).toBeUndefined();
    expect(stage!.Properties.MethodSettings).toEqual([
      expect.objectContaining({ LoggingLevel: 'OFF', DataTraceEnabled: false, MetricsEnabled: true }),
    ]);
    expect(stage!.Properties.TracingEnabled).toBe(true);
  });

  it('sets the account role only when asked (kept on delete), and with an existing one only turns logs on', () => {
    // Asked: the every-option app says apiGatewayCloudWatchRole: 'create'.
    const created = everyOption.apiTemplate;
    created.hasResource('AWS::ApiGateway::Account', { DeletionPolicy: 'Retain' });
    created.hasResource('AWS::IAM::Role', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })],
        }),
      }),
    });
    const app = testApp({ apiGatewayCloudWatchRole: 'existing' });
    const existing = Template.fromStack(
      new VaultStack(app, 'Vault', { settings: settingsFrom(app.node) }).vault.apiStack,
    );
    existing.resourceCountIs('AWS::ApiGateway::Account', 0);
    for (const template of [created, existing])
      template.hasResourceProperties('AWS::ApiGateway::Stage', {
        AccessLogSetting: Match.objectLike({ Format: Match.stringLikeRegexp('"requestId"') }),
        MethodSettings: [Match.objectLike({ LoggingLevel: 'ERROR', DataTraceEnabled: false })],
      });
  });

  it(`keeps every template under ${MAX_RESOURCES_TODAY} resources (CloudFormation allows ${CFN_MAX_RESOURCES})`, () => {
    for (const { name, template, apiTemplate } of variants()) {
      expect(resourceCount(template), `${name}: stack`).toBeLessThanOrEqual(MAX_RESOURCES_TODAY);
      expect(resourceCount(apiTemplate), `${name}: API stack`).toBeLessThanOrEqual(MAX_RESOURCES_TODAY);
    }
  });

  it('has one invoke permission per function, for any stage, method and path of its own API', () => {
    const permissions = resources(defaultApp.apiTemplate, 'AWS::Lambda::Permission');
    expect(permissions).toHaveLength(allOperations.length);
    const functions = new Set(
      permissions.map((permission) => JSON.stringify(permission.Properties.FunctionName)),
    );
    expect(functions.size).toBe(allOperations.length);
    for (const permission of permissions) {
      expect(permission.Properties.Principal).toBe('apigateway.amazonaws.com');
      expect(JSON.stringify(permission.Properties.SourceArn)).toMatch(/\/\*\/\*\/\*"\]\]\}$/);
    }
    // None left in the stack but those of the scheduled rules.
    for (const permission of resources(defaultApp.template, 'AWS::Lambda::Permission'))
      expect(permission.Properties.Principal).toBe('events.amazonaws.com');
  });

  it('would fit twice today’s operations: every template stays under 500 resources, measured per operation', () => {
    const half = allOperations.slice(0, Math.floor(allOperations.length / 2));
    const app = testApp();
    const stack = new Stack(app, 'Half');
    const vault = new Vault(stack, 'Vault', { alarms: 'none', operations: half });
    const pairs = [
      {
        name: 'stack',
        all: resourceCount(defaultApp.template),
        half: resourceCount(Template.fromStack(stack)),
      },
      {
        name: 'API stack',
        all: resourceCount(defaultApp.apiTemplate),
        half: resourceCount(Template.fromStack(vault.apiStack)),
      },
    ];
    const added = allOperations.length - half.length;
    for (const { name, all, half: fewer } of pairs) {
      const perOperation = (all - fewer) / added;
      expect(perOperation, name).toBeGreaterThan(0);
      const twice = all + perOperation * allOperations.length;
      expect(
        Math.ceil(twice),
        `${name}: ${all} today, ${perOperation.toFixed(1)} per operation`,
      ).toBeLessThan(CFN_MAX_RESOURCES);
    }
  });
});

describe('an app with every option on', () => {
  it('attaches a web ACL of AWS managed rules to the stage, body rules counting only, no sampled requests', () => {
    const { apiTemplate } = everyOption;
    const [acl] = resources(apiTemplate, 'AWS::WAFv2::WebACL');
    expect(acl!.Properties.Scope).toBe('REGIONAL');
    const groups = acl!.Properties.Rules.map(
      (rule: any) => rule.Statement.ManagedRuleGroupStatement.Name,
    ) as string[];
    expect(groups).toEqual([
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesAmazonIpReputationList',
    ]);
    const counted = acl!.Properties.Rules.flatMap(
      (rule: any) => rule.Statement.ManagedRuleGroupStatement.RuleActionOverrides ?? [],
    );
    expect(counted.map((o: any) => o.Name)).toEqual(
      expect.arrayContaining(['SizeRestrictions_BODY', 'Log4JRCE_BODY']),
    );
    for (const override of counted) expect(override.ActionToUse).toEqual({ Count: {} });
    expect(JSON.stringify(acl)).not.toContain('"SampledRequestsEnabled":true');
    apiTemplate.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: Match.anyValue(),
      WebACLArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('WafAcl'), 'Arn'] },
    });
    // A web ACL the deployer has is attached as it is.
    const app = testApp();
    const attached = everyOptionApp(app, {
      waf: { webAclArn: 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/x/1' },
    });
    const attachedApi = Template.fromStack(attached.vault.apiStack);
    attachedApi.resourceCountIs('AWS::WAFv2::WebACL', 0);
    attachedApi.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      WebACLArn: 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/x/1',
    });
  });

  it('serves on the custom domain at its base path: TLS 1.2, a DNS-validated certificate, the alias record', () => {
    const { apiTemplate, vault } = everyOption;
    apiTemplate.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'vault.example.com',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
    });
    apiTemplate.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', { ApiMappingKey: 'team/secrets' });
    apiTemplate.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'vault.example.com',
      ValidationMethod: 'DNS',
    });
    apiTemplate.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'vault.example.com.',
      Type: 'A',
      AliasTarget: Match.anyValue(),
    });
    expect(vault.url).toBe(`https://vault.example.com/team/secrets${API_BASE}`);
  });

  it('answers CORS preflights from the ANY routes, echoing only listed origins', () => {
    const anyMethods = resources(everyOption.apiTemplate, 'AWS::ApiGateway::Method').filter((method) =>
      String(method.Properties.OperationName).startsWith('methodNotAllowed'),
    );
    expect(anyMethods.length).toBeGreaterThan(0);
    for (const method of anyMethods) {
      const integration = method.Properties.Integration;
      expect(integration.RequestTemplates['application/json']).toContain('$context.httpMethod == "OPTIONS"');
      const preflight = integration.IntegrationResponses.find((r: any) => r.StatusCode === '204');
      expect(preflight.ResponseParameters).toMatchObject({
        'method.response.header.Access-Control-Allow-Methods': expect.stringMatching(/^'[A-Z, ]+'$/),
        'method.response.header.Access-Control-Allow-Headers': expect.stringContaining('Authorization'),
        'method.response.header.Vary': "'Origin'",
      });
      const template = preflight.ResponseTemplates['application/json'];
      expect(template).toContain(
        '$origin == "https://console.example.com" || $origin == "https://admin.example.com"',
      );
      expect(template).toContain('$context.responseOverride.header.Access-Control-Allow-Origin = $origin');
    }
    // Without origins, no preflight: OPTIONS is a 405 like any other wrong method.
    const plain = resources(defaultApp.apiTemplate, 'AWS::ApiGateway::Method').find((method) =>
      String(method.Properties.OperationName).startsWith('methodNotAllowed'),
    );
    expect(plain!.Properties.Integration.IntegrationResponses).toHaveLength(1);
  });

  it('logs REST access and errors with the account role it was asked to create', () => {
    everyOption.apiTemplate.resourceCountIs('AWS::ApiGateway::Account', 1);
    everyOption.apiTemplate.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [
        Match.objectLike({ LoggingLevel: 'ERROR', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 80 }),
      ],
      AccessLogSetting: Match.anyValue(),
    });
  });

  it('sends every alarm to the given topic', () => {
    const alarms = resources(everyOption.template, 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(2 * allOperations.length);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([ALARM_TOPIC]);
  });

  it('applies removal policies, tags, log retention and memory to every resource they concern', () => {
    const { template, apiTemplate } = everyOption;
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Delete' });
    for (const t of [template, apiTemplate])
      for (const [, group] of Object.entries(t.findResources('AWS::Logs::LogGroup'))) {
        expect(group.DeletionPolicy).toBe('Retain');
        expect(group.Properties.RetentionInDays).toBe(365);
      }
    const functions = resources(template, 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(allOperations.length);
    for (const fn of functions) {
      expect(fn.Properties.MemorySize).toBe(1024);
      expect(fn.Properties.Tags).toEqual(
        expect.arrayContaining([
          { Key: 'team', Value: 'platform' },
          { Key: 'cost-center', Value: '42' },
        ]),
      );
    }
    apiTemplate.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Tags: Match.arrayWith([{ Key: 'team', Value: 'platform' }]),
    });
  });

  it('hands the other settings to the functions and rules: cache, expiry warning, audit retention and interval, rotators', () => {
    const { template } = everyOption;
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          DATA_KEY_CACHE_TTL_SECONDS: '60',
          EXPIRY_WARNING_SECONDS: String(14 * 86_400),
          AUDIT_RETENTION_DAYS: '730',
        }),
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: ['aws.guardduty'] } });
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).toContain(ROTATOR);
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'acme-vault' });
  });

  it('hands the recovery and background options to their constructs', () => {
    const { template, vault } = everyOption;
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: Match.stringLikeRegexp('^Vault: envelope'),
      MultiRegion: true,
    });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: Match.arrayWith([Match.objectLike({ Region: 'eu-central-1' })]),
    });
    template.resourceCountIs('AWS::Backup::BackupPlan', 1);
    // Neither the sweeper nor the seal reserves concurrency: asked not to.
    for (const fn of [vault.background!.sweeper, vault.auditDigests!.sealer]) {
      const id = Stack.of(vault).getLogicalId(fn.function.node.defaultChild as never);
      expect(template.toJSON().Resources[id].Properties.ReservedConcurrentExecutions).toBeUndefined();
    }
  });

  it('in a replica Region serves the API only, trusting the primary’s issuer, on the key’s and table’s replicas', () => {
    const app = testApp();
    const stack = new Stack(app, 'Replica', { env: { account: ENV.account, region: 'eu-central-1' } });
    const vault = new Vault(stack, 'Vault', {
      alarms: 'none',
      identity: { oidc: { issuer: 'https://login.example.com/', audience: ['vault-api'] } },
      recovery: {
        replicaOf: {
          primaryKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/mrk-0123456789abcdef0123456789abcdef',
          tableName: 'vault-table',
        },
      },
    });
    expect(vault.background).toBeUndefined();
    expect(vault.auditDigests).toBeUndefined();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::ReplicaKey', 1);
    template.resourceCountIs('AWS::Events::Rule', 0);
    expect(resources(template, 'AWS::Lambda::Function')).toHaveLength(allOperations.length);
    expect(resourceCount(Template.fromStack(vault.apiStack))).toBeGreaterThan(allOperations.length);
  });
});

describe('the README example: an HTTP API', () => {
  it('routes each operation into its function with the REST event shape (payload 1.0), no token authorizer', () => {
    const { apiTemplate } = readme;
    apiTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    const routes = resources(apiTemplate, 'AWS::ApiGatewayV2::Route').map((route) => route.Properties);
    expect(routes.map((route) => route.RouteKey).sort()).toEqual(
      [...allOperations.map((op) => `${op.method} ${API_BASE}${op.path}`), '$default'].sort(),
    );
    // Every function checks the token itself, as on the REST API: every 401/403 keeps the vault's shape.
    // The IAM login alone is the gateway's to authorize (SigV4): no authorizer resource either way.
    for (const route of routes)
      expect(route.AuthorizationType ?? 'NONE', route.RouteKey).toBe(
        route.RouteKey === `POST ${API_BASE}/auth/iam` ? 'AWS_IAM' : 'NONE',
      );
    apiTemplate.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    for (const integration of resources(apiTemplate, 'AWS::ApiGatewayV2::Integration'))
      expect(integration.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '1.0',
      });
    expect(resources(apiTemplate, 'AWS::Lambda::Permission')).toHaveLength(allOperations.length + 1);
  });

  it('sends unknown routes and methods ($default) to the function that shapes them', () => {
    const { apiTemplate, template, vault } = readme;
    const [fallback] = resources(apiTemplate, 'AWS::ApiGatewayV2::Route').filter(
      (route) => route.Properties.RouteKey === '$default',
    );
    const integrationId = fallback!.Properties.Target['Fn::Join'][1][1].Ref as string;
    const integration = apiTemplate.toJSON().Resources[integrationId];
    // The function is in the vault's stack, its ARN a parameter of the API's: named after it.
    expect(vault.routeNotFound).toBeDefined();
    expect(JSON.stringify(integration.Properties.IntegrationUri)).toMatch(/VaultRouteNotFoundFunction\w+Arn/);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Vault HTTP API \\$default route'),
    });
  });

  it('throttles and logs at the stage (JSON, no account-wide role), with CORS answered by the gateway', () => {
    const { apiTemplate } = readme;
    apiTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId"') },
    });
    apiTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['https://console.example.com'],
        AllowHeaders: Match.arrayWith(['Authorization', 'Idempotency-Key']),
        ExposeHeaders: Match.arrayWith(['ETag', 'Location', 'X-Request-Id']),
      }),
    });
    // Every method a route uses, PATCH included: a browser's preflight for a missing one fails.
    const [api] = resources(apiTemplate, 'AWS::ApiGatewayV2::Api');
    expect([...api!.Properties.CorsConfiguration.AllowMethods].sort()).toEqual(
      [...new Set(allOperations.map((op) => op.method))].sort(),
    );
    for (const type of ['AWS::ApiGateway::Account', 'AWS::WAFv2::WebACL', 'AWS::WAFv2::WebACLAssociation'])
      apiTemplate.resourceCountIs(type, 0);
  });

  it('trusts the OIDC issuer given, makes no user pool, and mails the alarms', () => {
    const { template } = readme;
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ JWT_ISSUER: 'https://login.example.com/', JWT_AUDIENCE: 'vault-api' }),
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'platform-oncall@example.com',
    });
    template.hasOutput('VaultUrl', {});
  });
});

describe('props the construct refuses', () => {
  const build = (props: Partial<VaultProps>) => () =>
    new Vault(new Stack(testApp(), 'Refused'), 'Vault', { alarms: 'none', ...props } as VaultProps);

  it.each([
    ['no alarms choice', { alarms: undefined }, /alarms is required/],
    ['a web ACL on an HTTP API', { apiType: 'http', waf: 'managed' }, /HTTP API/],
    ['the account role with an HTTP API', { apiType: 'http', apiGatewayCloudWatchRole: 'create' }, /REST/],
    ['an origin with a path', { corsOrigins: ['https://app.example.com/'] }, /not an origin/],
    ['a domain without certificate or zone', { domain: { domainName: 'v.example.com' } }, /certificate/],
    ['an audit retention the functions refuse', { auditRetentionDays: 0 }, /auditRetentionDays/],
    ['memory Lambda does not offer', { memorySize: 64 }, /memorySize/],
    [
      'a replica Region with a user pool of its own',
      { recovery: { replicaOf: { primaryKeyArn: 'arn:aws:kms:eu-west-1:1:key/mrk-1', tableName: 't' } } },
      /identity\.oidc/,
    ],
  ] as const)('%s', (_name, props, error) => {
    expect(build(props as Partial<VaultProps>)).toThrow(error);
  });
});

describe('lint', () => {
  it('cdk-nag AwsSolutions and Serverless find nothing unacknowledged in any variant', () => {
    for (const { name, scope } of variants())
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const { violations } = pack.validateScope(scope);
        expect(
          violations.map((v) => `${v.ruleName}: ${v.violatingResources.length}`),
          `${name}, ${pack.name}`,
        ).toEqual([]);
      }
  });

  it('cfn-lint finds nothing in any template (ignores in .cfnlintrc.yaml, each with its reason)', (context) => {
    if (process.env.VAULT_SKIP_CFN_LINT === '1') {
      console.warn('cfn-lint skipped (VAULT_SKIP_CFN_LINT=1)');
      context.skip();
    }
    const templates = variants().flatMap(({ app }) =>
      readdirSync(app.outdir)
        .filter((file) => file.endsWith('.template.json'))
        .map((file) => join(app.outdir, file)),
    );
    // Each variant's stack and its nested API stack.
    expect(templates).toHaveLength(6);
    const run = spawnSync('cfn-lint', ['--config-file', join(ROOT, '.cfnlintrc.yaml'), '--', ...templates], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
      throw new Error(
        'cfn-lint is not installed: pip install cfn-lint (or set VAULT_SKIP_CFN_LINT=1 to skip this check)',
      );
    expect(`${run.stdout}${run.stderr}`.trim()).toBe('');
    expect(run.status).toBe(0);
  }, 120_000);
});
