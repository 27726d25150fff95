/**
 * (Longer than most files on purpose: the props' checks and the wiring of the parts are one idea,
 * the construct's contract; each part lives in infra/constructs/.)
 *
 * The vault as an L3 construct, for any CDK app: `new Vault(this, 'Vault', { alarms: { email } })`.
 * Data (key, table), identity (Cognito or any OIDC issuer), one function per operation, the API
 * (REST or HTTP, in a nested stack of its own), monitoring, background work and the audit trail's
 * signed digests. Everything is a prop: the construct reads no CDK context and no path outside
 * this package (handlers are found next to this file, wherever the package is installed).
 */
import {
  type Duration,
  NestedStack,
  RemovalPolicy as Removal,
  RemovalPolicies,
  type RemovalPolicy,
  Stack,
  Tags,
  Validations,
} from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, type CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { IamPrincipalMapping } from '../shared/domain/iam-login.ts';
import { API_BASE, allOperations, type Operation } from '../shared/operations.ts';
import { IamPrincipalsSetting } from '../shared/schemas/auth.ts';
import { OperationFunction } from './constructs/operation-function.ts';
import { type ApiGatewayCloudWatchRole, VaultApi } from './constructs/vault-api.ts';
import { VaultAuditDigests } from './constructs/vault-audit-digests.ts';
import { type SweeperSingleRun, VaultBackground } from './constructs/vault-background.ts';
import { checkCorsOrigins } from './constructs/vault-cors.ts';
import { VaultData, type VaultDataProps } from './constructs/vault-data.ts';
import { VaultDomain, type VaultDomainOptions } from './constructs/vault-domain.ts';
import { VaultFunction } from './constructs/vault-function.ts';
import { VaultHttpApi } from './constructs/vault-http-api.ts';
import { VaultIdentity, type VaultIdentityOptions } from './constructs/vault-identity.ts';
import { VaultMonitoring } from './constructs/vault-monitoring.ts';
import { VaultTokenKey } from './constructs/vault-token-key.ts';
import { VaultWebAcl } from './constructs/vault-web-acl.ts';

export type { ApiGatewayCloudWatchRole } from './constructs/vault-api.ts';
export type { SweeperSingleRun } from './constructs/vault-background.ts';
export type { VaultBackupOptions, VaultDataProps } from './constructs/vault-data.ts';
export type { VaultDomainOptions } from './constructs/vault-domain.ts';
export type { OidcIssuer, VaultIdentityOptions } from './constructs/vault-identity.ts';

/** An EventBridge pattern whose events start a rotation, and where in them the secret's name is. */
export interface RotationEvent {
  pattern: Record<string, unknown>;
  /** A JSON path from `$.`, e.g. `$.detail.secretName`. */
  namePath: string;
}

/**
 * Who hears the alarms. There is no default: alarms that notify nobody are a bug, so not wanting
 * notifications is said explicitly (`'none'`: the vault's topic is made without a subscriber;
 * subscribe to `Vault.alarmTopic` later).
 */
export type VaultAlarms = { email: string } | { topic: ITopic } | 'none';

/**
 * IAM login (`POST /vault/api/v1/auth/iam`, SigV4): which IAM principals get a vault token, as
 * whom. Least privilege by default: nothing mapped, nothing minted (every login 403, audited).
 */
export interface VaultIamLoginOptions {
  /**
   * Role or user ARNs (paths allowed: a role matches its sessions by account and role name) with
   * the subject, scopes and roles their tokens carry. Default none.
   */
  principals?: readonly IamPrincipalMapping[];
  /** How long a token lives (1 minute to 12 hours); default 15 minutes. */
  tokenTtl?: Duration;
  /**
   * `iss` of the vault's tokens. Default: the custom domain's URL + `/vault/api/v1/auth`, else
   * `urn:vault:<stack name>:<construct path>` (the execute-api URL is not known to the functions).
   */
  issuer?: string;
}

/** A web ACL on the REST API's stage (HTTP APIs cannot have one). */
export type VaultWaf = 'managed' | { webAclArn: string } | 'none';

