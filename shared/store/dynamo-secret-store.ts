/**
 * The secrets in DynamoDB (layout: keys.ts). Every write path is one transaction with its audit
 * entry and, where the secret joins or leaves listings, their counters and directory buckets.
 * (Longer than most files on purpose: the SecretStore contract's write paths, each one transaction;
 * item layout, transaction items, dues, listing pages and rotation state live in files of their own.)
 */
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../domain/audit.ts';
import { DependencyUnavailableError, VersionConflictError } from '../domain/errors.ts';
import type {
  Deletion,
  Due,
  Page,
  RetiredSecret,
  RotationState,
  SecretMetadata,
  SecretRef,
  SecretVersion,
  StoredSecret,
  VersionInfo,
} from '../domain/model.ts';
import type { Listing, SecretStore } from '../domain/ports.ts';
import { DueItems } from './due-items.ts';
import { APPEND_ATTEMPTS, type AuditEntries } from './dynamo-audit-log.ts';
import { DynamoRotationState } from './dynamo-rotation-state.ts';
import {
  GuardFailed,
  getItem,
  type Item,
  queryAll,
  sleep,
  type TransactItem,
  transact,
} from './dynamo-support.ts';
import {
  headKey,
  isCounted,
  listingId,
  listingsOf,
  retiredKey,
  rotationKey,
  VERSION_PREFIX,
  versionKey,
  versionsOf,
} from './keys.ts';
import { ListingIndex, type Placement } from './listing-index.ts';
import { ListingPages } from './listing-pages.ts';
import { SearchIndex } from './search-index.ts';
import { fromEntry, fromHead, fromVersion, toHead } from './secret-items.ts';
import { epochSeconds, SecretWrites } from './secret-writes.ts';
import { TTL_ATTRIBUTE } from './table.ts';

export interface StoreOptions {
  tableName: string;
  /** Versions kept per secret; each write prunes the one that falls out. */
  maxVersions: number;
  /** How long before `expires` the near-expiry warning is due. */
  expiryWarningSeconds: number;
  /** Entries a listing bucket holds before it splits (see listing-index.ts); tests make it small. */
  listingBucketSplitAt?: number;
  /** Buckets a listing group holds before it splits (see listing-index.ts); tests make it small. */
  listingGroupSplitAt?: number;
  /** The audit trail whose entries commit with the writes they record. */
  trail: AuditEntries;
}

/** The most items one DynamoDB transaction takes. */
const TRANSACTION_LIMIT = 100;

/** How often a write looks its listing bucket up again after the bucket was split under it. */
const BUCKET_ATTEMPTS = 4;

export class DynamoSecretStore implements SecretStore {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #maxVersions: number;
  readonly #index: ListingIndex;
  readonly #trail: AuditEntries;
  readonly #dues: DueItems;
  readonly #rotations: DynamoRotationState;
  readonly #pages: ListingPages;
  readonly #writes: SecretWrites;
  readonly #search: SearchIndex;

