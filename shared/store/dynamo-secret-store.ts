import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandOutput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { isTransient } from '../aws/transient.ts';
import { DependencyUnavailableError, DuplicateSecretError, VersionConflictError } from '../domain/errors.ts';
import type { Page, SecretMetadata, SecretRef, StoredSecret } from '../domain/model.ts';
import type { Listing, SecretStore } from '../domain/ports.ts';
import { counterKey, entryPk, headKey, isCounted, listingId, listingsOf } from './keys.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Item = Record<string, unknown>;

/** DynamoDB refuses a transaction that races another on the same item; these are retried here. */
const TRANSACTION_ATTEMPTS = 8;

/** Errors after the SDK's own retries that a later retry by the caller may still cure. */
const RETRYABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
]);

export class DynamoSecretStore implements SecretStore {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.#db = db;
    this.#table = tableName;
  }

  async get(ref: SecretRef): Promise<StoredSecret | undefined> {
    // Strongly consistent: a reader right after a write (a rotation, say) must see it.
    const item = await this.#getItem(headKey(ref), true);
    return item === undefined ? undefined : fromHead(item);
  }

  async create(secret: StoredSecret): Promise<void> {
    const listings = listingsOf(secret);
    const ok = await this.#transact([
      {
        Put: {
          TableName: this.#table,
          Item: toHead(secret),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...listings.map((listing) => this.#putEntry(listing, secret)),
      ...listings.filter(isCounted).map((listing) => this.#count(listing, 1)),
    ]);
    if (!ok) throw new DuplicateSecretError(secret.name);
  }

  async replace(previous: StoredSecret, next: StoredSecret): Promise<boolean> {
    const kept = new Set(listingsOf(next).map(listingId));
    return this.#transact([
      {
        Put: {
          TableName: this.#table,
          Item: toHead(next),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': previous.version },
        },
      },
      ...listingsOf(next).map((listing) => this.#putEntry(listing, next)),
      ...listingsOf(previous)
        .filter((listing) => !kept.has(listingId(listing)))
        .map((listing) => this.#deleteEntry(listing, previous)),
    ]);
  }

  async delete(secret: StoredSecret): Promise<boolean> {
    const listings = listingsOf(secret);
    return this.#transact([
      {
        Delete: {
          TableName: this.#table,
          Key: headKey(secret),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': secret.version },
        },
      },
      ...listings.map((listing) => this.#deleteEntry(listing, secret)),
      ...listings.filter(isCounted).map((listing) => this.#count(listing, -1)),
    ]);
  }

  async page(
    listing: Listing,
    offset: number,
    limit: number,
    descending: boolean,
  ): Promise<Page<SecretMetadata>> {
    const [count, entries] = await Promise.all([
      this.#countOf(listing),
      this.#query(listing, offset + limit, descending),
    ]);
    return { count, items: entries.slice(offset, offset + limit).map(fromEntry) };
  }

  async entries(listings: readonly Listing[]): Promise<SecretMetadata[]> {
    const pages = await Promise.all(
      listings.map((listing) => this.#query(listing, Number.POSITIVE_INFINITY, false)),
    );
    return pages.flat().map(fromEntry);
  }

  async #countOf(listing: Listing): Promise<number> {
    const item = await this.#getItem(counterKey(listing), false);
    return typeof item?.n === 'number' ? item.n : 0;
  }

  /** Reads up to `wanted` entries of a listing in name order, page by page. */
  async #query(listing: Listing, wanted: number, descending: boolean): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.#queryPage(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': entryPk(listing) },
          ScanIndexForward: !descending,
          ExclusiveStartKey: start,
          ...(Number.isFinite(wanted) && { Limit: Math.min(1000, wanted - items.length) }),
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined && items.length < wanted);
    return items;
  }

  #putEntry(listing: Listing, secret: SecretMetadata): TransactItem {
    return {
      Put: { TableName: this.#table, Item: { ...toMetadata(secret), pk: entryPk(listing), sk: secret.name } },
    };
  }

  #deleteEntry(listing: Listing, secret: SecretMetadata): TransactItem {
    return { Delete: { TableName: this.#table, Key: { pk: entryPk(listing), sk: secret.name } } };
  }

  #count(listing: Listing, delta: number): TransactItem {
    return {
      Update: {
        TableName: this.#table,
        Key: counterKey(listing),
        UpdateExpression: 'ADD n :delta',
        ExpressionAttributeValues: { ':delta': delta },
      },
    };
  }

  /** Runs a transaction whose first item carries the condition; false when that condition fails. */
  async #transact(items: TransactItem[]): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#db.send(new TransactWriteCommand({ TransactItems: items }));
        return true;
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (reasons?.[0] === 'ConditionalCheckFailed') return false;
        if (!reasons?.includes('TransactionConflict')) throw translate(error);
        if (attempt >= TRANSACTION_ATTEMPTS) throw new VersionConflictError();
        await sleep(Math.random() * 10 * 2 ** attempt);
      }
    }
  }

  async #getItem(key: Item, consistent: boolean): Promise<Item | undefined> {
    try {
      const { Item } = await this.#db.send(
        new GetCommand({ TableName: this.#table, Key: key, ConsistentRead: consistent }),
      );
      return Item;
    } catch (error) {
      throw translate(error);
    }
  }

  async #queryPage(command: QueryCommand): Promise<QueryCommandOutput> {
    try {
      return await this.#db.send(command);
    } catch (error) {
      throw translate(error);
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function cancellationReasons(error: unknown): string[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code ?? 'None');
}

/** Only this adapter knows DynamoDB's errors: retryable ones become a 503, the rest stay unexpected. */
function translate(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const throttled = cancellationReasons(error)?.some(
    (code) => code === 'ThrottlingError' || code === 'ProvisionedThroughputExceeded',
  );
  if (throttled || isTransient(error, RETRYABLE))
    return new DependencyUnavailableError('DATABASE_ERROR', { cause: error });
  return error;
}

function toMetadata(secret: SecretMetadata): Item {
  return {
    name: secret.name,
    ...(secret.ownerId !== undefined && { ownerId: secret.ownerId }),
    readRoles: [...secret.readRoles],
    writeRoles: [...secret.writeRoles],
    author: secret.author,
    updatedBy: secret.updatedBy,
    created: secret.created,
    updated: secret.updated,
    version: secret.version,
  };
}

function toHead(secret: StoredSecret): Item {
  return {
    ...headKey(secret),
    ...toMetadata(secret),
    sealedVersion: secret.sealedVersion,
    sealed: secret.sealed,
  };
}

function fromEntry(item: Item): SecretMetadata {
  return {
    name: item.name as string,
    ...(typeof item.ownerId === 'string' && { ownerId: item.ownerId }),
    readRoles: item.readRoles as string[],
    writeRoles: item.writeRoles as string[],
    author: item.author as string,
    updatedBy: item.updatedBy as string,
    created: item.created as string,
    updated: item.updated as string,
    version: item.version as number,
  };
}

function fromHead(item: Item): StoredSecret {
  return {
    ...fromEntry(item),
    sealedVersion: item.sealedVersion as number,
    sealed: item.sealed as Uint8Array,
  };
}
