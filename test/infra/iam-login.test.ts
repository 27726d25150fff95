/**
 * IAM login in the template (issue 19 item 4): the login route is authorized by API Gateway
 * (AWS_IAM on REST, the IAM authorizer on HTTP), the mapping is a construct prop that reaches the
 * login function only, checked at synth, and nothing is mapped unless the deployer maps it. The
 * token key (ECC_NIST_P256) signs for the login function alone; verifiers get its public key only.
 */
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { GATEWAY_ERRORS } from '../../infra/gateway-responses.ts';
import { SIGNATURE_REFUSED } from '../../infra/local/sigv4-check.ts';
import { settingsFrom } from '../../infra/settings.ts';
import { Vault, type VaultProps } from '../../infra/vault.ts';
import { vaultPropsFrom } from '../../infra/vault-stack.ts';
import { API_BASE, allOperations } from '../../shared/operations.ts';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const APP_ROLE = {
  arn: 'arn:aws:iam::111111111111:role/app',
  subject: 'app',
  scopes: ['user'] as const,
  roles: ['app'],
};

function synth(props: Partial<VaultProps> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Secrets', { env: ENV });
  const vault = new Vault(stack, 'Vault', { alarms: 'none', ...props });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack, vault, template: Template.fromStack(stack), api: Template.fromStack(vault.apiStack) };
}

type Statement = { Sid?: string; Action: string | string[]; Principal?: any; Condition?: any };
const actionsOf = (statement: Statement) =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

const rest = synth({ iamLogin: { principals: [APP_ROLE], tokenTtl: Duration.minutes(5) } });
const roleRef = (id: string) => {
  const fn = rest.vault.functions.find((entry) => entry.id === id)!;
  return { 'Fn::GetAtt': [rest.stack.getLogicalId(fn.construct.role.node.defaultChild as never), 'Arn'] };
};
describe('the REST API', () => {
  it('authorizes POST /auth/iam with AWS_IAM (SigV4) and no other route', () => {
    const methods = Object.values(rest.api.findResources('AWS::ApiGateway::Method'));
    const login = methods.filter((method) => method.Properties.OperationName === 'iam-login');
    expect(login).toHaveLength(1);
    expect(login[0]!.Properties).toMatchObject({ HttpMethod: 'POST', AuthorizationType: 'AWS_IAM' });
    for (const method of methods.filter((m) => m.Properties.OperationName !== 'iam-login'))
      expect(method.Properties.AuthorizationType ?? 'NONE', method.Properties.OperationName).toBe('NONE');
  });

  it('answers a refused signature in the vault shape, with the words the local gateway uses', () => {
    const invalid = GATEWAY_ERRORS.find((spec) => spec.type.responseType === 'INVALID_SIGNATURE');
    expect(invalid).toMatchObject({ status: '403', code: 'PERMISSION_DENIED', message: SIGNATURE_REFUSED });
    rest.api.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'INVALID_SIGNATURE',
      StatusCode: '403',
    });
  });
});

describe('the mapping', () => {
  const loginEnv = () => {
    const fn = rest.vault.functions.find((entry) => entry.id === 'iam-login')!;
    const id = rest.stack.getLogicalId(fn.construct.function.node.defaultChild as never);
    return rest.template.toJSON().Resources[id].Properties.Environment.Variables;
  };

  it('reaches the login function, and only it, as the function will read it', () => {
    expect(JSON.parse(loginEnv().IAM_LOGIN_PRINCIPALS)).toEqual([APP_ROLE]);
    expect(loginEnv().IAM_LOGIN_TOKEN_TTL_SECONDS).toBe('300');
    const others = Object.values(rest.template.findResources('AWS::Lambda::Function')).filter(
      (fn) => fn.Properties.Environment?.Variables?.IAM_LOGIN_PRINCIPALS !== undefined,
    );
    expect(others).toHaveLength(1);
  });

  it('is empty unless given: nothing mapped, nothing minted (15-minute tokens by default)', () => {
    const bare = synth({ apiType: 'http' });
    const fn = bare.vault.functions.find((entry) => entry.id === 'iam-login')!;
    const id = bare.stack.getLogicalId(fn.construct.function.node.defaultChild as never);
    const variables = bare.template.toJSON().Resources[id].Properties.Environment.Variables;
    expect(variables).toMatchObject({ IAM_LOGIN_PRINCIPALS: '[]', IAM_LOGIN_TOKEN_TTL_SECONDS: '900' });
    // The HTTP API: the login route has the IAM authorizer, every other route none.
    for (const route of Object.values(bare.api.findResources('AWS::ApiGatewayV2::Route')))
      expect(route.Properties.AuthorizationType ?? 'NONE', route.Properties.RouteKey).toBe(
        route.Properties.RouteKey === `POST ${API_BASE}/auth/iam` ? 'AWS_IAM' : 'NONE',
      );
    expect(() => bare.app.synth()).not.toThrow();
  });

  it('is refused at synth when it could not work: no role or user ARN, one principal twice, a bad subject or lifetime', () => {
    const cases: Array<[Partial<VaultProps>, RegExp]> = [
      [
        { iamLogin: { principals: [{ ...APP_ROLE, arn: 'arn:aws:iam::111111111111:root' }] } },
        /not an IAM role/,
      ],
      [
        {
          iamLogin: { principals: [APP_ROLE, { ...APP_ROLE, arn: 'arn:aws:iam::111111111111:role/x/app' }] },
        },
        /second time/,
      ],
      [{ iamLogin: { principals: [{ ...APP_ROLE, subject: ' app' }] } }, /subject/],
      [{ iamLogin: { tokenTtl: Duration.hours(13) } }, /tokenTtl/],
      [
        { iamLogin: {}, operations: allOperations.filter((op) => op.tokenKey === undefined) },
        /leave out the IAM login/,
      ],
    ];
    for (const [props, message] of cases) expect(() => synth(props)).toThrow(message);
  });
});

