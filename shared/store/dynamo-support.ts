/** What every DynamoDB adapter shares: error translation and transactions that ride out races. */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { isTransient } from '../aws/transient.ts';
import { DependencyUnavailableError, VersionConflictError } from '../domain/errors.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
export type Item = Record<string, unknown>;

/** DynamoDB refuses a transaction that races another on the same item; these are retried here. */
const TRANSACTION_ATTEMPTS = 8;

/** Errors left after the SDK's own retries that a later retry by the caller may still cure. */
const RETRYABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
]);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface CancellationReason {
  Code?: string;
  Item?: Item;
}

export function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  return (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
}

/** Only the adapters know DynamoDB's errors: retryable ones become a 503, the rest stay unexpected. */
export function translate(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const throttled = cancellationReasons(error)?.some(
    (reason) => reason.Code === 'ThrottlingError' || reason.Code === 'ProvisionedThroughputExceeded',
  );
  if (throttled || isTransient(error, RETRYABLE))
    return new DependencyUnavailableError('DATABASE_ERROR', { cause: error });
  return error;
}

/** A transaction failed on the condition of one of its items: the first is the one guarding the write. */
export class GuardFailed {
  /** The guarded item as it was, when DynamoDB returned it. */
  readonly existing: Item | undefined;
  /** Which item's condition failed. */
  readonly index: number;
  constructor(existing: Item | undefined, index = 0) {
    this.existing = existing;
    this.index = index;
  }
}

/**
 * Runs a transaction whose first item carries the guarding condition. Returns GuardFailed when that
 * or another item's condition fails; conflicts with concurrent transactions are retried with
 * jittered backoff.
 */
export async function transact(
  db: DynamoDBDocumentClient,
  items: TransactItem[],
): Promise<true | GuardFailed> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      const reasons = cancellationReasons(error);
      const failed = reasons?.findIndex((reason) => reason.Code === 'ConditionalCheckFailed') ?? -1;
      const guard = reasons?.[failed];
      // The document client does not unmarshall items carried by errors.
      if (guard) return new GuardFailed(guard.Item && unmarshall(guard.Item as never), failed);
      if (!reasons?.some((reason) => reason.Code === 'TransactionConflict')) throw translate(error);
      if (attempt >= TRANSACTION_ATTEMPTS) throw new VersionConflictError();
      await sleep(Math.random() * 10 * 2 ** attempt);
    }
  }
}

/**
 * The item a plain conditional write found in its place, when it asked for it
 * (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`) and its condition failed. The SDK retries a
 * write whose answer was lost after it committed, and the retry then fails on the writer's own
 * item: comparing this with what it wrote tells the two apart. (The document client leaves the
 * item an error carries marshalled.)
 */
export function conditionFailedOn(error: unknown): Item | undefined {
  if (!(error instanceof Error) || error.name !== 'ConditionalCheckFailedException') return undefined;
  const item = (error as { Item?: Record<string, unknown> }).Item;
  return item ? unmarshall(item as never) : {};
}

/** Runs one SDK call, translating its failures. */
export async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw translate(error);
  }
}

/** Reads up to `wanted` items of a query, page by page. */
export async function queryAll(
  db: DynamoDBDocumentClient,
  tableName: string,
  input: Omit<QueryCommandInput, 'TableName'>,
  wanted = Number.POSITIVE_INFINITY,
): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await call(() =>
      db.send(
        new QueryCommand({
          ...input,
          TableName: tableName,
          ExclusiveStartKey: start,
          ...(Number.isFinite(wanted) && { Limit: Math.min(1000, wanted - items.length) }),
        }),
      ),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined && items.length < wanted);
  return items;
}

/** One item by key (strongly consistent when asked: a reader right after a write must see it). */
export function getItem(
  db: DynamoDBDocumentClient,
  tableName: string,
  key: Item,
  consistent: boolean,
): Promise<Item | undefined> {
  return call(
    async () =>
      (await db.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: consistent }))).Item,
  );
}
