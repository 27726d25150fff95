/**
 * The audit trail an insider cannot rewrite, as the synthesized template grants it: no function
 * can delete or update audit items (TTL alone removes them), only appenders put them, only the
 * seal function signs digests and writes them, and digests are locked for the retention period.
 * Locally nothing enforces IAM, so the template is the proof.
 */
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DIGEST_PREFIX } from '../../infra/constructs/vault-audit-digests.ts';
import { settingsFrom } from '../../infra/settings.ts';
import { VaultStack } from '../../infra/vault-stack.ts';
import { AUDIT_KEY_PREFIX, DENIAL_KEY_PREFIX } from '../../shared/store/keys.ts';

/** Bundling skipped: these tests read the template, not the code. */
function synth(context: Record<string, unknown> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new VaultStack(app, 'Vault', { settings: settingsFrom(app.node) });
  return { stack, template: Template.fromStack(stack) };
}

type Statement = {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};
type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** IAM action patterns (`*`, `?`, any case) against one action. */
const matches = (pattern: string, action: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  ).test(action);
const allows = (statement: Statement, action: string) =>
  statement.Effect === 'Allow' &&
  (statement.NotAction !== undefined
    ? !list(statement.NotAction).some((pattern) => matches(pattern, action))
    : list(statement.Action).some((pattern) => matches(pattern, action)));

/** Every identity-policy statement in the template, with the logical id of each role it is attached to. */
function identityStatements(template: Template): Array<{ role: string; statement: Statement }> {
  const found: Array<{ role: string; statement: Statement }> = [];
  const add = (roles: unknown, document: { Statement: Statement[] }) => {
    for (const role of list(roles as Array<{ Ref: string }>))
      for (const statement of document.Statement) found.push({ role: role.Ref, statement });
  };
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy')) as Resource[])
    add(policy.Properties.Roles, policy.Properties.PolicyDocument);
  for (const policy of Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as Resource[])
    add(policy.Properties.Roles, policy.Properties.PolicyDocument);
  for (const [id, role] of Object.entries(template.findResources('AWS::IAM::Role')) as Array<
    [string, Resource]
  >)
    for (const policy of role.Properties.Policies ?? []) add([{ Ref: id }], policy.PolicyDocument);
  return found;
}

/** The literal start of a LeadingKeys pattern, up to its first wildcard. */
const literalStart = (pattern: string) => pattern.split(/[*?]/)[0]!;
/** Could a key matching `pattern` be an audit key (`A#…`)? */
const mayBeAuditKey = (pattern: string) => {
  const start = literalStart(pattern);
  return start.startsWith(AUDIT_KEY_PREFIX) || AUDIT_KEY_PREFIX.startsWith(start);
};

/**
 * Which audit items an allowing statement lets a request write: none, the denial counters
 * (`A#denials#…`) alone, or any. `ForAllValues:StringLike` confines every key a request names to
 * its patterns; `ForAllValues:StringNotLike` keeps every key off its patterns. Anything else
 * (no condition, another operator) reaches every key.
 */
