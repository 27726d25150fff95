/**
 * The vault in one stack: data (key, table), identity (Cognito or an external issuer), one
 * function per operation, the API, monitoring, and the audit trail's signed digests. Everything per operation is generated from
 * the operation table: adding an operation needs no edit here.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { API_BASE, allOperations } from '../shared/operations.ts';
import { OperationFunction } from './constructs/operation-function.ts';
import { VaultApi } from './constructs/vault-api.ts';
import { VaultAuditDigests } from './constructs/vault-audit-digests.ts';
import { VaultBackground } from './constructs/vault-background.ts';
import { VaultData } from './constructs/vault-data.ts';
import { VaultIdentity } from './constructs/vault-identity.ts';
import { VaultMonitoring } from './constructs/vault-monitoring.ts';
import type { VaultSettings } from './settings.ts';

export interface VaultStackProps extends StackProps {
  settings: VaultSettings;
}

const pascal = (id: string) =>
  id.replace(/(^|-)(\w)/g, (_match, _dash, letter: string) => letter.toUpperCase());

export class VaultStack extends Stack {
  readonly data: VaultData;
  readonly functions: ReadonlyArray<{
    id: string;
    operation: (typeof allOperations)[number];
    construct: OperationFunction;
  }>;
  readonly api: VaultApi;
  readonly identity: VaultIdentity;
  readonly background: VaultBackground;
  readonly auditDigests: VaultAuditDigests;

  constructor(scope: Construct, id: string, props: VaultStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const logRetention = settings.logRetentionDays as RetentionDays;

    this.data = new VaultData(this, 'Data', { retain: settings.retainData });
    this.identity = new VaultIdentity(this, 'Identity', {
      external: settings.externalIssuer,
      domainPrefix: settings.cognitoDomainPrefix,
    });
    const environment: Record<string, string> = {
      TABLE_NAME: this.data.table.tableName,
      KMS_KEY_ID: this.data.key.keyArn,
      DATA_KEY_CACHE_TTL_SECONDS: String(settings.dataKeyCacheSeconds),
      EXPIRY_WARNING_SECONDS: String(settings.expiryWarningDays * 86_400),
      // Entries expire (TTL) when their digests' locks do.
      AUDIT_RETENTION_DAYS: String(settings.auditRetentionDays),
      ...this.identity.tokenSettings,
    };
    this.functions = allOperations.map((operation) => ({
      id: operation.id,
      operation,
      construct: new OperationFunction(this, pascal(operation.id), {
        operation,
        data: this.data,
        environment,
        logRetention,
        rotatorArns: settings.rotatorArns,
      }),
    }));
    this.api = new VaultApi(this, 'Http', {
      routes: this.functions.map(({ operation, construct }) => ({ operation, function: construct.function })),
      throttleRate: settings.throttleRate,
      throttleBurst: settings.throttleBurst,
      logRetention,
    });
    const monitoring = new VaultMonitoring(this, 'Monitoring', {
      api: this.api.api,
      table: this.data.table,
      functions: this.functions.map(({ id: opId, construct }) => ({
        id: pascal(opId),
        function: construct.function,
      })),
      alarmEmail: settings.alarmEmail,
    });
    this.background = new VaultBackground(this, 'Background', {
      data: this.data,
      environment,
      logRetention,
      rotatorArns: settings.rotatorArns,
      rotationEvent: settings.rotationEvent,
      monitoring,
    });
    this.auditDigests = new VaultAuditDigests(this, 'AuditDigests', {
      data: this.data,
      retentionDays: settings.auditRetentionDays,
      intervalMinutes: settings.auditDigestMinutes,
      logRetention,
      monitoring,
    });

    new CfnOutput(this, 'ApiUrl', {
      value: `${this.api.api.url.replace(/\/$/, '')}${API_BASE}`,
      description: 'Base URL of the vault API',
    });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'KeyArn', { value: this.data.key.keyArn });
    new CfnOutput(this, 'AuditDigestKeyArn', {
      value: this.auditDigests.key.keyArn,
      description:
        'Signs audit digests: `aws kms get-public-key --key-id <arn>` gives what audit:verify needs',
    });
    new CfnOutput(this, 'AuditDigestBucket', {
      value: this.auditDigests.bucket.bucketName,
      description: 'Signed audit digests (Object Lock, compliance mode) under audit-digests/',
    });
    new CfnOutput(this, 'Issuer', { value: this.identity.issuer });
    new CfnOutput(this, 'EventBusName', { value: this.background.bus.eventBusName });
    if (this.identity.tokenUrl) new CfnOutput(this, 'TokenUrl', { value: this.identity.tokenUrl });
    if (this.identity.userPool)
      new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    for (const [name, client] of Object.entries(this.identity.clients)) {
      new CfnOutput(this, `${pascal(name)}ClientId`, { value: client.userPoolClientId });
    }
  }
}