export interface VaultProps {
  /** Required: who hears the alarms (see VaultAlarms). */
  alarms: VaultAlarms;
  /** Who issues tokens; default: a Cognito user pool made for the vault. */
  identity?: VaultIdentityOptions;
  /** `rest` (default: API Gateway REST API, every gateway error in the vault's shape, WAF) or `http` (cheaper). */
  apiType?: 'rest' | 'http';
  /** `managed`: a web ACL of AWS managed rules; `{ webAclArn }`: one you have; default `none`. REST only. */
  waf?: VaultWaf;
  /** A custom domain for the API; the API keeps its execute-api URL too. */
  domain?: VaultDomainOptions;
  /** Browser origins allowed to call the API (`https://app.example.com`, or `*`); default none. */
  corsOrigins?: readonly string[];
  /** REST API logging and the account-wide API Gateway role (see ApiGatewayCloudWatchRole); default `none`. */
  apiGatewayCloudWatchRole?: ApiGatewayCloudWatchRole;
  /** Stage throttling: steady requests per second (default 100) and burst (default 200). */
  throttle?: { rateLimit?: number; burstLimit?: number };
  removalPolicy?: {
    /** The table and its key; default RETAIN. */
    data?: RemovalPolicy.RETAIN | RemovalPolicy.DESTROY;
    /** The Cognito user pool; default RETAIN. */
    userPool?: RemovalPolicy;
    /** Every log group (functions, API access logs); default DESTROY. */
    logs?: RemovalPolicy;
  };
  /** Tags on every resource of the vault. */
  tags?: Record<string, string>;
  /** Who may exchange an IAM identity for a vault token (see VaultIamLoginOptions); default nobody. */
  iamLogin?: VaultIamLoginOptions;
  /** Of every log group; default three months. */
  logRetention?: RetentionDays;
  /** Of every function, in MB; default 512. */
  memorySize?: number;
  /** How long a reading function keeps a decrypted data key; default 300 s. */
  dataKeyCacheSeconds?: number;
  /** Rotator Lambdas the vault may invoke. */
  rotatorArns?: readonly string[];
  /** Events that start a rotation (e.g. a credential-compromise finding). */
  rotationEvent?: RotationEvent;
  /** How long before `expires` the near-expiry event comes; default 7 days. */
  expiryWarningDays?: number;
  /** How long audit entries are kept and each signed digest locked (1–3650 days); default 365. */
  auditRetentionDays?: number;
  /** How often the audit trail is sealed into a signed digest (1–60 minutes); default 15. */
  auditDigestMinutes?: number;
  /**
   * Recovery (infra/constructs/vault-data.ts): a multi-Region key, the table as a global table with
   * replica Regions, an AWS Backup plan, or, in a replica Region, `replicaOf` the primary's key and
   * table. A replica Region's vault serves the API only (background work and audit digests stay in
   * the primary's) and trusts the primary's token issuer (`identity: { oidc }`).
   */
  recovery?: Omit<VaultDataProps, 'retain'>;
  /** How the rotation sweeper keeps from overlapping itself; default `reserved-concurrency`. */
  sweeperSingleRun?: SweeperSingleRun;
  /** How long a failed change-event batch is kept for replay; default 14 days. */
  failedBatchRetention?: Duration;
  /** One audit seal at a time by reserved concurrency 1 (needs 100 unreserved in the account); default true. */
  reserveSealConcurrency?: boolean;
  /**
   * The operations served; default every row of the operation table (shared/operations.ts). For
   * tests measuring what one operation costs in the template; the OpenAPI document still lists all.
   */
  operations?: readonly Operation[];
}

