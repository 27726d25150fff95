/**
 * The transaction items a secret's writes are made of: its head guarded by the revision read, its
 * versions, their expiry, its listing entries and counters, and the deleted secrets kept aside.
 * Pure builders: the store decides which go into one transaction.
 */
import type { Deletion, SecretMetadata, StoredSecret } from '../domain/model.ts';
import type { Listing } from '../domain/ports.ts';
import type { Item, TransactItem } from './dynamo-support.ts';
import { counterKey, entryPk, retiredKey, versionKey } from './keys.ts';
import { toHead, toMetadata } from './secret-items.ts';
import { TTL_ATTRIBUTE } from './table.ts';

export const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

export class SecretWrites {
  readonly #table: string;

  constructor(table: string) {
    this.#table = table;
  }

  /**
   * The head write every change is guarded by: nobody wrote since `previous` was read. The
   * revision moves on every head write, versioned or not (rotation settings, expiry notices).
   */
  guardedHead(previous: StoredSecret, item: Item): TransactItem {
    return {
      Put: {
        TableName: this.#table,
        Item: { ...item, revision: (previous.revision ?? 0) + 1 },
        ConditionExpression: 'revision = :expected',
        ExpressionAttributeValues: { ':expected': previous.revision ?? 0 },
      },
    };
  }

  putVersion(secret: StoredSecret): TransactItem {
    return {
      Put: {
        TableName: this.#table,
        Item: {
          ...versionKey(secret, secret.version),
          version: secret.version,
          sealedVersion: secret.sealedVersion,
          sealed: secret.sealed,
          created: secret.updated,
          author: secret.updatedBy,
          incarnation: secret.created,
        },
      },
    };
  }

  setTtl(key: Item, ttl: number | undefined): TransactItem {
    return {
      Update: {
        TableName: this.#table,
        Key: key,
        UpdateExpression: ttl === undefined ? 'REMOVE #ttl' : 'SET #ttl = :ttl',
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
        ...(ttl !== undefined && { ExpressionAttributeValues: { ':ttl': ttl } }),
      },
    };
  }

  putEntry(listing: Listing, secret: SecretMetadata): TransactItem {
    return {
      Put: { TableName: this.#table, Item: { ...toMetadata(secret), pk: entryPk(listing), sk: secret.name } },
    };
  }

  deleteEntry(listing: Listing, secret: SecretMetadata): TransactItem {
    return { Delete: { TableName: this.#table, Key: { pk: entryPk(listing), sk: secret.name } } };
  }

  /** Moves a listing's total, and its `rev`: a warm search index's sign that entries came or went. */
  count(listing: Listing, delta: number): TransactItem {
    return {
      Update: {
        TableName: this.#table,
        Key: counterKey(listing),
        UpdateExpression: 'ADD n :delta, rev :one',
        ExpressionAttributeValues: { ':delta': delta, ':one': 1 },
      },
    };
  }

  deleteRetired(item: Item): TransactItem {
    return {
      Delete: {
        TableName: this.#table,
        Key: { pk: item.pk, sk: item.sk },
        // A version another secret of the name wrote meanwhile is not a leftover.
        ...(item.incarnation !== undefined && {
          ConditionExpression: 'incarnation = :inc',
          ExpressionAttributeValues: { ':inc': item.incarnation },
        }),
      },
    };
  }

  putRetired(secret: StoredSecret, deletion: Deletion): TransactItem {
    // Neither its data nor anything derived from it (the keyed create's request HMAC): its
    // versions hold the data, and a replay can only ever concern the live secret.
    const {
      pk: _pk,
      sk: _sk,
      sealed: _sealed,
      createRequest: _request,
      createCheck: _check,
      ...head
    } = toHead(secret);
    return {
      Put: {
        TableName: this.#table,
        Item: {
          ...head,
          ...retiredKey(secret, secret.created),
          firstVersion: secret.firstVersion,
          [TTL_ATTRIBUTE]: epochSeconds(deletion.purgeAt),
        },
      },
    };
  }
}
