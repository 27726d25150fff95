/**
 * What a deployer may set, as CDK context (`cdk deploy -c issuer=… -c throttleRate=…` or cdk.json).
 * Without an issuer the stack creates a Cognito user pool as the token issuer.
 */
import type { Node } from 'constructs';

export interface ExternalIssuer {
  issuer: string;
  audience: string[];
  jwksUri?: string;
  audienceClaim: 'aud' | 'client_id';
  rolesClaim: string;
  scopePrefix: string;
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
  rotationEvent: { pattern: Record<string, unknown>; namePath: string } | undefined;
  /** How long before `expires` the near-expiry event comes. */
  expiryWarningDays: number;
  /**
   * How long audit entries are kept (their TTL) and each signed digest is locked (S3 Object Lock,
   * compliance mode: nobody, root included, can delete or shorten it before then).
   */
  auditRetentionDays: number;
  /** How often the audit trail is sealed into a signed digest (the verifier's expected interval). */
  auditDigestMinutes: number;
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
  };
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