/** What a vault is made of, for outputs, grants and tests. */
export interface VaultParts {
  readonly data: VaultData;
  readonly identity: VaultIdentity;
  readonly functions: ReadonlyArray<{ id: string; operation: Operation; construct: OperationFunction }>;
  /** The nested stack holding the API (routes, stage, gateway responses, permissions, WAF, domain). */
  readonly apiStack: NestedStack;
  readonly api: VaultApi | VaultHttpApi;
  readonly restApi: RestApi | undefined;
  readonly httpApi: HttpApi | undefined;
  /** The HTTP API's `$default` route function (HTTP only). */
  readonly routeNotFound: VaultFunction | undefined;
  readonly webAcl: VaultWebAcl | undefined;
  readonly domain: VaultDomain | undefined;
  /** Base URL of the vault API (`…/vault/api/v1`), on the custom domain when there is one. */
  readonly url: string;
  readonly monitoring: VaultMonitoring;
  /** Where the alarms go: the topic given in `alarms`, or the vault's own. */
  readonly alarmTopic: ITopic;
  /** Absent in a replica Region (`recovery.replicaOf`): background work stays in the primary's. */
  readonly background: VaultBackground | undefined;
  /** Absent in a replica Region (`recovery.replicaOf`): the trail is sealed in the primary's. */
  readonly auditDigests: VaultAuditDigests | undefined;
  /** The key of the vault's own tokens (IAM login); absent when `operations` leaves login out. */
  readonly tokenKey: VaultTokenKey | undefined;
}

export const DEFAULTS = {
  throttleRate: 100,
  throttleBurst: 200,
  logRetention: RetentionDays.THREE_MONTHS,
  memorySize: 512,
  dataKeyCacheSeconds: 300,
  expiryWarningDays: 7,
  auditRetentionDays: 365,
  auditDigestMinutes: 15,
  iamTokenTtlSeconds: 900,
} as const;

export const pascal = (id: string) =>
  id.replace(/(^|-)(\w)/g, (_match, _dash, letter: string) => letter.toUpperCase());

function range(name: string, value: number, min: number, max: number, whole = false): number {
  if (!Number.isFinite(value) || value < min || value > max || (whole && !Number.isInteger(value)))
    throw new Error(
      `${name} must be ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}, got ${value}`,
    );
  return value;
}

/**
 * Builds the vault's parts into `scope`. `Vault` builds them into itself; the repo's own stack
 * builds them straight into the stack so that its resources keep the logical ids (and the table
 * and key their identity) they were first deployed with.
 */
