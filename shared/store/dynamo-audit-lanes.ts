/**
 * The trail's lanes as sealing and verification read them from the table: which lanes changed
 * (the day index), a lane's head and its entries (the table itself, read consistently).
 */
import { type DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditLanes, LaneHead } from '../audit/lanes.ts';
import type { AuditRecord } from '../domain/audit.ts';
import { call, type Item } from './dynamo-support.ts';
import { AUDIT_KEY_PREFIX, auditSk } from './keys.ts';
import { AUDIT_INDEX } from './table.ts';

const ENTRY_PREFIX = 'e#';
/** Sorts after every entry key of a lane (`e#` and digits). */
const AFTER_ENTRIES = 'e#~';

export class DynamoAuditLanes implements AuditLanes {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(db: DynamoDBDocumentClient, options: { tableName: string }) {
    this.#db = db;
    this.#table = options.tableName;
  }

  async changedSince(since: string | undefined): Promise<string[]> {
    const lanes = new Set<string>();
    for await (const item of since === undefined ? this.#everyEntry() : this.#entriesSince(since))
      lanes.add(item.pk as string);
    return [...lanes];
  }

  async head(pk: string): Promise<LaneHead | undefined> {
    const page = await call(() =>
      this.#db.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :entry)',
          ExpressionAttributeValues: { ':pk': pk, ':entry': ENTRY_PREFIX },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      ),
    );
    const item = page.Items?.[0];
    return item && { seq: item.seq as number, hash: item.hash as string, at: item.at as string };
  }

  /** A query, not a GetItem: the digest function's role may query audit keys and nothing more. */
  async hashAt(pk: string, seq: number): Promise<string | undefined> {
    const page = await call(() =>
      this.#db.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk AND sk = :sk',
          ExpressionAttributeValues: { ':pk': pk, ':sk': auditSk(seq) },
          ProjectionExpression: '#hash',
          ExpressionAttributeNames: { '#hash': 'hash' },
          ConsistentRead: true,
        }),
      ),
    );
    const hash = page.Items?.[0]?.hash;
    return typeof hash === 'string' ? hash : undefined;
  }

  async *entries(pk: string, fromSeq: number): AsyncIterable<AuditRecord> {
    let start: Item | undefined;
    do {
      const page = await call(() =>
        this.#db.send(
          new QueryCommand({
            TableName: this.#table,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :end',
            ExpressionAttributeValues: { ':pk': pk, ':from': auditSk(fromSeq), ':end': AFTER_ENTRIES },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        ),
      );
      for (const item of page.Items ?? []) yield fromItem(item);
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
  }

  /** The day index from `since` to today: lanes with entries in that time (the index lags a little). */
  async *#entriesSince(since: string): AsyncIterable<Item> {
    const today = new Date().toISOString().slice(0, 10);
    for (let day = since.slice(0, 10); day <= today; day = nextDay(day)) {
      let start: Item | undefined;
      do {
        const page = await call(() =>
          this.#db.send(
            new QueryCommand({
              TableName: this.#table,
              IndexName: AUDIT_INDEX.name,
              KeyConditionExpression: '#day = :day AND #at >= :since',
              ExpressionAttributeNames: { '#day': AUDIT_INDEX.partitionKey, '#at': AUDIT_INDEX.sortKey },
              ExpressionAttributeValues: { ':day': `D#${day}`, ':since': since },
              ProjectionExpression: 'pk',
              ExclusiveStartKey: start,
            }),
          ),
        );
        yield* page.Items ?? [];
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
    }
  }

  /** Every audit entry's key: the table is scanned, so a lane no index points at is found too. */
  async *#everyEntry(): AsyncIterable<Item> {
    let start: Item | undefined;
    do {
      const page = await call(() =>
        this.#db.send(
          new ScanCommand({
            TableName: this.#table,
            FilterExpression: 'begins_with(pk, :audit) AND begins_with(sk, :entry)',
            ExpressionAttributeValues: { ':audit': AUDIT_KEY_PREFIX, ':entry': ENTRY_PREFIX },
            ProjectionExpression: 'pk',
            ExclusiveStartKey: start,
          }),
        ),
      );
      yield* page.Items ?? [];
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
  }
}

const nextDay = (day: string) => new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);

/**
 * An entry as dynamo-audit-log.ts stores it (read as its own reading does, which it does not
 * export). An insider may have written anything: no attribute's type is trusted, so a mangled
 * item reads as an entry that fails its hash rather than failing the read.
 */
function fromItem(item: Item): AuditRecord {
  const text = (value: unknown) => (typeof value === 'string' ? value : String(value));
  const secret = (typeof item.secret === 'object' && item.secret !== null ? item.secret : {}) as Record<
    string,
    unknown
  >;
  return {
    lane: typeof item.lane === 'number' ? item.lane : 0,
    seq: typeof item.seq === 'number' ? item.seq : Number(text(item.sk).slice(ENTRY_PREFIX.length)),
    prevHash: text(item.prevHash),
    hash: text(item.hash),
    at: text(item.at),
    action: item.action as AuditRecord['action'],
    outcome: item.outcome as AuditRecord['outcome'],
    secret: {
      name: text(secret.name),
      ...(secret.ownerId !== undefined && { ownerId: text(secret.ownerId) }),
    },
    actor: text(item.actor),
    ...(typeof item.version === 'number' && { version: item.version }),
    ...(typeof item.reason === 'string' && { reason: item.reason }),
    traceId: text(item.traceId),
    sourceIp: text(item.sourceIp),
  };
}