function auditReach(statement: Statement): 'none' | 'denial counters' | 'any' {
  const condition = statement.Condition ?? {};
  const notLike = list(condition['ForAllValues:StringNotLike']?.['dynamodb:LeadingKeys'] as string[]);
  if (notLike.some((pattern) => ['*', 'A*', `${AUDIT_KEY_PREFIX}*`].includes(pattern))) return 'none';
  const like = list(condition['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] as string[]);
  if (like.length === 0) return 'any';
  const reaching = like.filter(mayBeAuditKey);
  if (reaching.length === 0) return 'none';
  return reaching.every((pattern) => literalStart(pattern).startsWith(DENIAL_KEY_PREFIX))
    ? 'denial counters'
    : 'any';
}

let stack: VaultStack;
let template: Template;
let statements: Array<{ role: string; statement: Statement }>;
const logicalId = (element: unknown) => stack.getLogicalId(element as CfnElement);
const roleOf = (construct: { role: { node: { defaultChild?: unknown } } }) =>
  logicalId(construct.role.node.defaultChild);

beforeAll(() => {
  // With rotation on events too, so its function's role is walked as well.
  ({ stack, template } = synth({
    rotationEventPattern: JSON.stringify({ source: ['aws.guardduty'] }),
    rotationEventNamePath: '$.detail.secretName',
  }));
  statements = identityStatements(template);
});

describe('no function can rewrite the audit trail', () => {
  it('no statement lets any role delete or batch-write audit items, or update any but the denial counters', () => {
    let checked = 0;
    for (const { role, statement } of statements) {
      for (const action of ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) {
        if (!allows(statement, action)) continue;
        checked++;
        expect({ role, action, reach: auditReach(statement) }).toEqual({ role, action, reach: 'none' });
      }
      if (allows(statement, 'dynamodb:UpdateItem')) {
        checked++;
        expect(['none', 'denial counters']).toContain(auditReach(statement));
      }
    }
    // Not vacuous: every writer's statements were looked at.
    expect(checked).toBeGreaterThanOrEqual(
      stack.functions.filter(({ operation }) => operation.table.some((a) => a !== 'GetItem' && a !== 'Query'))
        .length,
    );
  });

  it('only the functions that append audit entries may put audit items', () => {
    const appenders = new Set([
      ...stack.functions
        .filter(({ operation }) => operation.audit === 'append')
        .map(({ construct }) => roleOf(construct)),
      roleOf(stack.background.sweeper),
      roleOf(stack.background.onEvent!),
    ]);
    const putters = new Set(
      statements
        .filter(({ statement }) => allows(statement, 'dynamodb:PutItem') && auditReach(statement) !== 'none')
        .map(({ role }) => role),
    );
    expect([...putters].sort()).toEqual([...appenders].sort());
  });

  it('the seal function writes nothing to the table', () => {
    const seal = roleOf(stack.auditDigests.sealer);
    const writes = statements.filter(
      ({ role, statement }) =>
        role === seal &&
        ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'].some((a) =>
          allows(statement, `dynamodb:${a}`),
        ),
    );
    expect(writes).toEqual([]);
  });
});

describe('only the seal function signs and writes digests', () => {
  const digestKey = () => {
    // The other signing key is the vault's token key (IAM login: test/infra/iam-login.test.ts).
    const keys = Object.entries(
      template.findResources('AWS::KMS::Key', { Properties: { KeyUsage: 'SIGN_VERIFY' } }),
    ).filter(([, key]) =>
      String(key.Properties.Description).startsWith('Vault: signs audit digests'),
    ) as Array<[string, Resource]>;
    expect(keys).toHaveLength(1);
    return keys[0]!;
  };

  it('the digest key is ECC_NIST_P256 for signing, kept, and its ARN is an output', () => {
    const [id, key] = digestKey();
    expect(key.Properties.KeySpec).toBe('ECC_NIST_P256');
    expect(key.DeletionPolicy).toBe('Retain');
    template.hasOutput('AuditDigestKeyArn', { Value: { 'Fn::GetAtt': [id, 'Arn'] } });
  });

  it('its key policy lets the seal role alone sign, digests with ECDSA_SHA_256 only, and grants no grants', () => {
    const [, key] = digestKey();
    const policy = key.Properties.KeyPolicy.Statement as Statement[];
    const signers = policy.filter((statement) => allows(statement, 'kms:Sign'));
    expect(signers.map((statement) => statement.Principal)).toEqual([
      { AWS: { 'Fn::GetAtt': [roleOf(stack.auditDigests.sealer), 'Arn'] } },
    ]);
    expect(signers[0]!.Condition).toEqual({
      StringEquals: { 'kms:SigningAlgorithm': 'ECDSA_SHA_256', 'kms:MessageType': 'DIGEST' },
    });
    // A grant could hand kms:Sign to anyone past the policy.
    expect(policy.filter((statement) => allows(statement, 'kms:CreateGrant'))).toEqual([]);
    // Auditors may fetch the public key.
    expect(policy.some((statement) => allows(statement, 'kms:GetPublicKey'))).toBe(true);
  });

  it('no role holds kms:Sign or s3:PutObject by an identity policy but the seal role', () => {
    const seal = roleOf(stack.auditDigests.sealer);
    const bucketId = logicalId(stack.auditDigests.bucket.node.defaultChild);
    // Roles that may put objects in the digest bucket (others may put into buckets of their own:
    // the publisher writes failed stream batches to its bucket).
    const onDigests = (statement: Statement) =>
      JSON.stringify(statement.Resource ?? '').includes(`"${bucketId}"`) ||
      list(statement.Resource).includes('*');
    const holders = (action: string, digestsOnly = false) =>
      new Set(
        statements
          .filter(({ statement }) => allows(statement, action) && (!digestsOnly || onDigests(statement)))
          .map(({ role }) => role),
      );
    expect([...holders('kms:Sign')]).toEqual([]);
    expect([...holders('s3:PutObject', true)]).toEqual([seal]);
    expect([...holders('s3:PutObjectRetention')]).toEqual([seal]);
  });

  it("the bucket policy refuses every principal's puts but the seal role's, and everyone's deletes", () => {
    const bucketId = logicalId(stack.auditDigests.bucket.node.defaultChild);
    const [policy] = Object.values(
      template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: bucketId } } }),
    ) as Resource[];
    const policyStatements = policy!.Properties.PolicyDocument.Statement as Statement[];
    const objects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] };
    // Leaving aside the transport denials (TLS only, 1.2 at least), checked below.
    const denies = (action: string) =>
      policyStatements.filter(
        (s) =>
          s.Effect === 'Deny' &&
          !/SecureTransport|TlsVersion/.test(JSON.stringify(s.Condition ?? {})) &&
          list(s.Action).some((pattern) => matches(pattern, action)) &&
          (s.Principal === '*' || JSON.stringify(s.Principal) === '{"AWS":"*"}') &&
          JSON.stringify(list(s.Resource)).includes(JSON.stringify(objects)),
      );
    for (const action of ['s3:PutObject', 's3:PutObjectRetention']) {
      expect(denies(action).map((s) => s.Condition)).toEqual([
        {
          ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [roleOf(stack.auditDigests.sealer), 'Arn'] } },
        },
      ]);
    }
    for (const action of ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention']) {
      expect(denies(action).map((s) => s.Condition)).toEqual([undefined]);
    }
    expect(policyStatements.filter((s) => s.Effect === 'Allow')).toEqual([]);
  });

  it('the seal role holds exactly: audit-key queries, the day index, a keys-only scan, the table key, and digest objects', () => {
    const seal = roleOf(stack.auditDigests.sealer);
    const bucketId = logicalId(stack.auditDigests.bucket.node.defaultChild);
    const granted = statements
      .filter(({ role }) => role === seal)
      .map(({ statement }) => ({ actions: list(statement.Action).sort(), condition: statement.Condition }));
    expect(granted).toEqual(
      expect.arrayContaining([
        {
          actions: ['dynamodb:Query'],
          condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['A#*'] } },
        },
        {
          actions: ['dynamodb:Scan'],
          condition: {
            'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk'] },
            StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
          },
        },
        {
          actions: ['s3:GetObject', 's3:PutObject', 's3:PutObjectRetention'],
          condition: undefined,
        },
        {
          actions: ['s3:ListBucket'],
          condition: { StringLike: { 's3:prefix': `${DIGEST_PREFIX}*` } },
        },
      ]),
    );
    expect(granted.flatMap(({ actions }) => actions).sort()).toEqual([
      'dynamodb:Query',
      'dynamodb:Query',
      'dynamodb:Scan',
      'kms:Decrypt',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
      's3:PutObjectRetention',
      // Its failure queue (an async invocation that keeps failing lands there) and its traces.
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    const objects = statements.find(
      ({ role, statement }) => role === seal && list(statement.Action).includes('s3:PutObject'),
    )!.statement;
    expect(objects.Resource).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${DIGEST_PREFIX}*`]],
    });
  });
});

describe('digests are locked for the retention period', () => {
  it('the bucket has Object Lock in compliance mode for the audit retention, versioning, no public access, TLS only, and is kept', () => {
    const check = (t: Template, days: number) =>
      t.hasResource('AWS::S3::Bucket', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          ObjectLockEnabled: true,
          ObjectLockConfiguration: {
            ObjectLockEnabled: 'Enabled',
            Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: days } },
          },
          VersioningConfiguration: { Status: 'Enabled' },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
            ],
          },
        },
      });
    check(template, 365);
    const shorter = synth({ auditRetentionDays: 30 });
    check(shorter.template, 30);
    // The entries expire when their digests' locks do, and the seal locks each digest as long.
    const retention = Object.values(shorter.template.findResources('AWS::Lambda::Function')).map(
      (fn) => (fn as Resource).Properties.Environment?.Variables?.AUDIT_RETENTION_DAYS,
    );
    expect(new Set(retention.filter((value) => value !== undefined))).toEqual(new Set(['30']));
    expect(retention.filter((value) => value !== undefined).length).toBeGreaterThan(stack.functions.length);
    const tls = template.findResources('AWS::S3::BucketPolicy');
    expect(JSON.stringify(tls)).toContain('"aws:SecureTransport":"false"');
  });

  it('refuses a retention or an interval the functions would not accept', () => {
    expect(() => synth({ auditRetentionDays: 0 })).toThrow(/auditRetentionDays/);
    expect(() => synth({ auditDigestMinutes: 0 })).toThrow(/auditDigestMinutes/);
    expect(() => synth({ auditDigestMinutes: 7.5 })).toThrow(/auditDigestMinutes/);
  });
});

describe('sealing on a schedule', () => {
  it('seals every 15 minutes by default (as set), one run at a time, on ARM64 Node 24', () => {
    const fnId = logicalId(stack.auditDigests.sealer.function.node.defaultChild);
    const keyId = logicalId(stack.auditDigests.key.node.defaultChild);
    const bucketId = logicalId(stack.auditDigests.bucket.node.defaultChild);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Targets: [
        { Arn: { 'Fn::GetAtt': [fnId, 'Arn'] }, Id: 'Target0', RetryPolicy: { MaximumRetryAttempts: 2 } },
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      ReservedConcurrentExecutions: 1,
      Environment: {
        Variables: {
          TABLE_NAME: { Ref: logicalId(stack.data.table.node.defaultChild) },
          AUDIT_DIGEST_BUCKET: { Ref: bucketId },
          AUDIT_DIGEST_PREFIX: DIGEST_PREFIX,
          AUDIT_DIGEST_KEY_ID: { 'Fn::GetAtt': [keyId, 'Arn'] },
          AUDIT_RETENTION_DAYS: '365',
          POWERTOOLS_SERVICE_NAME: 'vault',
        },
      },
    });
    synth({ auditDigestMinutes: 5 }).template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
    });
  });

  it('alarms when seals fail and, at once, when a seal finds the trail contradicting its digests', () => {
    const fnId = logicalId(stack.auditDigests.sealer.function.node.defaultChild);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
      Period: 15 * 60,
      AlarmActions: [
        { Ref: logicalId(stack.node.findChild('Monitoring').node.findChild('Alarms').node.defaultChild) },
      ],
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: logicalId(stack.auditDigests.sealer.function.logGroup.node.defaultChild) },
      FilterPattern: '{ $.message = "audit trail contradicts its digests" }',
      MetricTransformations: [
        { MetricName: 'AuditTrailContradictions', MetricNamespace: 'Vault', MetricValue: '1' },
      ],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'AuditTrailContradictions',
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
    });
  });
});
