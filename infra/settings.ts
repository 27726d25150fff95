/**
 * What a deployer of the repo's own app may set, as CDK context (`cdk deploy -c issuer=… -c
 * throttleRate=…` or cdk.json). The app turns these into the Vault construct's props
 * (infra/vault-stack.ts); the construct itself reads no context. Without an issuer the vault
 * creates a Cognito user pool as the token issuer.
 */
import type { Node } from 'constructs';
import type { ApiGatewayCloudWatchRole } from './constructs/vault-api.ts';
import type { SweeperSingleRun } from './constructs/vault-background.ts';
import type { RotationEvent, VaultIamLoginOptions } from './vault.ts';

export interface ExternalIssuer {
  issuer: string;
  audience: string[];
  jwksUri?: string;
  audienceClaim: 'aud' | 'client_id';
  rolesClaim: string;
  scopePrefix: string;
}

/** A custom domain as context names it: ARNs and ids, made into constructs by the stack. */
export interface DomainSettings {
  domainName: string;
  certificateArn: string | undefined;
  hostedZone: { id: string; name: string } | undefined;
  basePath: string | undefined;
}

export interface VaultSettings {
  /** Any OIDC issuer instead of the stack's own Cognito user pool. */
  externalIssuer: ExternalIssuer | undefined;
  /** Prefix of the Cognito hosted domain (token endpoint); must be globally unique per region. */
  cognitoDomainPrefix: string | undefined;
  throttleRate: number;
  throttleBurst: number;
  logRetentionDays: number;
  alarmEmail: string | undefined;
  /** `retain` (default) keeps the table and key when the stack is deleted. */
  retainData: boolean;
  /** Data-key cache of each reading function. */
  dataKeyCacheSeconds: number;
  /** Rotator Lambdas the vault may invoke besides those tagged `vault-rotator=true`. */
  rotatorArns: string[];
  /** An EventBridge pattern (JSON) whose events start a rotation, and where in them the secret name is. */
  rotationEvent: RotationEvent | undefined;
  /** How long before `expires` the near-expiry event comes. */
  expiryWarningDays: number;
  /**
   * How long audit entries are kept (their TTL) and each signed digest is locked (S3 Object Lock,
   * compliance mode: nobody, root included, can delete or shorten it before then).
   */
  auditRetentionDays: number;
  /** How often the audit trail is sealed into a signed digest (the verifier's expected interval). */
  auditDigestMinutes: number;
  /** `rest` (default) or `http`. */
  apiType: 'rest' | 'http';
  /** Context `alarmTopicArn`: alarms to an existing topic instead of the vault's (with `alarmEmail` unset). */
  alarmTopicArn: string | undefined;
  /** Context `waf`: `managed`, `none` (default) or the ARN of a regional web ACL. */
  waf: 'managed' | 'none' | { webAclArn: string };
  domain: DomainSettings | undefined;
  corsOrigins: string[];
  apiGatewayCloudWatchRole: ApiGatewayCloudWatchRole;
  /** MB for every function (default 512). */
  memorySize: number | undefined;
  /** Context `tags`: a JSON object of tags for every resource. */
  tags: Record<string, string>;
  /**
   * Context `multiRegionKey=true`, `replicaRegions=eu-central-1,…`, `backup=true`; in a replica
   * Region's stack `primaryKeyArn` and `primaryTableName` (with `issuer` naming the primary's).
   */
  recovery: {
    multiRegionKey?: boolean;
    replicaRegions?: string[];
    backup?: boolean;
    replicaOf?: { primaryKeyArn: string; tableName: string };
  };
  /** Context `sweeperSingleRun`: `reserved-concurrency` (default) or `timeout`. */
  sweeperSingleRun: SweeperSingleRun | undefined;
  /** Context `reserveSealConcurrency=false`: no reserved concurrency for the audit seal. */
  reserveSealConcurrency: boolean | undefined;
  /**
   * IAM login: context `iamPrincipals` (a JSON array of `{arn, subject, scopes, roles}`; default
   * none: nothing mapped, nothing minted) and `iamTokenTtlMinutes` (1-720, default 15). The
   * construct checks the mapping as the login function will.
   */
  iamLogin: { principals: NonNullable<VaultIamLoginOptions['principals']>; tokenTtlMinutes: number };
}

