/**
 * One operation's Lambda, with every default fixed in one place (ARM64, Node 24, ESM bundle,
 * log group with retention, source maps) and exactly the permissions its row in the operation
 * table asks for: its own log group, the DynamoDB actions it uses (writes never on audit keys but
 * to append), the key for the kind of secret it serves.
 */
import { Aws, Validations } from 'aws-cdk-lib';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Operation } from '../../shared/operations.ts';
import { IDEMPOTENCY_KEY_PREFIX } from '../../shared/store/idempotency.ts';
import { COUNTER_KEY_PREFIX, DENIAL_KEY_PREFIX, ENTRY_KEY_PREFIX } from '../../shared/store/keys.ts';
import { AUDIT_INDEX } from '../../shared/store/table.ts';
import { AUDIT_KEYS, type VaultData } from './vault-data.ts';
import { VaultFunction } from './vault-function.ts';

/** Personal-secret operations serve only personal secrets, shared ones only shared: each may use the key for its kind alone. */
export const kindOf = (operation: Operation): 'shared' | 'personal' =>
  operation.path.startsWith('/user/') ? 'personal' : 'shared';

/**
 * The audit trail lives in the same table under keys starting `A#`: appending operations may
 * query and put there (never update or delete: their other writes exclude audit keys), the audit
 * query may read there and its by-day index.
 */
function auditStatements(operation: Operation, data: VaultData): PolicyStatement[] {
  if (operation.audit === 'append') {
    return [
      data.auditAppendStatement(),
      // The per-caller denial counters are the only audit items an appender may update.
      new PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [data.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${DENIAL_KEY_PREFIX}*`] } },
      }),
    ];
  }
  if (operation.audit === 'read') {
    return [
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [data.table.tableArn],
        conditions: AUDIT_KEYS,
      }),
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${data.table.tableArn}/index/${AUDIT_INDEX.name}`],
      }),
    ];
  }
  return [];
}

/** Powertools' idempotency records (conditional put, get, update on completion, delete on failure). */
function idempotencyStatements(operation: Operation, data: VaultData): PolicyStatement[] {
  if (!operation.idempotency) return [];
  return [
    new PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      resources: [data.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${IDEMPOTENCY_KEY_PREFIX}*`] } },
    }),
  ];
}

/** Listing directories (C#…) and entries (L#…): read to find and split a listing's buckets. */
export const LISTING_KEY_PREFIXES = [COUNTER_KEY_PREFIX, ENTRY_KEY_PREFIX];
function listingStatements(operation: Operation, data: VaultData): PolicyStatement[] {
  if (!operation.movesListings) return [];
  return [
    new PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:Query'],
      resources: [data.table.tableArn],
      conditions: {
        'ForAllValues:StringLike': {
          'dynamodb:LeadingKeys': LISTING_KEY_PREFIXES.map((prefix) => `${prefix}*`),
        },
      },
    }),
  ];
}

/** Rotator Lambdas the vault may invoke: those tagged `vault-rotator=true`, and any the deployer lists. */
export const ROTATOR_TAG = 'vault-rotator';
export const ROTATOR_INVOKE_REASON =
  "Rotator Lambdas are the deployer's, named at run time by each secret's rotation settings; the wildcard is " +
  'confined by a condition to functions tagged vault-rotator=true in this account and region.';

export function rotatorInvokeStatements(listedArns: readonly string[]): PolicyStatement[] {
  const anyFunction = `arn:${Aws.PARTITION}:lambda:${Aws.REGION}:${Aws.ACCOUNT_ID}:function:*`;
  return [
    new PolicyStatement({
      actions: ['lambda:InvokeFunction'],
      resources: [anyFunction],
      conditions: { StringEquals: { [`aws:ResourceTag/${ROTATOR_TAG}`]: 'true' } },
    }),
    ...(listedArns.length > 0
      ? [new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [...listedArns] })]
      : []),
  ];
}

export function acknowledgeRotatorInvoke(role: Role): void {
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:*]',
    reason: ROTATOR_INVOKE_REASON,
  });
}

export interface OperationFunctionProps {
  operation: Operation;
  data: VaultData;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  rotatorArns: readonly string[];
}

/** One API operation's function, granted exactly what its row in the operation table asks for. */
export class OperationFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: OperationFunctionProps) {
    super(scope, id);
    const { operation, data } = props;
    const fn = new VaultFunction(this, 'Lambda', {
      handlerDir: operation.id,
      description: `Vault ${operation.method} ${operation.path}: ${operation.summary}`.slice(0, 256),
      environment: props.environment,
      logRetention: props.logRetention,
    });
    this.function = fn.function;
    this.role = fn.role;
    fn.grant(
      ...data.itemStatements(operation.table),
      ...auditStatements(operation, data),
      ...idempotencyStatements(operation, data),
      ...listingStatements(operation, data),
    );
    if (operation.table.length > 0 || operation.audit) fn.grant(data.tableKeyStatement());
    if (operation.invokesRotators) {
      fn.grant(...rotatorInvokeStatements(props.rotatorArns));
      acknowledgeRotatorInvoke(this.role);
    }
    data.allowEnvelope(this.role, operation.keys, kindOf(operation));
  }
}
