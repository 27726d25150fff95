/**
 * The key the vault signs its own tokens with (IAM login): a KMS asymmetric key, ECC_NIST_P256 for
 * ES256, that only the IAM login function may sign with (named in the key policy, for digests with
 * the one algorithm). Its public half is what every token-verifying function reads (GetPublicKey,
 * once per cold start) and what the JWKS route serves. It holds nothing to keep: tokens live
 * minutes, so it goes with the stack (KMS still waits out its pending window).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccountRootPrincipal, type IRole, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TOKEN_SIGNING } from '../../shared/crypto/token-signer.ts';
import { SIGNING_KEY_ADMIN_ACTIONS } from './vault-audit-digests.ts';

export class VaultTokenKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: "Vault: signs the vault's own tokens (IAM login, ES256); only the login function may sign",
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      pendingWindow: Duration.days(7),
      removalPolicy: RemovalPolicy.DESTROY,
      // Administration only: no principal of the account may sign unless named below.
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'KeyAdministrationByAccount',
            principals: [new AccountRootPrincipal()],
            actions: SIGNING_KEY_ADMIN_ACTIONS,
            resources: ['*'],
          }),
        ],
      }),
    });
  }

  /** The login function: signs tokens (and reads the public key for their `kid`). */
  allowSigning(role: IRole): void {
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'SignTokensByLoginFunctionOnly',
        principals: [role],
        actions: ['kms:Sign'],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'kms:SigningAlgorithm': TOKEN_SIGNING.algorithm,
            'kms:MessageType': TOKEN_SIGNING.messageType,
          },
        },
      }),
    );
  }

  /** Functions that verify the vault's tokens or serve its JWKS: the public key, nothing else. */
  allowPublicKey(roles: readonly IRole[]): void {
    if (roles.length === 0) return;
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'PublicKeyForVerifiers',
        principals: [...roles],
        actions: ['kms:GetPublicKey'],
        resources: ['*'],
      }),
    );
  }
}