const text = (node: Node, key: string): string | undefined => {
  const value: unknown = node.tryGetContext(key);
  return value === undefined || value === null || value === '' ? undefined : String(value);
};

const number = (node: Node, key: string, fallback: number): number => {
  const raw = text(node, key);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`Context ${key} must be a non-negative number, got "${raw}"`);
  return value;
};

const integer = (node: Node, key: string, fallback: number, min: number, max: number): number => {
  const value = number(node, key, fallback);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`Context ${key} must be a whole number from ${min} to ${max}, got "${text(node, key)}"`);
  return value;
};

export function settingsFrom(node: Node): VaultSettings {
  const issuer = text(node, 'issuer');
  const audience = (text(node, 'audience') ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (issuer && audience.length === 0) throw new Error('Context "audience" is required with "issuer"');
  const audienceClaim = text(node, 'audienceClaim') ?? 'aud';
  if (audienceClaim !== 'aud' && audienceClaim !== 'client_id')
    throw new Error('Context "audienceClaim" must be aud or client_id');
  return {
    externalIssuer: issuer
      ? {
          issuer,
          audience,
          jwksUri: text(node, 'jwksUri'),
          audienceClaim,
          rolesClaim: text(node, 'rolesClaim') ?? 'roles',
          scopePrefix: text(node, 'scopePrefix') ?? '',
        }
      : undefined,
    cognitoDomainPrefix: text(node, 'cognitoDomainPrefix'),
    throttleRate: number(node, 'throttleRate', 100),
    throttleBurst: number(node, 'throttleBurst', 200),
    logRetentionDays: number(node, 'logRetentionDays', 90),
    alarmEmail: text(node, 'alarmEmail'),
    retainData: text(node, 'removalPolicy') !== 'destroy',
    dataKeyCacheSeconds: number(node, 'dataKeyCacheSeconds', 300),
    rotatorArns: (text(node, 'rotatorArns') ?? '')
      .split(',')
      .map((arn) => arn.trim())
      .filter(Boolean),
    rotationEvent: rotationEventFrom(node),
    expiryWarningDays: number(node, 'expiryWarningDays', 7),
    // The bounds the functions themselves accept for AUDIT_RETENTION_DAYS (shared/config.ts).
    auditRetentionDays: integer(node, 'auditRetentionDays', 365, 1, 3650),
    auditDigestMinutes: integer(node, 'auditDigestMinutes', 15, 1, 60),
    apiType: oneOf(node, 'apiType', ['rest', 'http'], 'rest'),
    alarmTopicArn: text(node, 'alarmTopicArn'),
    waf: wafFrom(node),
    domain: domainFrom(node),
    corsOrigins: list(node, 'corsOrigins'),
    apiGatewayCloudWatchRole: oneOf(node, 'apiGatewayCloudWatchRole', ['none', 'existing', 'create'], 'none'),
    memorySize:
      text(node, 'memorySize') === undefined ? undefined : integer(node, 'memorySize', 512, 128, 10_240),
    tags: tagsFrom(node),
    recovery: recoveryFrom(node),
    sweeperSingleRun:
      text(node, 'sweeperSingleRun') === undefined
        ? undefined
        : oneOf<SweeperSingleRun>(node, 'sweeperSingleRun', ['reserved-concurrency', 'timeout'], 'timeout'),
    reserveSealConcurrency: bool(node, 'reserveSealConcurrency'),
    iamLogin: {
      principals: iamPrincipalsFrom(node),
      tokenTtlMinutes: integer(node, 'iamTokenTtlMinutes', 15, 1, 720),
    },
  };
}

function iamPrincipalsFrom(node: Node): VaultSettings['iamLogin']['principals'] {
  const raw: unknown = node.tryGetContext('iamPrincipals');
  if (raw === undefined || raw === null || raw === '') return [];
  let parsed: unknown;
  try {
    parsed = typeof raw === 'string' ? JSON.parse(raw) : raw;
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed))
    throw new Error(
      'Context "iamPrincipals" must be a JSON array, e.g. [{"arn":"arn:aws:iam::123456789012:role/app","subject":"app","scopes":["user"],"roles":["app"]}]',
    );
  return parsed as VaultSettings['iamLogin']['principals'];
}

