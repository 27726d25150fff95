/**
 * Who issues tokens. By default a Cognito user pool whose resource server `vault` carries the
 * PrivX scopes, with app clients for machine-to-machine use (client credentials); a deployer may
 * point the vault at any OIDC issuer instead. Either way every function verifies the token itself.
 */
import { Duration, Names, RemovalPolicy } from 'aws-cdk-lib';
import {
  FeaturePlan,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { SCOPES } from '../../shared/domain/model.ts';

export const RESOURCE_SERVER = 'vault';

/** Any OIDC issuer whose access tokens the functions accept instead of the vault's own user pool. */
export interface OidcIssuer {
  /** The `iss` of its tokens; its JWKS is found at `<issuer>/.well-known/jwks.json` unless `jwksUri` says. */
  issuer: string;
  /** Accepted audiences (at least one): values of `aud`, or of `client_id` with `audienceClaim: 'client_id'`. */
  audience: readonly string[];
  jwksUri?: string;
  /** Where the token names its audience (default `aud`). */
  audienceClaim?: 'aud' | 'client_id';
  /** Claim(s), comma separated, carrying the caller's roles (default `roles`). */
  rolesClaim?: string;
  /** Only scopes with this prefix count, the prefix removed (default: none). */
  scopePrefix?: string;
}

/**
 * Who issues tokens: a Cognito user pool made for the vault (`domainPrefix` of its token endpoint,
 * globally unique per Region; default derived from the construct path), or any OIDC issuer.
 */
export type VaultIdentityOptions = { cognito: { domainPrefix?: string } } | { oidc: OidcIssuer };

export interface VaultIdentityProps {
  identity: VaultIdentityOptions;
  /** Of the Cognito user pool (its users and app clients); default RETAIN. */
  userPoolRemovalPolicy?: RemovalPolicy;
}

/** Environment the Lambdas verify tokens with (shared/config.ts reads it). */
export interface TokenSettings {
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  JWT_AUDIENCE_CLAIM: string;
  ROLES_CLAIM: string;
  SCOPE_PREFIX: string;
  JWKS_URI?: string;
}

/** Machine clients made by default: an administrator client and a reader client. */
const CLIENTS = {
  admin: ['admin', 'vaultAdd', 'vaultManage', 'user'],
  reader: ['user'],
} as const;

export class VaultIdentity extends Construct {
  readonly tokenSettings: TokenSettings;
  readonly issuer: string;
  readonly tokenUrl: string | undefined;
  readonly userPool: UserPool | undefined;
  readonly clients: Record<string, UserPoolClient> = {};

  constructor(scope: Construct, id: string, props: VaultIdentityProps) {
    super(scope, id);
    if ('oidc' in props.identity) {
      const external = props.identity.oidc;
      if (external.audience.length === 0)
        throw new Error('identity.oidc.audience needs at least one audience');
      this.issuer = external.issuer;
      this.tokenUrl = undefined;
      this.userPool = undefined;
      this.tokenSettings = {
        JWT_ISSUER: external.issuer,
        JWT_AUDIENCE: external.audience.join(','),
        JWT_AUDIENCE_CLAIM: external.audienceClaim ?? 'aud',
        ROLES_CLAIM: external.rolesClaim ?? 'roles',
        SCOPE_PREFIX: external.scopePrefix ?? '',
        ...(external.jwksUri && { JWKS_URI: external.jwksUri }),
      };
      return;
    }
    const { domainPrefix } = props.identity.cognito;

    const pool = new UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      passwordPolicy: {
        minLength: 14,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      removalPolicy: props.userPoolRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    const resourceServer = new UserPoolResourceServer(this, 'ResourceServer', {
      userPool: pool,
      identifier: RESOURCE_SERVER,
      scopes: SCOPES.map(
        (scope) => new ResourceServerScope({ scopeName: scope, scopeDescription: `PrivX scope ${scope}` }),
      ),
    });
    const domain = pool.addDomain('Domain', {
      // Globally unique per region: deployers should set `cognitoDomainPrefix`; the default is per stack.
      cognitoDomain: {
        domainPrefix: domainPrefix ?? `vault-${Names.uniqueId(this).slice(-12).toLowerCase()}`,
      },
    });
    for (const [name, scopes] of Object.entries(CLIENTS)) {
      this.clients[name] = pool.addClient(`${name}Client`, {
        userPoolClientName: `vault-${name}`,
        generateSecret: true,
        authFlows: {},
        accessTokenValidity: Duration.hours(1),
        oAuth: {
          flows: { clientCredentials: true },
          scopes: scopes.map((scope) =>
            OAuthScope.resourceServer(
              resourceServer,
              new ResourceServerScope({ scopeName: scope, scopeDescription: scope }),
            ),
          ),
        },
      });
    }
    this.userPool = pool;
    this.issuer = pool.userPoolProviderUrl;
    this.tokenUrl = `${domain.baseUrl()}/oauth2/token`;
    this.tokenSettings = {
      JWT_ISSUER: pool.userPoolProviderUrl,
      JWT_AUDIENCE: Object.values(this.clients)
        .map((client) => client.userPoolClientId)
        .join(','),
      // Cognito access tokens name their app client in `client_id` and carry no `aud`.
      JWT_AUDIENCE_CLAIM: 'client_id',
      // Users get their groups as roles; each machine client gets its own client id as a role.
      ROLES_CLAIM: 'cognito:groups,client_id',
      SCOPE_PREFIX: `${RESOURCE_SERVER}/`,
    };
  }
}