  constructor(db: DynamoDBDocumentClient, options: StoreOptions) {
    this.#trail = options.trail;
    this.#db = db;
    this.#table = options.tableName;
    this.#maxVersions = options.maxVersions;
    this.#index = new ListingIndex(
      db,
      options.tableName,
      options.listingBucketSplitAt,
      options.listingGroupSplitAt,
    );
    this.#search = new SearchIndex(this.#index);
    this.#dues = new DueItems(db, options.tableName, options.expiryWarningSeconds * 1000);
    this.#rotations = new DynamoRotationState(db, options.tableName);
    this.#pages = new ListingPages(db, options.tableName, this.#index);
    this.#writes = new SecretWrites(options.tableName);
  }

  /**
   * Commits `items` and the audit entry recording them as one transaction: both or neither. When
   * `membership` is given, the transaction also adds the secret to (delta 1) or removes it from
   * (-1) its counted listings: their counters and directory buckets and groups move with it; delta
   * 0 (an update) moves only the change counters of the listings a warm search index watches.
   * Two races are retried here: another appender took the entry's place in its lane (a fresh lane
   * is picked), or a range was split under the writer (it is looked up again). A failed guard of
   * `items` (someone wrote the secret first) returns GuardFailed for the caller to re-read.
   */
  async #commit(
    items: TransactItem[],
    audit: AuditEvent,
    membership?: { secret: SecretMetadata; delta: 1 | -1 | 0 },
  ): Promise<true | GuardFailed> {
    const delta = membership?.delta ?? 0;
    const counted = membership
      ? listingsOf(membership.secret).filter(
          (listing) => isCounted(listing) && (delta !== 0 || ListingIndex.watches(listing)),
        )
      : [];
    const name = membership?.secret.name ?? '';
    let bucketAttempt = 1;
    for (let attempt = 1; attempt <= APPEND_ATTEMPTS; attempt++) {
      const [entry, placements] = await Promise.all([
        this.#trail.entryFor(audit),
        Promise.all(counted.map((listing) => this.#index.place(listing, name, bucketAttempt > 1))),
      ]);
      const outcome = await transact(this.#db, [
        ...items,
        entry,
        ...counted.flatMap((listing, i) => [
          ...(delta === 0 ? [] : [this.#writes.count(listing, delta)]),
          ...this.#index.changes(listing, placements[i] as Placement, name, delta),
        ]),
      ]);
      if (outcome instanceof GuardFailed && outcome.index === items.length) {
        await sleep(Math.random() * Math.min(50, 2 * attempt));
        continue;
      }
      if (outcome instanceof GuardFailed && outcome.index > items.length) {
        if (++bucketAttempt > BUCKET_ATTEMPTS) throw new VersionConflictError();
        continue;
      }
      if (outcome === true && delta !== 0)
        await Promise.all(
          counted.map((listing, i) => this.#index.rebalance(listing, placements[i] as Placement, delta)),
        );
      return outcome;
    }
    throw new DependencyUnavailableError('DATABASE_ERROR', {
      cause: new Error(`audit entry lost ${APPEND_ATTEMPTS} races`),
    });
  }

  getRotation(ref: SecretRef): Promise<RotationState | undefined> {
    return this.#rotations.getRotation(ref);
  }

  saveRotation(ref: SecretRef, state: RotationState, expectedToken: string | undefined): Promise<boolean> {
    return this.#rotations.saveRotation(ref, state, expectedToken);
  }

  due(now: Date, limit: number): Promise<Due[]> {
    return this.#dues.due(now, limit);
  }

  page(listing: Listing, offset: number, limit: number, descending: boolean): Promise<Page<SecretMetadata>> {
    return this.#pages.page(listing, offset, limit, descending);
  }

  /** A watched listing comes from the warm search index, prefiltered by `words` (see search-index.ts). */
  async entries(listings: readonly Listing[], words: readonly string[] = []): Promise<SecretMetadata[]> {
    const each = await Promise.all(
      listings.map(
        async (listing) =>
          (ListingIndex.watches(listing) && (await this.#search.entries(listing, words))) ||
          this.#pages.entries([listing]),
      ),
    );
    return each.flat();
  }

  async markExpiryNotice(secret: StoredSecret, notice: 'near' | 'expired'): Promise<boolean> {
    const next = { ...secret, expiryNotice: notice };
    return (
      (await transact(this.#db, [
        this.#writes.guardedHead(secret, toHead(next)),
        ...this.#dues.changes(secret, next),
      ])) === true
    );
  }

  async get(ref: SecretRef): Promise<StoredSecret | undefined> {
    // Strongly consistent: a reader right after a write (a rotation, say) must see it.
    const item = await this.#getItem(headKey(ref), true);
    return item === undefined ? undefined : fromHead(item);
  }

  async getVersion(ref: SecretRef, version: number): Promise<SecretVersion | undefined> {
    const [head, item] = await Promise.all([
      this.#getItem(headKey(ref), true),
      this.#getItem(versionKey(ref, version), true),
    ]);
    // A version of an earlier secret of the same name (deleted, purged, re-created) is not this one's.
    if (!head || !item || item.incarnation !== head.created) return undefined;
    return fromVersion(item);
  }

  async versions(ref: SecretRef): Promise<VersionInfo[]> {
    const head = await this.#getItem(headKey(ref), true);
    if (!head) return [];
    const items = await this.#queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
      ExpressionAttributeValues: { ':pk': versionsOf(ref), ':v': VERSION_PREFIX },
      ProjectionExpression: 'version, sealedVersion, created, author, incarnation',
      ScanIndexForward: false,
      ConsistentRead: true,
    });
    return items
      .filter((item) => item.incarnation === head.created)
      .map((item) => {
        const { sealed: _sealed, ...info } = fromVersion({ ...item, sealed: new Uint8Array() });
        return info;
      });
  }

  async create(secret: StoredSecret, audit: AuditEvent, holder: StoredSecret | undefined): Promise<boolean> {
    const listings = listingsOf(secret);
    const retiring = holder?.deletion !== undefined && Date.parse(holder.deletion.purgeAt) > Date.now();
    const outcome = await this.#commit(
      [
        holder === undefined
          ? {
              Put: {
                TableName: this.#table,
                Item: { ...toHead(secret), revision: 0 },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            }
          : this.#writes.guardedHead(holder, toHead(secret)),
        this.#writes.putVersion(secret),
        // The deleted secret that held the name, as it was, until its purge: its versions (which
        // expire then too) stay readable to its readers by number. One past its purge is gone.
        ...(retiring && holder?.deletion ? [this.#writes.putRetired(holder, holder.deletion)] : []),
        ...listings.map((listing) => this.#writes.putEntry(listing, secret)),
        ...this.#dues.changes(undefined, secret),
      ],
      audit,
      { secret, delta: 1 },
    );
    return outcome === true;
  }

  async lastVersionKept(ref: SecretRef): Promise<number> {
    const [newest] = await this.#queryAll(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
        ExpressionAttributeValues: { ':pk': versionsOf(ref), ':v': VERSION_PREFIX },
        ProjectionExpression: 'version',
        ScanIndexForward: false,
        ConsistentRead: true,
      },
      1,
    );
    return typeof newest?.version === 'number' ? newest.version : 0;
  }

  async retiredVersion(
    ref: SecretRef,
    version: number,
  ): Promise<{ secret: RetiredSecret; version: SecretVersion } | undefined> {
    const [head, item] = await Promise.all([
      this.#getItem(headKey(ref), true),
      this.#getItem(versionKey(ref, version), true),
    ]);
    if (!item || typeof item.incarnation !== 'string' || item.incarnation === head?.created) return undefined;
    const retired = await this.#getItem(retiredKey(ref, item.incarnation), true);
    const deletion = retired?.deletion as Deletion | undefined;
    // TTL lags: past its purge time a retired secret is gone, whatever is still stored.
    if (!retired || !deletion || Date.parse(deletion.purgeAt) <= Date.now()) return undefined;
    return { secret: { ...fromEntry(retired), deletion }, version: fromVersion(item) };
  }

  async replace(previous: StoredSecret, next: StoredSecret, audit: AuditEvent): Promise<boolean> {
    const kept = new Set(listingsOf(next).map(listingId));
    // Only this secret's own versions: those below its first belong to a retired one.
    const pruned = next.version - this.#maxVersions;
    return (
      (await this.#commit(
        [
          this.#writes.guardedHead(previous, toHead(next)),
          this.#writes.putVersion(next),
          ...(pruned >= (next.firstVersion ?? 1)
            ? [{ Delete: { TableName: this.#table, Key: versionKey(next, pruned) } }]
            : []),
          ...listingsOf(next).map((listing) => this.#writes.putEntry(listing, next)),
          ...listingsOf(previous)
            .filter((listing) => !kept.has(listingId(listing)))
            .map((listing) => this.#writes.deleteEntry(listing, previous)),
          ...this.#dues.changes(previous, next),
        ],
        audit,
        // No listing gains or loses it, but its entries changed: the warm search index must see it.
        { secret: next, delta: 0 },
      )) === true
    );
  }

  async softDelete(previous: StoredSecret, deletion: Deletion, audit: AuditEvent): Promise<boolean> {
    const ttl = epochSeconds(deletion.purgeAt);
    const versions = this.#versionKeys(previous);
    const listings = listingsOf(previous);
    return (
      (await this.#commit(
        [
          this.#writes.guardedHead(previous, { ...toHead(previous), deletion, [TTL_ATTRIBUTE]: ttl }),
          // The versions go with the head when TTL purges: secret data must not outlive the secret.
          ...versions.map((key) => this.#writes.setTtl(key, ttl)),
          // A rotation's sealed pending value is secret data too: it goes now, not at purge.
          { Delete: { TableName: this.#table, Key: rotationKey(previous) } },
          ...listings.map((listing) => this.#writes.deleteEntry(listing, previous)),
          ...this.#dues.changes(previous, undefined),
        ],
        audit,
        { secret: previous, delta: -1 },
      )) === true
    );
  }

  async restore(previous: StoredSecret, audit: AuditEvent): Promise<boolean> {
    const restored = { ...previous, deletion: undefined };
    const versions = this.#versionKeys(previous);
    const listings = listingsOf(previous);
    return (
      (await this.#commit(
        [
          this.#writes.guardedHead(previous, toHead(restored)),
          ...versions.map((key) => this.#writes.setTtl(key, undefined)),
          ...listings.map((listing) => this.#writes.putEntry(listing, restored)),
          ...this.#dues.changes(undefined, restored),
        ],
        audit,
        { secret: restored, delta: 1 },
      )) === true
    );
  }

  /**
   * Purging means no data under the name is left: deleted secrets kept aside for it go too, with
   * their versions, in the purge's own transaction. Only when they would not fit in one (dozens
   * of deleted secrets under one name) do the rest go right after it; if that is cut short they
   * still expire at their own purge time, readable only to their readers until then.
   */
  async purge(previous: StoredSecret, audit: AuditEvent): Promise<boolean> {
    const versions = this.#versionKeys(previous);
    // A soft-deleted secret already left its listings.
    const listings = previous.deletion ? [] : listingsOf(previous);
    const items: TransactItem[] = [
      {
        Delete: {
          TableName: this.#table,
          Key: headKey(previous),
          ConditionExpression: 'revision = :expected',
          ExpressionAttributeValues: { ':expected': previous.revision ?? 0 },
        },
      },
      ...versions.map((key) => ({ Delete: { TableName: this.#table, Key: key } })),
      { Delete: { TableName: this.#table, Key: rotationKey(previous) } },
      ...listings.map((listing) => this.#writes.deleteEntry(listing, previous)),
      ...this.#dues.changes(previous, undefined),
    ];
    const own = new Set(versions.map((key) => key.sk));
    const leftovers = (await this.#retiredItems(previous))
      .filter((item) => !own.has(String(item.sk)))
      .map((item) => this.#writes.deleteRetired(item));
    // Room left by the audit entry and, for a live secret, its counted listings' counter, bucket and group.
    const room = TRANSACTION_LIMIT - items.length - 1 - 3 * listings.filter(isCounted).length;
    const now = leftovers.slice(0, Math.max(0, room));
    const outcome = previous.deletion
      ? await this.#commit([...items, ...now], audit)
      : await this.#commit([...items, ...now], audit, { secret: previous, delta: -1 });
    if (outcome !== true) return false;
    await Promise.allSettled(leftovers.slice(now.length).map((item) => transact(this.#db, [item])));
    return true;
  }

  /** Items of earlier secrets of the name kept aside (retired records and their versions). */
  async #retiredItems(secret: StoredSecret): Promise<Item[]> {
    const items = await this.#queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': versionsOf(secret) },
      ProjectionExpression: 'pk, sk, incarnation',
      ConsistentRead: true,
    });
    return items.filter(
      (item) =>
        String(item.sk).startsWith('retired#') ||
        (String(item.sk).startsWith(VERSION_PREFIX) && item.incarnation !== secret.created),
    );
  }

  async setRotation(
    previous: StoredSecret,
    rotation: StoredSecret['rotation'],
    audit: AuditEvent,
  ): Promise<boolean> {
    const next = { ...previous, rotation };
    return (
      (await this.#commit(
        [this.#writes.guardedHead(previous, toHead(next)), ...this.#dues.changes(previous, next)],
        audit,
      )) === true
    );
  }

  /** Keys of the versions a secret keeps: only these exist (older ones were pruned as they fell out). */
  #versionKeys(secret: StoredSecret) {
    const oldest = Math.max(secret.firstVersion ?? 1, secret.version - this.#maxVersions + 1);
    return Array.from({ length: secret.version - oldest + 1 }, (_, i) => versionKey(secret, oldest + i));
  }

  #getItem(key: Item, consistent: boolean): Promise<Item | undefined> {
    return getItem(this.#db, this.#table, key, consistent);
  }

  #queryAll(input: Omit<QueryCommandInput, 'TableName'>, wanted?: number): Promise<Item[]> {
    return queryAll(this.#db, this.#table, input, wanted);
  }
}