function bool(node: Node, key: string): boolean | undefined {
  const value = text(node, key);
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false')
    throw new Error(`Context ${key} must be true or false, got "${value}"`);
  return value === 'true';
}

function recoveryFrom(node: Node): VaultSettings['recovery'] {
  const multiRegionKey = bool(node, 'multiRegionKey');
  const backup = bool(node, 'backup');
  const replicaRegions =
    text(node, 'replicaRegions') === undefined ? undefined : list(node, 'replicaRegions');
  const primaryKeyArn = text(node, 'primaryKeyArn');
  const primaryTableName = text(node, 'primaryTableName');
  if ((primaryKeyArn === undefined) !== (primaryTableName === undefined))
    throw new Error('Context "primaryKeyArn" and "primaryTableName" go together (a replica Region\'s stack)');
  return {
    ...(multiRegionKey !== undefined && { multiRegionKey }),
    ...(replicaRegions !== undefined && { replicaRegions }),
    ...(backup !== undefined && { backup }),
    ...(primaryKeyArn !== undefined &&
      primaryTableName !== undefined && { replicaOf: { primaryKeyArn, tableName: primaryTableName } }),
  };
}

const list = (node: Node, key: string): string[] =>
  (text(node, key) ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

function oneOf<T extends string>(node: Node, key: string, values: readonly T[], fallback: T): T {
  const value = text(node, key) ?? fallback;
  if (!(values as readonly string[]).includes(value))
    throw new Error(`Context ${key} must be one of ${values.join(', ')}, got "${value}"`);
  return value as T;
}

function wafFrom(node: Node): VaultSettings['waf'] {
  const value = text(node, 'waf') ?? 'none';
  if (value === 'managed' || value === 'none') return value;
  if (/^arn:aws[a-z-]*:wafv2:/.test(value)) return { webAclArn: value };
  throw new Error(`Context waf must be managed, none or a WAFv2 web ACL ARN, got "${value}"`);
}

function domainFrom(node: Node): DomainSettings | undefined {
  const domainName = text(node, 'domainName');
  const keys = ['certificateArn', 'hostedZoneId', 'hostedZoneName', 'basePath'];
  if (domainName === undefined) {
    const stray = keys.find((key) => text(node, key) !== undefined);
    if (stray) throw new Error(`Context ${stray} needs "domainName"`);
    return undefined;
  }
  const id = text(node, 'hostedZoneId');
  const name = text(node, 'hostedZoneName');
  if ((id === undefined) !== (name === undefined))
    throw new Error('Context "hostedZoneId" and "hostedZoneName" go together');
  const certificateArn = text(node, 'certificateArn');
  if (certificateArn === undefined && id === undefined)
    throw new Error('Context "domainName" needs "certificateArn", or "hostedZoneId" and "hostedZoneName"');
  return {
    domainName,
    certificateArn,
    hostedZone: id !== undefined && name !== undefined ? { id, name } : undefined,
    basePath: text(node, 'basePath'),
  };
}

function tagsFrom(node: Node): Record<string, string> {
  const raw: unknown = node.tryGetContext('tags');
  if (raw === undefined || raw === null || raw === '') return {};
  const parsed: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    !Object.values(parsed).every((value) => typeof value === 'string')
  )
    throw new Error('Context "tags" must be a JSON object of strings, e.g. {"team":"platform"}');
  return parsed as Record<string, string>;
}

function rotationEventFrom(node: Node): VaultSettings['rotationEvent'] {
  const pattern = text(node, 'rotationEventPattern');
  if (pattern === undefined) return undefined;
  const namePath = text(node, 'rotationEventNamePath');
  if (!namePath?.startsWith('$.'))
    throw new Error(
      'Context "rotationEventNamePath" (e.g. $.detail.secretName) is required with "rotationEventPattern"',
    );
  const parsed: unknown =
    typeof node.tryGetContext('rotationEventPattern') === 'object'
      ? node.tryGetContext('rotationEventPattern')
      : JSON.parse(pattern);
  if (typeof parsed !== 'object' || parsed === null)
    throw new Error('Context "rotationEventPattern" must be an EventBridge pattern object');
  return { pattern: parsed as Record<string, unknown>, namePath };
}
