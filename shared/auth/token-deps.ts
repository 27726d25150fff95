/**
 * What the IAM login and JWKS functions are built from, once per cold start: the vault's token key
 * (KMS), the audit trail logins are recorded in, and the deployer's mapping. Kept apart from
 * deps.ts so that no other function bundles the mapping or the token minting.
 */
import { dynamoDocuments, kmsClient } from '../aws/clients.ts';
import { loadAuthConfig, loadIamLoginConfig, loadStoreConfig } from '../config.ts';
import { KmsTokenKey, VaultTokenIssuer } from '../crypto/token-signer.ts';
import type { IamLoginDeps, IamLoginSettings } from '../domain/iam-login.ts';
import { DynamoAuditLog } from '../store/dynamo-audit-log.ts';

export function iamLoginDeps(): { deps: IamLoginDeps; settings: IamLoginSettings } {
  const auth = loadAuthConfig();
  const own = auth.vaultIssuer;
  if (!own) throw new Error('VAULT_TOKEN_ISSUER and VAULT_TOKEN_KEY_ID are required for IAM login');
  const settings = loadIamLoginConfig();
  // A token the vault's own verifiers would refuse is never minted.
  if (settings.tokenTtlSeconds > auth.maxTokenLifetimeSeconds)
    throw new Error('IAM_LOGIN_TOKEN_TTL_SECONDS is longer than MAX_TOKEN_LIFETIME_SECONDS');
  const store = loadStoreConfig();
  const audit = new DynamoAuditLog(dynamoDocuments({ endpoint: store.dynamoEndpoint }), {
    tableName: store.tableName,
    retentionDays: store.auditRetentionDays,
    denialsPerHour: store.auditDenialsPerHour,
  });
  const key = new KmsTokenKey(kmsClient({ endpoint: own.kmsEndpoint }), own.keyId);
  const tokens = new VaultTokenIssuer(key, {
    issuer: own.issuer,
    audience: own.audience,
    scopePrefix: auth.scopePrefix,
    rolesClaim: auth.rolesClaims[0] ?? 'roles',
  });
  return { deps: { audit, clock: { now: () => new Date() }, tokens }, settings };
}