export function buildVault(scope: Construct, props: VaultProps): VaultParts {
  const apiType = props.apiType ?? 'rest';
  const waf = props.waf ?? 'none';
  const corsOrigins = props.corsOrigins ?? [];
  checkCorsOrigins(corsOrigins);
  if (apiType === 'http' && waf !== 'none')
    throw new Error(
      'waf: AWS WAF cannot be associated with an HTTP API; use apiType "rest" or put CloudFront in front',
    );
  if (apiType === 'http' && (props.apiGatewayCloudWatchRole ?? 'none') !== 'none')
    throw new Error('apiGatewayCloudWatchRole is for REST APIs; HTTP APIs log through a service-linked role');
  const replica = props.recovery?.replicaOf !== undefined;
  if (replica && !(props.identity && 'oidc' in props.identity))
    throw new Error(
      "recovery.replicaOf: a replica Region's vault trusts the primary's token issuer; name it in identity.oidc",
    );
  if (props.alarms === undefined)
    throw new Error("alarms is required: { email }, { topic }, or 'none' to be notified by nobody");
  const throttleRate = range(
    'throttle.rateLimit',
    props.throttle?.rateLimit ?? DEFAULTS.throttleRate,
    0,
    1e6,
  );
  const throttleBurst = range(
    'throttle.burstLimit',
    props.throttle?.burstLimit ?? DEFAULTS.throttleBurst,
    0,
    1e6,
    true,
  );
  const memorySize = range('memorySize', props.memorySize ?? DEFAULTS.memorySize, 128, 10_240, true);
  // The bounds the functions themselves accept for AUDIT_RETENTION_DAYS (shared/config.ts).
  const auditRetentionDays = range(
    'auditRetentionDays',
    props.auditRetentionDays ?? DEFAULTS.auditRetentionDays,
    1,
    3650,
    true,
  );
  const auditDigestMinutes = range(
    'auditDigestMinutes',
    props.auditDigestMinutes ?? DEFAULTS.auditDigestMinutes,
    1,
    60,
    true,
  );
  const dataKeyCacheSeconds = range(
    'dataKeyCacheSeconds',
    props.dataKeyCacheSeconds ?? DEFAULTS.dataKeyCacheSeconds,
    0,
    86_400,
  );
  const expiryWarningDays = range(
    'expiryWarningDays',
    props.expiryWarningDays ?? DEFAULTS.expiryWarningDays,
    0,
    3650,
  );
  if (props.rotationEvent && !props.rotationEvent.namePath.startsWith('$.'))
    throw new Error('rotationEvent.namePath must be a JSON path from $. (e.g. $.detail.secretName)');
  const logRetention = props.logRetention ?? DEFAULTS.logRetention;
  const rotatorArns = [...(props.rotatorArns ?? [])];

  const data = new VaultData(scope, 'Data', {
    ...props.recovery,
    retain: (props.removalPolicy?.data ?? Removal.RETAIN) !== Removal.DESTROY,
  });
  const identity = new VaultIdentity(scope, 'Identity', {
    identity: props.identity ?? { cognito: {} },
    ...(props.removalPolicy?.userPool && { userPoolRemovalPolicy: props.removalPolicy.userPool }),
  });
  const environment: Record<string, string> = {
    TABLE_NAME: data.table.tableName,
    KMS_KEY_ID: data.key.keyArn,
    DATA_KEY_CACHE_TTL_SECONDS: String(dataKeyCacheSeconds),
    EXPIRY_WARNING_SECONDS: String(expiryWarningDays * 86_400),
    // Entries expire (TTL) when their digests' locks do.
    AUDIT_RETENTION_DAYS: String(auditRetentionDays),
    ...identity.tokenSettings,
  };
  const served = props.operations ?? allOperations;
  // The vault's own tokens: a signing key when login or the JWKS is served; every API function
  // then also accepts the vault's issuer, reading the key's public half from KMS.
  const tokenKey = served.some((operation) => operation.tokenKey)
    ? new VaultTokenKey(scope, 'TokenKey')
    : undefined;
  const login = iamLoginEnvironment(scope, props, tokenKey);
  const functions = served.map((operation) => ({
    id: operation.id,
    operation,
    construct: new OperationFunction(scope, pascal(operation.id), {
      operation,
      data,
      environment: {
        ...environment,
        ...login.verifiers,
        ...(operation.authorization === 'iam' && login.minter),
      },
      logRetention,
      rotatorArns,
    }),
  }));
  if (tokenKey) {
    for (const { operation, construct } of functions)
      if (operation.tokenKey === 'sign') tokenKey.allowSigning(construct.role);
    // Whoever verifies tokens (any scoped operation) may read the public key, and the JWKS route.
    tokenKey.allowPublicKey(
      functions
        .filter(({ operation }) => operation.scopes.length > 0 || operation.tokenKey !== undefined)
        .map(({ construct }) => construct.role),
    );
  }
  for (const { construct } of functions)
    Validations.of(construct.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'API Gateway invokes operation functions synchronously: a failure is answered to the caller (in the vault ' +
        'error shape) and logged under its trace id; a dead-letter queue only ever receives asynchronous events.',
    });

  // The API in a nested stack of its own: routes, methods and permissions grow with the operation
  // table, and CloudFormation counts its 500 resources per template.
  const apiStack = new NestedStack(scope, 'Api', {
    description: 'Vault API: routes, stage and gateway settings',
  });
  const routes = functions.map(({ operation, construct }) => ({ operation, function: construct.function }));
  let api: VaultApi | VaultHttpApi;
  let routeNotFound: VaultFunction | undefined;
  let webAcl: VaultWebAcl | undefined;
  if (apiType === 'http') {
    routeNotFound = new VaultFunction(scope, 'RouteNotFound', {
      handlerDir: 'route-not-found',
      description: 'Vault HTTP API $default route: unknown routes and methods in the vault error shape',
      environment: {},
      logRetention,
    });
    Validations.of(routeNotFound.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously by the HTTP API only ($default route); it answers the caller, never queues.',
    });
    api = new VaultHttpApi(apiStack, 'Http', {
      routes,
      notFound: routeNotFound.function,
      throttleRate,
      throttleBurst,
      logRetention,
      corsOrigins,
    });
  } else {
    webAcl = waf === 'managed' ? new VaultWebAcl(apiStack, 'Waf') : undefined;
    const webAclArn = webAcl?.arn ?? (typeof waf === 'object' ? waf.webAclArn : undefined);
    api = new VaultApi(apiStack, 'Http', {
      routes,
      throttleRate,
      throttleBurst,
      logRetention,
      cloudWatchRole: props.apiGatewayCloudWatchRole ?? 'none',
      corsOrigins,
      ...(webAclArn !== undefined && { webAclArn }),
    });
  }
  const domain = props.domain
    ? new VaultDomain(apiStack, 'Domain', {
        options: props.domain,
        api: api instanceof VaultApi ? { rest: api.api } : { http: api.api, stage: api.stage },
      })
    : undefined;
  const executeApiUrl = api instanceof VaultApi ? api.api.url.replace(/\/$/, '') : api.url.replace(/\/$/, '');

  const monitoring = new VaultMonitoring(scope, 'Monitoring', {
    api: api.api,
    table: data.table,
    functions: [
      ...functions.map(({ id: opId, operation, construct }) => ({
        id: pascal(opId),
        function: construct.function,
        label: `${operation.method} ${operation.path}`,
      })),
      ...(routeNotFound
        ? [{ id: 'RouteNotFound', function: routeNotFound.function, label: '$default' }]
        : []),
    ],
    alarmEmail: typeof props.alarms === 'object' && 'email' in props.alarms ? props.alarms.email : undefined,
  });
  const background = replica
    ? undefined
    : new VaultBackground(scope, 'Background', {
        data,
        environment,
        logRetention,
        rotatorArns,
        monitoring,
        ...(props.rotationEvent && { rotationEvent: props.rotationEvent }),
        ...(props.sweeperSingleRun && { sweeperSingleRun: props.sweeperSingleRun }),
        ...(props.failedBatchRetention && { failedBatchRetention: props.failedBatchRetention }),
      });
  const auditDigests = replica
    ? undefined
    : new VaultAuditDigests(scope, 'AuditDigests', {
        data,
        retentionDays: auditRetentionDays,
        intervalMinutes: auditDigestMinutes,
        logRetention,
        monitoring,
        ...(props.reserveSealConcurrency !== undefined && {
          reserveConcurrency: props.reserveSealConcurrency,
        }),
      });

  if (typeof props.alarms === 'object' && 'email' in props.alarms)
    Validations.of(monitoring.topic).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason:
        "The email subscription of the alarm topic: a failed delivery (unconfirmed or bouncing address) shows in the topic's " +
        'NumberOfNotificationsFailed metric and the alarm itself stays in ALARM on the console and dashboard; a ' +
        'dead-letter queue of alarm notifications would be one more thing nobody reads.',
    });

  // Alarms to the deployer's own topic: every alarm of the vault (all are made by now) points there.
  let alarmTopic: ITopic = monitoring.topic;
  if (typeof props.alarms === 'object' && 'topic' in props.alarms) {
    alarmTopic = props.alarms.topic;
    for (const alarm of monitoring.node.findAll().filter((child) => child instanceof Alarm))
      (alarm.node.defaultChild as CfnAlarm).alarmActions = [alarmTopic.topicArn];
  }
  // Every function, API or background, gets the same memory (VaultFunction fixes 512 MB).
  if (memorySize !== DEFAULTS.memorySize)
    for (const vaultFunction of scope.node.findAll().filter((child) => child instanceof VaultFunction))
      (vaultFunction.function.node.defaultChild as CfnFunction).memorySize = memorySize;
  if (props.removalPolicy?.logs)
    RemovalPolicies.of(scope).apply(props.removalPolicy.logs, {
      applyToResourceTypes: ['AWS::Logs::LogGroup'],
    });
  // Not dashboards: CloudFormation's Tags on AWS::CloudWatch::Dashboard are too recent for cfn-lint's
  // schema (1.51) and perhaps for some Regions.
  for (const [key, value] of Object.entries(props.tags ?? {}))
    Tags.of(scope).add(key, value, { excludeResourceTypes: ['AWS::CloudWatch::Dashboard'] });

  return {
    data,
    identity,
    functions,
    apiStack,
    api,
    restApi: api instanceof VaultApi ? api.api : undefined,
    httpApi: api instanceof VaultHttpApi ? api.api : undefined,
    routeNotFound,
    webAcl,
    domain,
    url: `${domain?.url ?? executeApiUrl}${API_BASE}`,
    monitoring,
    alarmTopic,
    background,
    auditDigests,
    tokenKey,
  };
}

