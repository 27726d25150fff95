/**
 * One operation's Lambda, with every default fixed in one place (ARM64, Node 24, ESM bundle,
 * log group with retention, source maps) and exactly the permissions its row in the operation
 * table asks for: its own log group, the DynamoDB actions it uses (writes never on audit keys but
 * to append), the key for the kind of secret it serves.
 */
import { Token } from 'aws-cdk-lib';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Operation } from '../../shared/operations.ts';
import { RotationBody } from '../../shared/schemas.ts';
import { IDEMPOTENCY_KEY_PREFIX } from '../../shared/store/idempotency.ts';
import { COUNTER_KEY_PREFIX, ENTRY_KEY_PREFIX } from '../../shared/store/keys.ts';
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
    return data.auditAppendStatements();
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

/** A Lambda function ARN, unqualified or with a version or alias: nothing with a wildcard. */
const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;

/**
 * The rotator Lambdas the vault may invoke, and so send current secret values to: exactly the
 * ARNs the deployer lists, no tag condition (whoever can tag a function must not be able to make
 * it a rotator). The same list reaches the functions as ROTATOR_ARNS, and rotation settings may
 * name no other.
 */
export function rotatorInvokeStatements(listedArns: readonly string[]): PolicyStatement[] {
  for (const arn of listedArns)
    if (!Token.isUnresolved(arn) && !FUNCTION_ARN.test(arn))
      throw new Error(
        `rotatorArns: "${arn}" is not a Lambda function ARN (no wildcards, aliases only as :name)`,
      );
  return listedArns.length > 0
    ? [new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [...listedArns] })]
    : [];
}

/** The trusted rotators as the functions read them (shared/rotation/trusted-rotators.ts). */
export const rotatorEnvironment = (listedArns: readonly string[]): Record<string, string> => ({
  ROTATOR_ARNS: listedArns.join(','),
});

export interface OperationFunctionProps {
  operation: Operation;
  data: VaultData;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  /** The rotator Lambdas the vault may invoke (default none): see rotatorInvokeStatements. */
  rotatorArns?: readonly string[];
}

/** One API operation's function, granted exactly what its row in the operation table asks for. */
export class OperationFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: OperationFunctionProps) {
    super(scope, id);
    const { operation, data } = props;
    const rotatorArns = props.rotatorArns ?? [];
    // Who configures rotation checks the rotator against the list; who rotates, before invoking it.
    const usesRotators = operation.invokesRotators === true || operation.request.body === RotationBody;
    const fn = new VaultFunction(this, 'Lambda', {
      handlerDir: operation.id,
      description: `Vault ${operation.method} ${operation.path}: ${operation.summary}`.slice(0, 256),
      environment: { ...props.environment, ...(usesRotators && rotatorEnvironment(rotatorArns)) },
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
    if (operation.invokesRotators) fn.grant(...rotatorInvokeStatements(rotatorArns));
    data.allowEnvelope(this.role, operation.keys, kindOf(operation));
  }
}
