/**
 * (Longer than most files on purpose: the table, its key and the policy statements that reach
 * them belong together, so every grant to them is written here.)
 *
 * The stateful half: the customer-managed key and the table. Both are retained when the stack is
 * deleted unless the deployer says otherwise; nothing stateless lives here.
 *
 * Recovery, behind props: a multi-Region key; a global table (TableV2) with replicas in other
 * Regions, each encrypted with the key's replica there; in such a Region, the data of a replica
 * (the key's replica made here, the table's replica named); an AWS Backup plan. The envelope
 * format (shared/crypto/envelope.ts) names no key, so a Region's functions open with their own
 * replica what another Region's sealed.
 */
import { Aws, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import {
  BackupPlan,
  BackupPlanRule,
  BackupResource,
  BackupVault,
  type IBackupVault,
} from 'aws-cdk-lib/aws-backup';
import {
  AttributeType,
  Billing,
  BillingMode,
  type ITable,
  StreamViewType,
  Table,
  TableEncryption,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { AccountRootPrincipal, type IRole, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { CfnReplicaKey, type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { KeyAction, TableAction } from '../../shared/operations.ts';
import { AUDIT_KEY_PREFIX, DENIAL_KEY_PREFIX } from '../../shared/store/keys.ts';
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

export interface VaultBackupOptions {
  /** When and for how long (default: daily, kept 35 days). */
  rules?: BackupPlanRule[];
  /** Where recovery points go (default: a new backup vault, retained with the stack's data). */
  vault?: IBackupVault;
}

export interface VaultDataProps {
  /** Keep the key and the table when the stack is deleted. */
  retain: boolean;
  /**
   * A multi-Region primary key (default false), whose replicas other Regions' functions decrypt
   * with. Decide at the first deploy: changing it replaces the key (CloudFormation makes a new one;
   * the old, retained, still holds every existing secret's data keys).
   */
  multiRegionKey?: boolean;
  /**
   * The table as a global table (AWS::DynamoDB::GlobalTable) with a replica in each of these Regions
   * (default: a single-Region AWS::DynamoDB::Table). `[]` makes the global table with no replica
   * yet, so replicas can be added later in place. Each replica is encrypted with the key's replica
   * in its Region: `multiRegionKey` is required, and each Region's replica key must exist before
   * its replica is added (a stack there with `replicaOf`). Needs a stack with a concrete region.
   * Decide at the first deploy: an existing Table is not converted in place (the README's drill).
   */
  replicaRegions?: readonly string[];
  /**
   * In a replica Region: the key's replica made here (from the primary key's ARN) and the table's
   * replica named. The stack's functions use these; background work (stream publisher, sweeper,
   * audit seal) stays in the primary Region.
   */
  replicaOf?: { primaryKeyArn: string; tableName: string };
  /** An AWS Backup plan for the table (default none; point-in-time recovery is always on). */
  backup?: boolean | VaultBackupOptions;
}

export class VaultData extends Construct {
  /** The key this Region's functions seal and open with: the primary, or in a replica Region its replica. */
  readonly key: IKey;
  readonly table: ITable;
  /** The multi-Region key's ARN in a Region (its key id is the same everywhere). */
  readonly keyArnIn: (region: string) => string;
  readonly backupPlan: BackupPlan | undefined;
  readonly #keyPolicy: PolicyDocument;

  constructor(scope: Construct, id: string, props: VaultDataProps) {
    super(scope, id);
    const removalPolicy = props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const replicaRegions = props.replicaRegions;
    if (props.replicaOf && (replicaRegions !== undefined || props.multiRegionKey))
      throw new Error(
        "VaultData: replicaOf is the data of a replica Region; replicaRegions and multiRegionKey are the primary's",
      );
    if (replicaRegions && replicaRegions.length > 0 && !props.multiRegionKey)
      throw new Error(
        "VaultData: replicaRegions needs multiRegionKey (each replica is encrypted with the key's replica in its Region)",
      );
    const multiRegion = props.multiRegionKey === true || props.replicaOf !== undefined;
    this.#keyPolicy = new PolicyDocument({
      statements: [
        new PolicyStatement({
          sid: 'KeyAdministrationByAccount',
          principals: [new AccountRootPrincipal()],
          // A multi-Region key's replicas are made (ReplicateKey) and its primary moved by the account.
          actions: multiRegion ? [...KEY_ADMIN_ACTIONS, 'kms:ReplicateKey'] : KEY_ADMIN_ACTIONS,
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
    });

    if (props.replicaOf) {
      // The same policy, naming this Region's roles (allowEnvelope adds them to this document).
      const replica = new CfnReplicaKey(this, 'Key', {
        primaryKeyArn: props.replicaOf.primaryKeyArn,
        keyPolicy: this.#keyPolicy,
        description: 'Vault: replica of the multi-Region envelope and table key',
        enabled: true,
        pendingWindowInDays: 30,
      });
      replica.applyRemovalPolicy(removalPolicy);
      this.key = Key.fromKeyArn(this, 'KeyRef', replica.attrArn);
      this.keyArnIn = () => replica.attrArn;
      this.table = TableV2.fromTableName(this, 'Table', props.replicaOf.tableName);
    } else {
      const key = new Key(this, 'Key', {
        description: 'Vault: envelope encryption of secret data and encryption of the table',
        enableKeyRotation: true,
        pendingWindow: Duration.days(30),
        removalPolicy,
        policy: this.#keyPolicy,
        ...(props.multiRegionKey && { multiRegion: true }),
      });
      this.key = key;
      this.keyArnIn = (region) => `arn:${Aws.PARTITION}:kms:${region}:${Aws.ACCOUNT_ID}:key/${key.keyId}`;
      this.table =
        replicaRegions === undefined
          ? this.#table(key, removalPolicy)
          : this.#globalTable(key, replicaRegions, removalPolicy);
    }

    this.backupPlan = props.backup
      ? this.#backup(props.backup === true ? {} : props.backup, removalPolicy)
      : undefined;
  }

  /** The single-Region table (the default, as every vault before the recovery options had). */
  #table(key: Key, removalPolicy: RemovalPolicy): Table {
    const table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy,
    });
    table.addGlobalSecondaryIndex({
      indexName: AUDIT_INDEX.name,
      partitionKey: { name: AUDIT_INDEX.partitionKey, type: AttributeType.STRING },
      sortKey: { name: AUDIT_INDEX.sortKey, type: AttributeType.STRING },
    });
    return table;
  }

  /** The same table as a global table, each replica encrypted with the key's replica in its Region. */
  #globalTable(key: Key, regions: readonly string[], removalPolicy: RemovalPolicy): TableV2 {
    const here = Stack.of(this).region;
    if (Token.isUnresolved(here))
      throw new Error('VaultData: replicaRegions needs a stack with a concrete region (env: { region })');
    for (const region of regions)
      if (region === here || Token.isUnresolved(region) || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
        throw new Error(`VaultData: replica region "${region}" must be another Region's name`);
    const protectedReplica = {
      deletionProtection: true,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    };
    return new TableV2(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      ...protectedReplica,
      encryption: TableEncryptionV2.customerManagedKey(
        key,
        Object.fromEntries(regions.map((region) => [region, this.keyArnIn(region)])),
      ),
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy,
      replicas: regions.map((region) => ({ region, ...protectedReplica })),
      globalSecondaryIndexes: [
        {
          indexName: AUDIT_INDEX.name,
          partitionKey: { name: AUDIT_INDEX.partitionKey, type: AttributeType.STRING },
          sortKey: { name: AUDIT_INDEX.sortKey, type: AttributeType.STRING },
        },
      ],
    });
  }

  /** Recovery points of the table on a schedule, beside its continuous point-in-time recovery. */
  #backup(options: VaultBackupOptions, removalPolicy: RemovalPolicy): BackupPlan {
    const vault = options.vault ?? new BackupVault(this, 'BackupVault', { removalPolicy });
    const plan = new BackupPlan(this, 'BackupPlan', {
      backupVault: vault,
      backupPlanRules: options.rules ?? [BackupPlanRule.daily()],
    });
    const selection = plan.addSelection('Table', {
      resources: [BackupResource.fromDynamoDbTable(this.table)],
    });
    Validations.of(selection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason:
        "AWS Backup's own role for taking backups: the AWS-maintained policy is the documented one and follows the " +
        'services AWS Backup supports; the selection names this table alone.',
    });
    return plan;
  }

  /**
   * Lets one role use the key directly for envelope encryption, named in the key policy, for one
   * kind of secret, and only under the vault's encryption context.
   */
  allowEnvelope(role: IRole, actions: readonly KeyAction[], kind: 'shared' | 'personal'): void {
    if (actions.length === 0) return;
    // The key's own policy document, the primary's or the replica's alike.
    this.#keyPolicy.addStatements(
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
  auditAppendStatements(): PolicyStatement[] {
    return [
      new PolicyStatement({
        actions: ['dynamodb:Query', 'dynamodb:PutItem'],
        resources: [this.table.tableArn],
        conditions: AUDIT_KEYS,
      }),
      // The per-caller denial counters are the only audit items an appender may update: every
      // appender may record a refusal (a rotation of a secret deleted meanwhile does).
      new PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${DENIAL_KEY_PREFIX}*`] } },
      }),
    ];
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