/**
 * The variables of IAM login, checked at synth: `verifiers` for every API function (the vault's
 * issuer and key), `minter` for the login function (the mapping, validated as it will be at cold
 * start, and the token lifetime).
 */
function iamLoginEnvironment(
  scope: Construct,
  props: VaultProps,
  tokenKey: VaultTokenKey | undefined,
): { verifiers: Record<string, string>; minter: Record<string, string> } {
  const options = props.iamLogin ?? {};
  const parsed = IamPrincipalsSetting.safeParse(options.principals ?? []);
  if (!parsed.success)
    throw new Error(
      `iamLogin.principals: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`.trim()).join('; ')}`,
    );
  const ttl = range(
    'iamLogin.tokenTtl (seconds)',
    options.tokenTtl?.toSeconds() ?? DEFAULTS.iamTokenTtlSeconds,
    60,
    43_200,
    true,
  );
  if (!tokenKey) {
    if (props.iamLogin) throw new Error('iamLogin: the operations served leave out the IAM login');
    return { verifiers: {}, minter: {} };
  }
  const domainUrl = props.domain
    ? `https://${props.domain.domainName}${props.domain.basePath ? `/${props.domain.basePath}` : ''}`
    : undefined;
  const issuer =
    options.issuer ??
    (domainUrl
      ? `${domainUrl}${API_BASE}/auth`
      : `urn:vault:${Stack.of(scope).stackName}:${scope.node.path}`);
  return {
    verifiers: { VAULT_TOKEN_ISSUER: issuer, VAULT_TOKEN_KEY_ID: tokenKey.key.keyArn },
    minter: { IAM_LOGIN_PRINCIPALS: JSON.stringify(parsed.data), IAM_LOGIN_TOKEN_TTL_SECONDS: String(ttl) },
  };
}

