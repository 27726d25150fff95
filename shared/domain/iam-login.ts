/**
 * IAM login (token exchange): a caller that API Gateway has already authenticated with SigV4 gets
 * a short-lived vault token for the identity the deployer mapped its IAM principal to. Nothing
 * mapped, nothing minted: an unmapped principal is refused and the refusal is audited.
 *
 * Principals are compared as IAM names them, after one normalization: an assumed-role session
 * (`arn:aws:sts::<account>:assumed-role/<role>/<session>`) stands for its role. STS ARNs carry no
 * role path, so a mapped role ARN (`arn:aws:iam::<account>:role/<path>/<role>`) matches by
 * partition, account and role name; role names are unique within an account whatever their path.
 * IAM users match by partition, account and user name the same way. Nothing else is mappable.
 */
import type { AuditEvent } from './audit.ts';
import { PermissionDeniedError } from './errors.ts';
import type { Scope } from './model.ts';
import type { AuditLog, Clock } from './ports.ts';

/** One IAM principal the deployer maps to a vault identity. */
export interface IamPrincipalMapping {
  /** A role or user ARN (`arn:aws:iam::<account>:role/<name>`, `…:user/<name>`), paths allowed. */
  arn: string;
  /** The vault identity (`sub`): it owns personal secrets and is the actor in audit trails. */
  subject: string;
  scopes: readonly Scope[];
  roles: readonly string[];
}

export interface IamLoginSettings {
  principals: readonly IamPrincipalMapping[];
  tokenTtlSeconds: number;
}

/** What a token says: the adapter signs it (with the vault's own key) in the issuer's claim layout. */
export interface TokenGrant {
  subject: string;
  scopes: readonly string[];
  roles: readonly string[];
  issuedAt: Date;
  ttlSeconds: number;
}

export interface TokenIssuer {
  issue(grant: TokenGrant): Promise<{ token: string; id: string }>;
}

export interface IamLoginDeps {
  audit: AuditLog;
  clock: Clock;
  tokens: TokenIssuer;
}

/** The IAM caller API Gateway verified (`requestContext.identity`). */
export interface IamCaller {
  /** As API Gateway reports it: an assumed-role session ARN, a user ARN, …; absent when unsigned. */
  arn: string | undefined;
  traceId: string;
  sourceIp: string;
}

export interface IamLoginResult {
  accessToken: string;
  expiresIn: number;
}

/** A principal reduced to what identifies it: `role` or `user`, partition, account and name. */
export interface PrincipalKey {
  kind: 'role' | 'user';
  partition: string;
  account: string;
  name: string;
}

const PARTITION = 'aws(?:-[a-z]+)*';
const ACCOUNT = '\\d{12}';
// IAM names: letters, digits and +=,.@_- (paths add /); 64 characters for roles and users.
const NAME = '[\\w+=,.@-]{1,64}';
const IAM_ARN = new RegExp(`^arn:(${PARTITION}):iam::(${ACCOUNT}):(role|user)/(?:[\\w+=,.@/-]*/)?(${NAME})$`);
const SESSION_ARN = new RegExp(
  `^arn:(${PARTITION}):sts::(${ACCOUNT}):assumed-role/(${NAME})/([\\w+=,.@-]{2,64})$`,
);

/** What a mapping's ARN names, or undefined when it is no role or user ARN. */
export function mappedPrincipal(arn: string): PrincipalKey | undefined {
  const match = IAM_ARN.exec(arn);
  if (!match) return undefined;
  const [, partition, account, kind, name] = match as unknown as [
    string,
    string,
    string,
    'role' | 'user',
    string,
  ];
  return { kind, partition, account, name };
}

/** What a caller's ARN names: an assumed-role session is its role; undefined for anything else. */
export function callerPrincipal(arn: string): PrincipalKey | undefined {
  const session = SESSION_ARN.exec(arn);
  if (session) {
    const [, partition, account, name] = session as unknown as [string, string, string, string];
    return { kind: 'role', partition, account, name };
  }
  return mappedPrincipal(arn);
}

/** The principal's canonical ARN: a session's role without its path, which STS does not say. */
export const principalArn = (key: PrincipalKey): string =>
  `arn:${key.partition}:iam::${key.account}:${key.kind}/${key.name}`;

const sameKey = (a: PrincipalKey, b: PrincipalKey) =>
  a.kind === b.kind && a.partition === b.partition && a.account === b.account && a.name === b.name;

/** Problems of a mapping list: unmappable ARNs and principals mapped twice (after normalization). */
export function mappingProblems(principals: readonly IamPrincipalMapping[]): string[] {
  const problems: string[] = [];
  const seen: PrincipalKey[] = [];
  principals.forEach((principal, index) => {
    const key = mappedPrincipal(principal.arn);
    if (!key) problems.push(`principals[${index}].arn is not an IAM role or user ARN: ${principal.arn}`);
    else if (seen.some((other) => sameKey(other, key)))
      problems.push(`principals[${index}].arn maps ${principalArn(key)} a second time`);
    else seen.push(key);
  });
  return problems;
}

/** The mapping for this caller, if any. */
export function mappingFor(
  principals: readonly IamPrincipalMapping[],
  callerArn: string,
): IamPrincipalMapping | undefined {
  const key = callerPrincipal(callerArn);
  if (!key) return undefined;
  return principals.find((principal) => {
    const mapped = mappedPrincipal(principal.arn);
    return mapped !== undefined && sameKey(mapped, key);
  });
}

/**
 * The trail IAM logins are recorded in. No secret can have this name (a name never starts with
 * `/`), so it never mixes with a secret's trail; `GET /audit?actor=<role ARN>` finds its entries.
 */
export const LOGIN_TRAIL = { name: '/auth/iam' } as const;

export const UNMAPPED_MESSAGE = 'This IAM principal is not mapped to a vault identity';

/**
 * Exchanges a verified IAM identity for a vault token, or refuses it (403, recorded within the
 * principal's denial budget). The token is handed out only once its login is in the trail.
 */
export async function iamLogin(
  deps: IamLoginDeps,
  settings: IamLoginSettings,
  caller: IamCaller,
): Promise<IamLoginResult> {
  const key = caller.arn === undefined ? undefined : callerPrincipal(caller.arn);
  // The role, not the session, is who acts: one budget of recorded denials per principal.
  const actor = key ? principalArn(key) : (caller.arn ?? 'anonymous');
  const event = (outcome: 'success' | 'denied', reason: string): AuditEvent => ({
    action: 'login',
    outcome,
    secret: LOGIN_TRAIL,
    actor,
    reason,
    traceId: caller.traceId,
    sourceIp: caller.sourceIp,
    at: deps.clock.now().toISOString(),
  });
  const mapping = caller.arn === undefined ? undefined : mappingFor(settings.principals, caller.arn);
  if (!mapping) {
    await deps.audit.appendDenial(event('denied', `${UNMAPPED_MESSAGE}: ${caller.arn ?? 'unsigned'}`));
    throw new PermissionDeniedError(UNMAPPED_MESSAGE);
  }
  const { token, id } = await deps.tokens.issue({
    subject: mapping.subject,
    scopes: mapping.scopes,
    roles: mapping.roles,
    issuedAt: deps.clock.now(),
    ttlSeconds: settings.tokenTtlSeconds,
  });
  // The session ARN names who assumed the role; the token id ties later requests to this login.
  await deps.audit.append(event('success', `${caller.arn} as ${mapping.subject}, token ${id}`));
  return { accessToken: token, expiresIn: settings.tokenTtlSeconds };
}
