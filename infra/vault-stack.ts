/**
 * The repo's own app: one stack holding the vault, its props read from CDK context
 * (infra/settings.ts), and its outputs. Everything else is the Vault construct's (infra/vault.ts).
 */
import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { HostedZone } from 'aws-cdk-lib/aws-route53';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { VaultAuditDigests } from './constructs/vault-audit-digests.ts';
import type { VaultBackground } from './constructs/vault-background.ts';
import type { VaultSettings } from './settings.ts';
import { buildVault, pascal, type VaultAlarms, type VaultParts, type VaultProps } from './vault.ts';

export interface VaultStackProps extends StackProps {
  settings: VaultSettings;
}

function alarmsFrom(scope: Construct, settings: VaultSettings): VaultAlarms {
  if (settings.alarmEmail && settings.alarmTopicArn)
    throw new Error('Context "alarmEmail" and "alarmTopicArn" exclude each other');
  if (settings.alarmEmail) return { email: settings.alarmEmail };
  if (settings.alarmTopicArn)
    return { topic: Topic.fromTopicArn(scope, 'AlarmTopic', settings.alarmTopicArn) };
  if (scope.node.tryGetContext('alarms') !== 'none')
    Annotations.of(scope).addWarningV2(
      '@vault:alarmsNotifyNobody',
      'Alarms notify nobody: set -c alarmEmail=… or -c alarmTopicArn=… (or -c alarms=none to say so on purpose)',
    );
  return 'none';
}

/** The construct's props from the app's context. */
export function vaultPropsFrom(scope: Construct, settings: VaultSettings): VaultProps {
  const { domain } = settings;
  return {
    alarms: alarmsFrom(scope, settings),
    identity: settings.externalIssuer
      ? { oidc: settings.externalIssuer }
      : { cognito: { ...(settings.cognitoDomainPrefix && { domainPrefix: settings.cognitoDomainPrefix }) } },
    apiType: settings.apiType,
    waf: settings.waf,
    ...(domain && {
      domain: {
        domainName: domain.domainName,
        ...(domain.certificateArn && {
          certificate: Certificate.fromCertificateArn(scope, 'DomainCertificate', domain.certificateArn),
        }),
        ...(domain.hostedZone && {
          hostedZone: HostedZone.fromHostedZoneAttributes(scope, 'DomainZone', {
            hostedZoneId: domain.hostedZone.id,
            zoneName: domain.hostedZone.name,
          }),
        }),
        ...(domain.basePath && { basePath: domain.basePath }),
      },
    }),
    corsOrigins: settings.corsOrigins,
    apiGatewayCloudWatchRole: settings.apiGatewayCloudWatchRole,
    throttle: { rateLimit: settings.throttleRate, burstLimit: settings.throttleBurst },
    removalPolicy: { data: settings.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY },
    tags: settings.tags,
    logRetention: settings.logRetentionDays as RetentionDays,
    ...(settings.memorySize !== undefined && { memorySize: settings.memorySize }),
    dataKeyCacheSeconds: settings.dataKeyCacheSeconds,
    rotatorArns: settings.rotatorArns,
    ...(settings.rotationEvent && { rotationEvent: settings.rotationEvent }),
    expiryWarningDays: settings.expiryWarningDays,
    auditRetentionDays: settings.auditRetentionDays,
    auditDigestMinutes: settings.auditDigestMinutes,
    recovery: settings.recovery,
    ...(settings.sweeperSingleRun && { sweeperSingleRun: settings.sweeperSingleRun }),
    ...(settings.reserveSealConcurrency !== undefined && {
      reserveSealConcurrency: settings.reserveSealConcurrency,
    }),
    iamLogin: {
      principals: settings.iamLogin.principals,
      tokenTtl: Duration.minutes(settings.iamLogin.tokenTtlMinutes),
    },
  };
}

export class VaultStack extends Stack {
  readonly vault: VaultParts;
  readonly data: VaultParts['data'];
  readonly functions: VaultParts['functions'];
  readonly api: VaultParts['api'];
  readonly identity: VaultParts['identity'];

  /** The background constructs (a replica Region's stack has none: `recovery.replicaOf`). */
  get background(): VaultBackground {
    if (!this.vault.background) throw new Error('A replica Region runs no background work');
    return this.vault.background;
  }

  get auditDigests(): VaultAuditDigests {
    if (!this.vault.auditDigests) throw new Error('A replica Region seals no audit digests');
    return this.vault.auditDigests;
  }

  constructor(scope: Construct, id: string, props: VaultStackProps) {
    super(scope, id, props);
    // Built into the stack itself, not under a Vault construct: the resources keep the logical ids
    // (and the retained table and key their identity) of the stack's first deployments.
    const vault = buildVault(this, vaultPropsFrom(this, props.settings));
    this.vault = vault;
    this.data = vault.data;
    this.functions = vault.functions;
    this.api = vault.api;
    this.identity = vault.identity;

    new CfnOutput(this, 'ApiUrl', { value: vault.url, description: 'Base URL of the vault API' });
    new CfnOutput(this, 'TableName', { value: vault.data.table.tableName });
    new CfnOutput(this, 'KeyArn', { value: vault.data.key.keyArn });
    if (vault.auditDigests) {
      new CfnOutput(this, 'AuditDigestKeyArn', {
        value: vault.auditDigests.key.keyArn,
        description:
          'Signs audit digests: `aws kms get-public-key --key-id <arn>` gives what audit:verify needs',
      });
      new CfnOutput(this, 'AuditDigestBucket', {
        value: vault.auditDigests.bucket.bucketName,
        description: 'Signed audit digests (Object Lock, compliance mode) under audit-digests/',
      });
    }
    new CfnOutput(this, 'AlarmTopicArn', { value: vault.alarmTopic.topicArn });
    new CfnOutput(this, 'Issuer', { value: vault.identity.issuer });
    if (vault.background) new CfnOutput(this, 'EventBusName', { value: vault.background.bus.eventBusName });
    if (vault.identity.tokenUrl) new CfnOutput(this, 'TokenUrl', { value: vault.identity.tokenUrl });
    if (vault.identity.userPool)
      new CfnOutput(this, 'UserPoolId', { value: vault.identity.userPool.userPoolId });
    for (const [name, client] of Object.entries(vault.identity.clients)) {
      new CfnOutput(this, `${pascal(name)}ClientId`, { value: client.userPoolClientId });
    }
  }
}