/**
 * A PrivX-compatible secrets vault: `new Vault(this, 'Vault', { alarms: { email: 'ops@example.com' } })`.
 * Its parts are properties (`url`, `data.table`, `identity`, `restApi` or `httpApi`, …).
 */
export class Vault extends Construct implements VaultParts {
  readonly data: VaultData;
  readonly identity: VaultIdentity;
  readonly functions: VaultParts['functions'];
  readonly apiStack: NestedStack;
  readonly api: VaultApi | VaultHttpApi;
  readonly restApi: RestApi | undefined;
  readonly httpApi: HttpApi | undefined;
  readonly routeNotFound: VaultFunction | undefined;
  readonly webAcl: VaultWebAcl | undefined;
  readonly domain: VaultDomain | undefined;
  readonly url: string;
  readonly monitoring: VaultMonitoring;
  readonly alarmTopic: ITopic;
  readonly background: VaultBackground | undefined;
  readonly auditDigests: VaultAuditDigests | undefined;
  readonly tokenKey: VaultTokenKey | undefined;

  constructor(scope: Construct, id: string, props: VaultProps) {
    super(scope, id);
    const parts = buildVault(this, props);
    this.data = parts.data;
    this.identity = parts.identity;
    this.functions = parts.functions;
    this.apiStack = parts.apiStack;
    this.api = parts.api;
    this.restApi = parts.restApi;
    this.httpApi = parts.httpApi;
    this.routeNotFound = parts.routeNotFound;
    this.webAcl = parts.webAcl;
    this.domain = parts.domain;
    this.url = parts.url;
    this.monitoring = parts.monitoring;
    this.alarmTopic = parts.alarmTopic;
    this.background = parts.background;
    this.auditDigests = parts.auditDigests;
    this.tokenKey = parts.tokenKey;
  }
}
