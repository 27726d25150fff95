/**
 * Configuration, read once from the environment at cold start. A missing required setting throws
 * there, naming the variable, rather than failing one request at a time.
 */
import type { IamPrincipalMapping } from './domain/iam-login.ts';
import { IamPrincipalsSetting } from './schemas/auth.ts';

const env = (name: string): string | undefined => {
  const value = process.env[name]?.trim();
  return value === '' ? undefined : value;
};

function required(name: string): string {
  const value = env(name);
  if (value === undefined) throw new Error(`Missing required environment variable ${name}`);
  return value;
}

function integer(name: string, fallback: number): number {
  const raw = env(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function bounded(name: string, fallback: number, min: number, max: number): number {
  const value = integer(name, fallback);
  if (value < min || value > max) throw new Error(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

const list = (raw: string | undefined): string[] =>
  (raw ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

export interface AuthConfig {
  issuer: string;
  /** Accepted audiences (`aud`), or app client ids when `audienceClaim` is `client_id` (Cognito access tokens). */
  audiences: string[];
  audienceClaim: 'aud' | 'client_id';
  jwksUri: string;
  /**
   * Claims holding role ids (each an array or a space/comma separated string); their union is
   * the caller's roles. With Cognito, `cognito:groups,client_id` gives users their groups and
   * each machine client its own id as a role.
   */
  rolesClaims: string[];
  /** Stripped from scope names, e.g. Cognito resource-server scopes `vault/user`. */
  scopePrefix: string;
  /** Tokens valid for longer than this are refused, however well signed. */
  maxTokenLifetimeSeconds: number;
  /** The vault's own issuer (IAM login), when deployed: its tokens are accepted beside the OIDC issuer's. */
  vaultIssuer?: VaultIssuerConfig | undefined;
}

export interface VaultIssuerConfig {
  /** `iss` of the vault's tokens (VAULT_TOKEN_ISSUER). */
  issuer: string;
  /** The KMS key (ECC_NIST_P256, SIGN_VERIFY) that signs them; its public key verifies them. */
  keyId: string;
  /**
   * `aud` of the vault's tokens: the API's own audience (the first of JWT_AUDIENCE); with
   * `client_id` audiences (Cognito) there is none, and the vault names itself (its issuer).
   */
  audience: string;
  kmsEndpoint: string | undefined;
}

function vaultIssuerConfig(
  audiences: string[],
  audienceClaim: 'aud' | 'client_id',
): VaultIssuerConfig | undefined {
  const issuer = env('VAULT_TOKEN_ISSUER');
  const keyId = env('VAULT_TOKEN_KEY_ID');
  if (issuer === undefined && keyId === undefined) return undefined;
  if (issuer === undefined || keyId === undefined)
    throw new Error('VAULT_TOKEN_ISSUER and VAULT_TOKEN_KEY_ID are set together or not at all');
  if (issuer === env('JWT_ISSUER')) throw new Error('VAULT_TOKEN_ISSUER must differ from JWT_ISSUER');
  const audience = audienceClaim === 'aud' && audiences[0] !== undefined ? audiences[0] : issuer;
  return { issuer, keyId, audience, kmsEndpoint: env('KMS_ENDPOINT') };
}

export function loadAuthConfig(): AuthConfig {
  const issuer = required('JWT_ISSUER');
  const audienceClaim = env('JWT_AUDIENCE_CLAIM') ?? 'aud';
  if (audienceClaim !== 'aud' && audienceClaim !== 'client_id') {
    throw new Error(`JWT_AUDIENCE_CLAIM must be "aud" or "client_id", got "${audienceClaim}"`);
  }
  const audiences = list(required('JWT_AUDIENCE'));
  return {
    issuer,
    audiences,
    audienceClaim,
    jwksUri: env('JWKS_URI') ?? `${issuer.replace(/\/$/, '')}/.well-known/jwks.json`,
    rolesClaims: list(env('ROLES_CLAIM') ?? 'roles'),
    scopePrefix: env('SCOPE_PREFIX') ?? '',
    maxTokenLifetimeSeconds: integer('MAX_TOKEN_LIFETIME_SECONDS', 24 * 3600),
    vaultIssuer: vaultIssuerConfig(audiences, audienceClaim),
  };
}

/** Who may exchange an IAM identity for a vault token (POST /auth/iam), and for how long. */
export interface IamLoginConfig {
  /** IAM_LOGIN_PRINCIPALS (JSON array); absent: nobody (nothing mapped, nothing minted). */
  principals: IamPrincipalMapping[];
  /** IAM_LOGIN_TOKEN_TTL_SECONDS, 60..43200 (default 900: 15 minutes). */
  tokenTtlSeconds: number;
}

export function loadIamLoginConfig(): IamLoginConfig {
  const raw = env('IAM_LOGIN_PRINCIPALS') ?? '[]';
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('IAM_LOGIN_PRINCIPALS must be a JSON array of {arn, subject, scopes, roles}');
  }
  const result = IamPrincipalsSetting.safeParse(parsed);
  if (!result.success)
    throw new Error(
      `IAM_LOGIN_PRINCIPALS: ${result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`.trim()).join('; ')}`,
    );
  return {
    principals: result.data,
    tokenTtlSeconds: bounded('IAM_LOGIN_TOKEN_TTL_SECONDS', 900, 60, 43_200),
  };
}

export interface HttpConfig {
  /**
   * A 404 for a secret (hidden or missing alike) is answered no sooner than this many ms after the
   * request began, so its time does not tell the two apart (0: off).
   */
  notFoundMinMs: number;
}

export function loadHttpConfig(): HttpConfig {
  return { notFoundMinMs: bounded('NOT_FOUND_MIN_MS', 50, 0, 1000) };
}

export interface StoreConfig {
  tableName: string;
  keyId: string;
  /** Local runs point the SDK clients at DynamoDB Local and the local KMS endpoint. */
  dynamoEndpoint: string | undefined;
  kmsEndpoint: string | undefined;
  dataKeyCache: { maxKeys: number; ttlSeconds: number };
  /** Versions kept per secret (1..50): a soft delete re-tags them all in one transaction. */
  maxVersions: number;
  /** Entries a listing's directory bucket holds before it splits (see store/listing-index.ts). */
  listingBucketSplitAt: number;
  /** Audit entries expire (DynamoDB TTL) this many days after they were written. */
  auditRetentionDays: number;
  /** Denials one caller may add to audit trails per hour; beyond it they are only counted. */
  auditDenialsPerHour: number;
  /** How long before a secret's `expires` the `Secret Near Expiry` event comes. */
  expiryWarningSeconds: number;
  /** Tries per rotation step (with backoff) before the rotation fails. */
  rotationStepAttempts: number;
  /** After a failed rotation, when the scheduler tries again. */
  rotationRetrySeconds: number;
  /** Local runtime only: where `local:<name>` rotator modules live. */
  localRotatorsDir: string | undefined;
}

export function loadStoreConfig(): StoreConfig {
  return {
    tableName: required('TABLE_NAME'),
    keyId: required('KMS_KEY_ID'),
    dynamoEndpoint: env('DYNAMODB_ENDPOINT'),
    kmsEndpoint: env('KMS_ENDPOINT'),
    dataKeyCache: {
      maxKeys: integer('DATA_KEY_CACHE_SIZE', 1000),
      ttlSeconds: integer('DATA_KEY_CACHE_TTL_SECONDS', 300),
    },
    maxVersions: bounded('MAX_VERSIONS', 10, 1, 50),
    listingBucketSplitAt: bounded('LISTING_BUCKET_SPLIT_AT', 32, 4, 10_000),
    auditRetentionDays: bounded('AUDIT_RETENTION_DAYS', 365, 1, 3650),
    auditDenialsPerHour: bounded('AUDIT_DENIALS_PER_HOUR', 100, 0, 100_000),
    expiryWarningSeconds: integer('EXPIRY_WARNING_SECONDS', 7 * 86_400),
    rotationStepAttempts: bounded('ROTATION_STEP_ATTEMPTS', 3, 1, 10),
    rotationRetrySeconds: integer('ROTATION_RETRY_SECONDS', 300),
    localRotatorsDir: env('LOCAL_ROTATORS_DIR'),
  };
}

export interface ServiceConfig {
  version: string;
  /** PrivX secret schemas served by GET /schemas (JSON array). */
  schemas: unknown[];
}

export function loadServiceConfig(): ServiceConfig {
  const raw = env('SECRET_SCHEMAS');
  const schemas: unknown = raw === undefined ? [] : JSON.parse(raw);
  if (!Array.isArray(schemas)) throw new Error('SECRET_SCHEMAS must be a JSON array');
  return { version: env('SERVICE_VERSION') ?? '0.1.0', schemas };
}
