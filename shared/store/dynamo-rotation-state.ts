/**
 * A secret's rotation in progress (or its last outcome): one item beside its head, written with
 * conditions so that only one rotation of an incarnation runs and only its owner moves it on.
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { RotationState, SecretRef } from '../domain/model.ts';
import { call, conditionFailedOn, getItem } from './dynamo-support.ts';
import { rotationKey } from './keys.ts';

export class DynamoRotationState {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(db: DynamoDBDocumentClient, table: string) {
    this.#db = db;
    this.#table = table;
  }

  async getRotation(ref: SecretRef): Promise<RotationState | undefined> {
    const item = await getItem(this.#db, this.#table, rotationKey(ref), true);
    if (!item) return undefined;
    const { pk: _pk, sk: _sk, ...state } = item;
    return state as unknown as RotationState;
  }

  async saveRotation(
    ref: SecretRef,
    state: RotationState,
    expectedToken: string | undefined,
  ): Promise<boolean> {
    try {
      await call(() =>
        this.#db.send(
          new PutCommand({
            TableName: this.#table,
            Item: { ...rotationKey(ref), ...state },
            // Starting needs no rotation of this incarnation running; continuing needs it to still be ours.
            ConditionExpression:
              expectedToken === undefined
                ? 'attribute_not_exists(pk) OR #status <> :running OR attribute_not_exists(#inc) OR #inc <> :inc'
                : '#token = :token',
            ExpressionAttributeNames:
              expectedToken === undefined
                ? { '#status': 'status', '#inc': 'incarnation' }
                : { '#token': 'token' },
            ExpressionAttributeValues:
              expectedToken === undefined
                ? { ':running': 'running', ':inc': state.incarnation ?? '' }
                : { ':token': expectedToken },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      return true;
    } catch (error) {
      const held = conditionFailedOn(error);
      if (!held) throw error;
      // A retried start finding its own rotation running must not report another one. Its own: the
      // same token and the same save time (a resume keeps the failed rotation's token, and another
      // resumer of it saves at another instant).
      return held.token === state.token && held.updatedAt === state.updatedAt;
    }
  }
}