describe('the token key', () => {
  const key = () => {
    const [resource] = Object.values(
      rest.template.findResources('AWS::KMS::Key', {
        Properties: { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' },
      }),
    ).filter((k) => String(k.Properties.Description).includes('own tokens'));
    return resource!;
  };
  const statements = () => key().Properties.KeyPolicy.Statement as Statement[];

  it('signs (ES256 over a digest) for the login function alone', () => {
    const signing = statements().filter((s) => actionsOf(s).some((a) => a === 'kms:Sign' || a === 'kms:*'));
    expect(signing).toHaveLength(1);
    expect(signing[0]!.Principal).toEqual({ AWS: roleRef('iam-login') });
    expect(signing[0]!.Condition).toEqual({
      StringEquals: { 'kms:SigningAlgorithm': 'ECDSA_SHA_256', 'kms:MessageType': 'DIGEST' },
    });
  });

  it('gives its public key to every function that verifies tokens and to the JWKS route, nothing more', () => {
    const [publicKey] = statements().filter((s) => s.Sid === 'PublicKeyForVerifiers');
    expect(actionsOf(publicKey!)).toEqual(['kms:GetPublicKey']);
    const expected = allOperations
      .filter((op) => op.scopes.length > 0 || op.tokenKey !== undefined)
      .map((op) => JSON.stringify(roleRef(op.id)))
      .sort();
    expect((publicKey!.Principal.AWS as unknown[]).map((p) => JSON.stringify(p)).sort()).toEqual(expected);
  });

  it('is named, with the issuer, to every API function; the default issuer is not an execute-api URL', () => {
    for (const { construct } of rest.vault.functions) {
      const id = rest.stack.getLogicalId(construct.function.node.defaultChild as never);
      const variables = rest.template.toJSON().Resources[id].Properties.Environment.Variables;
      expect(variables.VAULT_TOKEN_ISSUER).toBe('urn:vault:Secrets:Secrets/Vault');
      expect(variables.VAULT_TOKEN_KEY_ID).toEqual({
        'Fn::GetAtt': [rest.stack.getLogicalId(rest.vault.tokenKey!.key.node.defaultChild as never), 'Arn'],
      });
    }
  });

  it('passes cdk-nag (AwsSolutions, Serverless) with nothing unacknowledged', () => {
    expect(() => rest.app.synth()).not.toThrow();
  });

  it('is not made when the operations served leave login and the JWKS out', () => {
    const without = synth({ operations: allOperations.filter((op) => op.tokenKey === undefined) });
    expect(without.vault.tokenKey).toBeUndefined();
    const variables = Object.values(without.template.findResources('AWS::Lambda::Function')).map(
      (fn) => fn.Properties.Environment?.Variables ?? {},
    );
    expect(variables.some((v) => 'VAULT_TOKEN_ISSUER' in v)).toBe(false);
  });
});

describe("the repo's own app", () => {
  const propsWith = (context: Record<string, unknown>) => {
    const app = new App({ context });
    return vaultPropsFrom(new Stack(app, 'Context'), settingsFrom(app.node)).iamLogin!;
  };

  it('maps principals from context (-c iamPrincipals=<JSON> -c iamTokenTtlMinutes=N), none by default', () => {
    const props = propsWith({ iamPrincipals: JSON.stringify([APP_ROLE]), iamTokenTtlMinutes: '30' });
    expect(props.principals).toEqual([APP_ROLE]);
    expect(props.tokenTtl!.toMinutes()).toBe(30);
    const bare = propsWith({});
    expect(bare.principals).toEqual([]);
    expect(bare.tokenTtl!.toMinutes()).toBe(15);
    expect(() => propsWith({ iamPrincipals: '{"arn":"x"}' })).toThrow(/JSON array/);
    expect(() => propsWith({ iamTokenTtlMinutes: '721' })).toThrow(/iamTokenTtlMinutes/);
  });
});
