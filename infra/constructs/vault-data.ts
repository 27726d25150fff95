/**
 * The stateful half: the customer-managed key and the table. Both are retained when the stack is
 * deleted unless the deployer says otherwise; nothing stateless lives here.
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { AccountRootPrincipal, type IRole, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { KeyAction, TableAction } from '../../shared/operations.ts';
import { AUDIT_KEY_PREFIX } from '../../shared/store/keys.ts';
import { AUDIT_INDEX, TABLE_KEYS, TTL_ATTRIBUTE } from '../../shared/store/table.ts';

/** Key administration, never use: only the roles named in the policy can encrypt or decrypt directly. */
const KEY_ADMIN_ACTIONS = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
];

/** Requests whose every partition key is an audit key (`A#…`). */
export const AUDIT_KEYS = {
  'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${AUDIT_KEY_PREFIX}*`] },
};

/**
 * Requests whose every partition key is outside the audit trail. ForAllValues holds on an empty
 * set, so the request must also name its keys (every single-item write does).
 */
export const OUTSIDE_AUDIT_KEYS = {
  'ForAllValues:StringNotLike': { 'dynamodb:LeadingKeys': [`${AUDIT_KEY_PREFIX}*`] },
  Null: { 'dynamodb:LeadingKeys': 'false' },
};

const READS: readonly TableAction[] = ['GetItem', 'Query'];

/** The envelope encryption context keys (shared/crypto/kms-cipher.ts): anything else is refused. */
export const ENVELOPE_CONTEXT_KEYS = ['vault:kind', 'vault:secret', 'vault:version', 'vault:owner'];

export interface VaultDataProps {
  /** Keep the key and the table when the stack is deleted. */
  retain: boolean;
}

export class VaultData extends Construct {
  readonly key: Key;
  readonly table: Table;

  constructor(scope: Construct, id: string, props: VaultDataProps) {
    super(scope, id);
    const removalPolicy = props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.key = new Key(this, 'Key', {
      description: 'Vault: envelope encryption of secret data and encryption of the table',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy,
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'KeyAdministrationByAccount',
            principals: [new AccountRootPrincipal()],
            actions: KEY_ADMIN_ACTIONS,
            resources: ['*'],
          }),
          // DynamoDB's own use of the key for the table, on behalf of principals IAM lets use the table.
          new PolicyStatement({
            sid: 'TableEncryptionThroughDynamoDB',
            principals: [new AccountRootPrincipal()],
            actions: [
              'kms:Encrypt',
              'kms:Decrypt',
              'kms:ReEncrypt*',
              'kms:GenerateDataKey*',
              'kms:CreateGrant',
              'kms:DescribeKey',
            ],
            resources: ['*'],
            conditions: {
              StringEquals: {
                'kms:ViaService': `dynamodb.${Aws.REGION}.amazonaws.com`,
                'kms:CallerAccount': Aws.ACCOUNT_ID,
              },
            },
          }),
        ],
      }),
    });
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: AUDIT_INDEX.name,
      partitionKey: { name: AUDIT_INDEX.partitionKey, type: AttributeType.STRING },
      sortKey: { name: AUDIT_INDEX.sortKey, type: AttributeType.STRING },
    });
  }

  /**
   * Lets one role use the key directly for envelope encryption, named in the key policy, for one
   * kind of secret, and only under the vault's encryption context.
   */
  allowEnvelope(role: IRole, actions: readonly KeyAction[], kind: 'shared' | 'personal'): void {
    if (actions.length === 0) return;
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: `Envelope${actions.join('')}For${kind}By${role.node.addr.slice(0, 8)}`,
        principals: [role],
        actions: actions.map((action) => `kms:${action}`),
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:EncryptionContext:vault:kind': kind },
          'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ENVELOPE_CONTEXT_KEYS },
          Null: {
            'kms:EncryptionContext:vault:secret': 'false',
            'kms:EncryptionContext:vault:version': 'false',
          },
        },
      }),
    );
  }

  /**
   * The item actions a function uses: reads anywhere in the table, writes (PutItem, UpdateItem,
   * DeleteItem) only outside the audit trail. A transaction is authorized item by item as these
   * actions, so a write bundled with an audit append cannot reach audit keys either.
   */
  itemStatements(actions: readonly TableAction[]): PolicyStatement[] {
    const reads = actions.filter((action) => READS.includes(action));
    const writes = actions.filter((action) => !READS.includes(action));
    const dynamo = (list: readonly TableAction[]) => list.map((action) => `dynamodb:${action}`);
    return [
      ...(reads.length > 0
        ? [new PolicyStatement({ actions: dynamo(reads), resources: [this.table.tableArn] })]
        : []),
      ...(writes.length > 0
        ? [
            new PolicyStatement({
              actions: dynamo(writes),
              resources: [this.table.tableArn],
              conditions: OUTSIDE_AUDIT_KEYS,
            }),
          ]
        : []),
    ];
  }

  /**
   * Appending to the audit trail: find a lane's last entry and put the next one (a conditional put
   * on a free sequence number). Puts only: no audit entry can be updated or deleted, and TTL is
   * the one thing that removes them.
   */
  auditAppendStatement(): PolicyStatement {
    return new PolicyStatement({
      actions: ['dynamodb:Query', 'dynamodb:PutItem'],
      resources: [this.table.tableArn],
      conditions: AUDIT_KEYS,
    });
  }

  /** What a role needs to read or write the table's items: the key, through DynamoDB, for this table only. */
  tableKeyStatement(): PolicyStatement {
    return new PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [this.key.keyArn],
      conditions: {
        StringEquals: {
          'kms:ViaService': `dynamodb.${Aws.REGION}.amazonaws.com`,
          'kms:EncryptionContext:aws:dynamodb:tableName': this.table.tableName,
        },
      },
    });
  }
}
