/**
 * The due work kept beside the secrets (rotations, expiry warnings): items spread over a few
 * partitions (keys.ts `dueKey`), written in the same transaction as the head change that makes
 * them come or go, and read by the sweeper up to now.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { duesOf } from '../domain/dues.ts';
import type { Due, SecretRef, StoredSecret } from '../domain/model.ts';
import { queryAll, type TransactItem } from './dynamo-support.ts';
import { DUE_SHARDS, dueKey, duePk } from './keys.ts';

export class DueItems {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #warningMs: number;

  constructor(db: DynamoDBDocumentClient, table: string, warningMs: number) {
    this.#db = db;
    this.#table = table;
    this.#warningMs = warningMs;
  }

  /** Due items that must go or come when a head changes from `previous` to `next`. */
  changes(previous: StoredSecret | undefined, next: StoredSecret | undefined): TransactItem[] {
    const before = new Map(duesOf(previous, this.#warningMs).map((due) => [dueKey(due).sk, due]));
    const after = new Map(duesOf(next, this.#warningMs).map((due) => [dueKey(due).sk, due]));
    return [
      ...[...before]
        .filter(([sk]) => !after.has(sk))
        .map(([, due]) => ({ Delete: { TableName: this.#table, Key: dueKey(due) } })),
      ...[...after]
        .filter(([sk]) => !before.has(sk))
        .map(([, due]) => ({
          Put: {
            TableName: this.#table,
            Item: { ...dueKey(due), secret: due.secret, kind: due.kind, at: due.at },
          },
        })),
    ];
  }

  async due(now: Date, limit: number): Promise<Due[]> {
    const shards = await Promise.all(
      Array.from({ length: DUE_SHARDS }, (_, shard) =>
        queryAll(
          this.#db,
          this.#table,
          {
            // From '0': an item whose date a bug once wrote with a signed year (+050000-…) sorts
            // before every digit and is never taken for due.
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :now',
            ExpressionAttributeValues: {
              ':pk': duePk(shard),
              ':first': '0',
              ':now': `${now.toISOString()}~`,
            },
          },
          limit,
        ),
      ),
    );
    return shards
      .flat()
      .map((item) => ({
        secret: item.secret as SecretRef,
        kind: item.kind as Due['kind'],
        at: item.at as string,
      }))
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
      .slice(0, limit);
  }
}
