/**
 * The audit trail in DynamoDB: a few chains (lanes) per secret (pk A#…#<lane>#<name>, sk e#<seq>),
 * each appended with a conditional put on its next sequence number so two writers can never both
 * claim it, and indexed by day for time-range queries. Entries expire after the retention period
 * (TTL).
 */
import { randomInt } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  PutCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type AuditEvent, type AuditQuery, type AuditRecord, nextRecord } from '../domain/audit.ts';
import { DependencyUnavailableError } from '../domain/errors.ts';
import type { Page } from '../domain/model.ts';
import type { AuditLog } from '../domain/ports.ts';
import {
  call,
  conditionFailedOn,
  type Item,
  queryAll,
  sleep,
  type TransactItem,
  translate,
} from './dynamo-support.ts';
import { AUDIT_LANES, auditPk, auditSk, boundedKeyPart, denialCounterKey } from './keys.ts';
import { AUDIT_INDEX, TTL_ATTRIBUTE } from './table.ts';

/**
 * Concurrent appenders on one lane take turns (one wins each round); each lost race costs one
 * read and one conditional put, and the loser tries again on a lane picked afresh.
 */
export const APPEND_ATTEMPTS = 50;

/** Denials one caller may add to trails per hour (AUDIT_DENIALS_PER_HOUR); the rest are only counted. */
const DEFAULT_DENIALS_PER_HOUR = 100;

/** What a writer needs of the trail: the entry to commit with its write. */
export interface AuditEntries {
  entryFor(event: AuditEvent): Promise<TransactItem>;
}

export class DynamoAuditLog implements AuditLog, AuditEntries {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #retentionSeconds: number;
  readonly #denialsPerHour: number;

  constructor(
    db: DynamoDBDocumentClient,
    options: { tableName: string; retentionDays: number; denialsPerHour?: number | undefined },
  ) {
    this.#db = db;
    this.#table = options.tableName;
    this.#retentionSeconds = options.retentionDays * 86_400;
    this.#denialsPerHour = options.denialsPerHour ?? DEFAULT_DENIALS_PER_HOUR;
  }

  /**
   * Counts the denial on its actor's hourly counter (kept as long as the trail), then appends it
   * while the count is within the budget. Beyond it, the counter alone says how many more came.
   */
  async appendDenial(event: AuditEvent): Promise<void> {
    const counted = await call(() =>
      this.#db.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: denialCounterKey(event.actor, event.at),
          UpdateExpression: 'ADD n :one SET #ttl = if_not_exists(#ttl, :ttl)',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':one': 1,
            ':ttl': Math.floor(Date.parse(event.at) / 1000) + this.#retentionSeconds,
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      ),
    );
    if (Number(counted.Attributes?.n ?? 0) <= this.#denialsPerHour) await this.append(event);
  }

  /**
   * The put that appends `event` to a lane picked at random, conditional on its sequence number
   * being free: a writer puts it in the same transaction as the write it records. When the
   * condition fails (another appender took the number), ask again: the next try picks afresh.
   */
  async entryFor(event: AuditEvent): Promise<TransactItem> {
    const lane = randomInt(AUDIT_LANES);
    const pk = auditPk(event.secret, lane);
    const [last] = await this.#query(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ScanIndexForward: false,
        ConsistentRead: true,
      },
      1,
    );
    const record = nextRecord(event, last && fromItem(last), lane);
    return {
      Put: {
        TableName: this.#table,
        Item: this.#toItem(pk, record),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  async append(event: AuditEvent): Promise<void> {
    for (let attempt = 1; attempt <= APPEND_ATTEMPTS; attempt++) {
      const { Put: put } = await this.entryFor(event);
      try {
        await this.#db.send(new PutCommand({ ...put!, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
        return;
      } catch (error) {
        const held = conditionFailedOn(error);
        if (!held) throw translate(error);
        // A retried put finding this very entry (same hash) in the place: appending again would
        // record one event twice. (A writer's entry rides in its transaction, which the SDK's
        // client token makes idempotent.)
        if (held.hash === put!.Item!.hash) return;
        await sleep(Math.random() * Math.min(50, 2 * attempt));
      }
    }
    throw new DependencyUnavailableError('DATABASE_ERROR', {
      cause: new Error(`audit append lost ${APPEND_ATTEMPTS} races`),
    });
  }

  async query(query: AuditQuery): Promise<Page<AuditRecord>> {
    const items = query.secret ? await this.#chain(query) : await this.#byDays(query);
    const matches = items
      .map(fromItem)
      .filter(
        (record) =>
          record.at >= query.since &&
          record.at <= query.until &&
          (!query.actor || record.actor === query.actor),
      )
      .sort((a, b) => (a.at === b.at ? b.seq - a.seq : a.at < b.at ? 1 : -1));
    return { count: matches.length, items: matches.slice(query.offset, query.offset + query.limit) };
  }

  async #chain(query: AuditQuery): Promise<Item[]> {
    const lanes = await Promise.all(
      Array.from({ length: AUDIT_LANES }, (_, lane) =>
        this.#query({
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': auditPk(query.secret!, lane) },
          ConsistentRead: true,
        }),
      ),
    );
    return lanes.flat();
  }

  async #byDays(query: AuditQuery): Promise<Item[]> {
    const days: string[] = [];
    for (let day = Date.parse(query.since.slice(0, 10)); day <= Date.parse(query.until); day += 86_400_000) {
      days.push(new Date(day).toISOString().slice(0, 10));
    }
    const pages = await Promise.all(
      days.map((day) =>
        this.#query({
          IndexName: AUDIT_INDEX.name,
          KeyConditionExpression: '#day = :day AND #at BETWEEN :since AND :until',
          ExpressionAttributeNames: { '#day': AUDIT_INDEX.partitionKey, '#at': AUDIT_INDEX.sortKey },
          ExpressionAttributeValues: {
            ':day': `D#${day}`,
            ':since': query.since,
            ':until': `${query.until}~`,
          },
        }),
      ),
    );
    return pages.flat();
  }

  #toItem(pk: string, record: AuditRecord): Item {
    return {
      pk,
      sk: auditSk(record.seq),
      ...record,
      [AUDIT_INDEX.partitionKey]: `D#${record.at.slice(0, 10)}`,
      [AUDIT_INDEX.sortKey]: `${record.at}#${boundedKeyPart(pk)}#${record.seq}`,
      [TTL_ATTRIBUTE]: Math.floor(Date.parse(record.at) / 1000) + this.#retentionSeconds,
    };
  }

  #query(input: Omit<QueryCommandInput, 'TableName'>, wanted?: number): Promise<Item[]> {
    return queryAll(this.#db, this.#table, input, wanted);
  }
}

function fromItem(item: Item): AuditRecord {
  const secret = item.secret as AuditRecord['secret'];
  return {
    lane: typeof item.lane === 'number' ? item.lane : 0,
    seq: item.seq as number,
    prevHash: item.prevHash as string,
    hash: item.hash as string,
    at: item.at as string,
    action: item.action as AuditRecord['action'],
    outcome: item.outcome as AuditRecord['outcome'],
    secret: { name: secret.name, ...(secret.ownerId !== undefined && { ownerId: secret.ownerId }) },
    actor: item.actor as string,
    ...(typeof item.version === 'number' && { version: item.version }),
    ...(typeof item.reason === 'string' && { reason: item.reason }),
    traceId: item.traceId as string,
    sourceIp: item.sourceIp as string,
  };
}
