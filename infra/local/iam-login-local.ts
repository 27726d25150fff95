/**
 * IAM login on the local runtime: who signs, as whom, and who is mapped to what.
 *
 * - Signers: the local credentials (access key `local`, secret `local`: those DynamoDB Local and
 *   the KMS endpoint are called with) sign as `VAULT_LOCAL_IAM_ARN`, by default
 *   `arn:aws:sts::000000000000:assumed-role/local-dev/session`; tests may add keys of their own.
 * - Mapping: `IAM_LOGIN_PRINCIPALS` (the functions' own variable, JSON) when set, else
 *   `<state>/iam-principals.json`, written on first start mapping the local-dev role to subject
 *   `local-dev` (scopes `user vaultAdd`, role `dev`, the role the printed dev token has).
 * - Token key: an ECC_NIST_P256 signing key of the local KMS endpoint (`alias/vault-local-token`),
 *   kept in `kms.json` like the data key, so tokens survive a restart with persisted state.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { IamPrincipalMapping } from '../../shared/domain/iam-login.ts';
import { LOCAL_AWS } from './dynamodb-local.ts';
import { keyByAlias } from './key-by-alias.ts';
import type { LocalIamIdentity } from './sigv4-check.ts';

export const LOCAL_TOKEN_KEY_ALIAS = 'alias/vault-local-token';
export const DEFAULT_LOCAL_IAM_ARN = 'arn:aws:sts::000000000000:assumed-role/local-dev/session';

export const DEFAULT_LOCAL_PRINCIPALS: IamPrincipalMapping[] = [
  {
    arn: 'arn:aws:iam::000000000000:role/local-dev',
    subject: 'local-dev',
    scopes: ['user', 'vaultAdd'],
    roles: ['dev'],
  },
];

export const principalsFile = (stateDir: string) => join(stateDir, 'iam-principals.json');

/** The mapping as the iam-login function will read it (JSON); the function validates it at load. */
export function localPrincipals(stateDir: string, given?: readonly IamPrincipalMapping[]): string {
  if (given) return JSON.stringify(given);
  const fromEnv = process.env.IAM_LOGIN_PRINCIPALS?.trim();
  if (fromEnv) return fromEnv;
  const file = principalsFile(stateDir);
  if (!existsSync(file)) writeFileSync(file, `${JSON.stringify(DEFAULT_LOCAL_PRINCIPALS, null, 2)}\n`);
  return readFileSync(file, 'utf8');
}

/** Access key id → who it signs as: the local credentials, and any the caller adds. */
export function localIdentities(
  extra: Readonly<Record<string, LocalIamIdentity>> = {},
): Map<string, LocalIamIdentity> {
  const arn = process.env.VAULT_LOCAL_IAM_ARN?.trim() || DEFAULT_LOCAL_IAM_ARN;
  const { accessKeyId, secretAccessKey } = LOCAL_AWS.credentials;
  return new Map([[accessKeyId, { secretAccessKey, arn }], ...Object.entries(extra)]);
}

/** The local token-signing key (ECC_NIST_P256), made on first start. */
export const localTokenKey = (kms: KMSClient): Promise<string> =>
  keyByAlias(kms, LOCAL_TOKEN_KEY_ALIAS, {
    KeySpec: 'ECC_NIST_P256',
    KeyUsage: 'SIGN_VERIFY',
    Description: 'vault local token signing (IAM login)',
  });
