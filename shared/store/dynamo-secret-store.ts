import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
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
import { APPEND_ATTEMPTS, type AuditEntries } from './dynamo-audit-log.ts';
import {
  call,
  GuardFailed,
  type Item,
  queryAll,
  sleep,
  type TransactItem,
  transact,
} from './dynamo-support.ts';
import {
  counterKey,
  DUE_SHARDS,
  dueKey,
  duePk,
  entryPk,
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
import { type Bucket, entriesIn, ListingIndex, type Located } from './listing-index.ts';
import { TTL_ATTRIBUTE } from './table.ts';

export interface StoreOptions {
  tableName: string;
  /** Versions kept per secret; each write prunes the one that falls out. */
  maxVersions: number;
  /** How long before `expires` the near-expiry warning is due. */
  expiryWarningSeconds: number;
  /** Entries a listing bucket holds before it splits (see listing-index.ts); tests make it small. */
  listingBucketSplitAt?: number;
  /** The audit trail whose entries commit with the writes they record. */
  trail: AuditEntries;
}

/** The most items one DynamoDB transaction takes. */
const TRANSACTION_LIMIT = 100;

/** How often a write looks its listing bucket up again after the bucket was split under it. */
const BUCKET_ATTEMPTS = 4;

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

export class DynamoSecretStore implements SecretStore {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #maxVersions: number;
  readonly #warningMs: number;
  readonly #index: ListingIndex;
  readonly #trail: AuditEntries;

  constructor(db: DynamoDBDocumentClient, options: StoreOptions) {
    this.#trail = options.trail;
    this.#db = db;
    this.#table = options.tableName;
    this.#maxVersions = options.maxVersions;
    this.#warningMs = options.expiryWarningSeconds * 1000;
    this.#index = new ListingIndex(db, options.tableName, options.listingBucketSplitAt);
  }

  /**
   * Commits `items` and the audit entry recording them as one transaction: both or neither. When
   * `membership` is given, the transaction also adds the secret to (delta 1) or removes it from
   * (-1) its counted listings: their counters and directory buckets move with it. Two races are
   * retried here: another appender took the entry's place in its lane (a fresh lane is picked),
   * or a bucket was split under the writer (it is looked up again). A failed guard of `items`
   * (someone wrote the secret first) returns GuardFailed for the caller to re-read.
   */
  async #commit(
    items: TransactItem[],
    audit: AuditEvent,
    membership?: { secret: SecretMetadata; delta: 1 | -1 },
  ): Promise<true | GuardFailed> {
    const counted = membership ? listingsOf(membership.secret).filter(isCounted) : [];
    const name = membership?.secret.name ?? '';
    let bucketAttempt = 1;
    for (let attempt = 1; attempt <= APPEND_ATTEMPTS; attempt++) {
      const [entry, buckets] = await Promise.all([
        this.#trail.entryFor(audit),
        Promise.all(counted.map((listing) => this.#index.bucketFor(listing, name, bucketAttempt > 1))),
      ]);
      const outcome = await transact(this.#db, [
        ...items,
        entry,
        ...counted.flatMap((listing, i) => [
          this.#count(listing, membership!.delta),
          this.#index.countChange(listing, buckets[i] as Bucket, name, membership!.delta),
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
      if (outcome === true)
        await Promise.all(
          counted.map((listing, i) =>
            this.#index.rebalance(listing, buckets[i] as Bucket, membership!.delta),
          ),
        );
      return outcome;
    }
    throw new DependencyUnavailableError('DATABASE_ERROR', {
      cause: new Error(`audit entry lost ${APPEND_ATTEMPTS} races`),
    });
  }

  /** What a live secret has coming; a deleted one has nothing. */
  #duesOf(secret: StoredSecret | undefined): Due[] {
    if (!secret || secret.deletion) return [];
    const ref = { name: secret.name, ...(secret.ownerId !== undefined && { ownerId: secret.ownerId }) };
    const dues: Due[] = [];
    if (secret.rotation?.nextAt) dues.push({ secret: ref, kind: 'rotate', at: secret.rotation.nextAt });
    if (secret.expires !== undefined) {
      const expires = Date.parse(secret.expires);
      if (secret.expiryNotice === undefined)
        dues.push({
          secret: ref,
          kind: 'near-expiry',
          at: new Date(expires - this.#warningMs).toISOString(),
        });
      if (secret.expiryNotice !== 'expired')
        dues.push({ secret: ref, kind: 'expired', at: new Date(expires).toISOString() });
    }
    return dues;
  }

  /** Due items that must go or come when a head changes from `previous` to `next`. */
  #dueChanges(previous: StoredSecret | undefined, next: StoredSecret | undefined): TransactItem[] {
    const before = new Map(this.#duesOf(previous).map((due) => [dueKey(due).sk, due]));
    const after = new Map(this.#duesOf(next).map((due) => [dueKey(due).sk, due]));
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

  async getRotation(ref: SecretRef): Promise<RotationState | undefined> {
    const item = await this.#getItem(rotationKey(ref), true);
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
          }),
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async due(now: Date, limit: number): Promise<Due[]> {
    const shards = await Promise.all(
      Array.from({ length: DUE_SHARDS }, (_, shard) =>
        this.#queryAll(
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

  async markExpiryNotice(secret: StoredSecret, notice: 'near' | 'expired'): Promise<boolean> {
    const next = { ...secret, expiryNotice: notice };
    return (
      (await transact(this.#db, [
        this.#guardedHead(secret, toHead(next)),
        ...this.#dueChanges(secret, next),
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
          : this.#guardedHead(holder, toHead(secret)),
        this.#putVersion(secret),
        // The deleted secret that held the name, as it was, until its purge: its versions (which
        // expire then too) stay readable to its readers by number. One past its purge is gone.
        ...(retiring && holder?.deletion ? [this.#putRetired(holder, holder.deletion)] : []),
        ...listings.map((listing) => this.#putEntry(listing, secret)),
        ...this.#dueChanges(undefined, secret),
      ],
      audit,
      { secret, delta: 1 },
    );
    return outcome === true;
  }

  #putRetired(secret: StoredSecret, deletion: Deletion): TransactItem {
    const { pk: _pk, sk: _sk, sealed: _sealed, ...head } = toHead(secret);
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
          this.#guardedHead(previous, toHead(next)),
          this.#putVersion(next),
          ...(pruned >= (next.firstVersion ?? 1)
            ? [{ Delete: { TableName: this.#table, Key: versionKey(next, pruned) } }]
            : []),
          ...listingsOf(next).map((listing) => this.#putEntry(listing, next)),
          ...listingsOf(previous)
            .filter((listing) => !kept.has(listingId(listing)))
            .map((listing) => this.#deleteEntry(listing, previous)),
          ...this.#dueChanges(previous, next),
        ],
        audit,
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
          this.#guardedHead(previous, { ...toHead(previous), deletion, [TTL_ATTRIBUTE]: ttl }),
          // The versions go with the head when TTL purges: secret data must not outlive the secret.
          ...versions.map((key) => this.#setTtl(key, ttl)),
          // A rotation's sealed pending value is secret data too: it goes now, not at purge.
          { Delete: { TableName: this.#table, Key: rotationKey(previous) } },
          ...listings.map((listing) => this.#deleteEntry(listing, previous)),
          ...this.#dueChanges(previous, undefined),
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
          this.#guardedHead(previous, toHead(restored)),
          ...versions.map((key) => this.#setTtl(key, undefined)),
          ...listings.map((listing) => this.#putEntry(listing, restored)),
          ...this.#dueChanges(undefined, restored),
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
      ...listings.map((listing) => this.#deleteEntry(listing, previous)),
      ...this.#dueChanges(previous, undefined),
    ];
    const own = new Set(versions.map((key) => key.sk));
    const leftovers = (await this.#retiredItems(previous))
      .filter((item) => !own.has(String(item.sk)))
      .map((item) => this.#deleteRetired(item));
    // Room left by the audit entry and, for a live secret, its counted listings' counter and bucket.
    const room = TRANSACTION_LIMIT - items.length - 1 - 2 * listings.filter(isCounted).length;
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

  #deleteRetired(item: Item): TransactItem {
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

  /**
   * A page of a name-ordered listing. The first page runs beside the count; a deeper one reads the
   * listing's directory and then only the bucket holding its offset (see listing-index.ts), so its
   * cost does not grow with the offset. A listing whose directory does not add up (written before
   * the index existed, or read mid-write) is walked from its nearer end instead.
   */
  async page(
    listing: Listing,
    offset: number,
    limit: number,
    descending: boolean,
  ): Promise<Page<SecretMetadata>> {
    if (offset === 0) {
      const [count, entries] = await Promise.all([
        this.#countOf(listing, false),
        this.#queryAll({ ...entriesIn(listing, ''), ScanIndexForward: !descending }, limit),
      ]);
      return { count, items: entries.slice(0, limit).map(fromEntry) };
    }
    const directory = await this.#index.directory(listing);
    const { count } = directory;
    // The page as ascending positions [start, end).
    const start = descending ? Math.max(0, count - offset - limit) : offset;
    const end = descending ? count - offset : Math.min(count, offset + limit);
    if (end <= start) return { count, items: [] };
    const located = ListingIndex.locate(directory, start);
    const entries = located
      ? await this.#readFrom(listing, located, end - start)
      : await this.#walk(listing, count, start, end);
    return { count, items: (descending ? entries.reverse() : entries).map(fromEntry) };
  }

  /** `wanted` entries from a located position, reading from the nearer end of its bucket. */
  async #readFrom(listing: Listing, { bucket, skip }: Located, wanted: number): Promise<Item[]> {
    const toBucketEnd = bucket.n - skip;
    if (skip <= toBucketEnd) {
      const entries = await this.#queryAll(entriesIn(listing, bucket.lo), skip + wanted);
      return entries.slice(skip, skip + wanted);
    }
    const [back, on] = await Promise.all([
      this.#queryAll({ ...entriesIn(listing, '', bucket.hi), ScanIndexForward: false }, toBucketEnd),
      bucket.hi !== undefined && wanted > toBucketEnd
        ? this.#queryAll(entriesIn(listing, bucket.hi), wanted - toBucketEnd)
        : [],
    ]);
    return [...back.reverse(), ...on].slice(0, wanted);
  }

  /** Without a directory: reads up to the page from whichever end of the listing is nearer. */
  async #walk(listing: Listing, count: number, start: number, end: number): Promise<Item[]> {
    if (start <= count - end) return (await this.#queryAll(entriesIn(listing, ''), end)).slice(start, end);
    const tail = await this.#queryAll({ ...entriesIn(listing, ''), ScanIndexForward: false }, count - start);
    return tail.reverse().slice(0, end - start);
  }

  async entries(listings: readonly Listing[]): Promise<SecretMetadata[]> {
    const pages = await Promise.all(listings.map((listing) => this.#queryAll(entriesIn(listing, ''))));
    return pages.flat().map(fromEntry);
  }

  /**
   * The head write every change is guarded by: nobody wrote since `previous` was read. The
   * revision moves on every head write, versioned or not (rotation settings, expiry notices).
   */
  #guardedHead(previous: StoredSecret, item: Item): TransactItem {
    return {
      Put: {
        TableName: this.#table,
        Item: { ...item, revision: (previous.revision ?? 0) + 1 },
        ConditionExpression: 'revision = :expected',
        ExpressionAttributeValues: { ':expected': previous.revision ?? 0 },
      },
    };
  }

  async setRotation(
    previous: StoredSecret,
    rotation: StoredSecret['rotation'],
    audit: AuditEvent,
  ): Promise<boolean> {
    const next = { ...previous, rotation };
    return (
      (await this.#commit(
        [this.#guardedHead(previous, toHead(next)), ...this.#dueChanges(previous, next)],
        audit,
      )) === true
    );
  }

  #putVersion(secret: StoredSecret): TransactItem {
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

  /** Keys of the versions a secret keeps: only these exist (older ones were pruned as they fell out). */
  #versionKeys(secret: StoredSecret) {
    const oldest = Math.max(secret.firstVersion ?? 1, secret.version - this.#maxVersions + 1);
    return Array.from({ length: secret.version - oldest + 1 }, (_, i) => versionKey(secret, oldest + i));
  }

  #setTtl(key: Item, ttl: number | undefined): TransactItem {
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

  async #countOf(listing: Listing, consistent: boolean): Promise<number> {
    const item = await this.#getItem(counterKey(listing), consistent);
    return typeof item?.n === 'number' ? item.n : 0;
  }

  #getItem(key: Item, consistent: boolean): Promise<Item | undefined> {
    return call(
      async () =>
        (
          await this.#db.send(
            new GetCommand({ TableName: this.#table, Key: key, ConsistentRead: consistent }),
          )
        ).Item,
    );
  }

  #queryAll(input: Omit<QueryCommandInput, 'TableName'>, wanted?: number): Promise<Item[]> {
    return queryAll(this.#db, this.#table, input, wanted);
  }
}

function toMetadata(secret: SecretMetadata): Item {
  return {
    name: secret.name,
    ownerId: secret.ownerId,
    readRoles: [...secret.readRoles],
    writeRoles: [...secret.writeRoles],
    author: secret.author,
    updatedBy: secret.updatedBy,
    created: secret.created,
    updated: secret.updated,
    version: secret.version,
    description: secret.description,
    tags: secret.tags.map((tag) => ({ ...tag })),
    expires: secret.expires,
    rotation: secret.rotation,
  };
}

function toHead(secret: StoredSecret): Item {
  return {
    ...headKey(secret),
    ...toMetadata(secret),
    // On the head only, not on the (up to 41) listing entries: a secret at every other maximum
    // already moves about 4 MB of entries in one transaction. A list of pairs, never a map: a
    // role id is any string, and as a map key `constructor` or `__proto__` is not kept.
    roleNames: secret.roleNames && Object.entries(secret.roleNames).map(([id, name]) => ({ id, name })),
    sealedVersion: secret.sealedVersion,
    sealed: secret.sealed,
    deletion: secret.deletion,
    previousVersion: secret.previousVersion,
    expiryNotice: secret.expiryNotice,
    lastTraceId: secret.lastTraceId,
    createRequest: secret.createRequest,
    firstVersion: secret.firstVersion,
  };
}

function fromEntry(item: Item): SecretMetadata {
  return {
    name: item.name as string,
    ...(typeof item.ownerId === 'string' && { ownerId: item.ownerId }),
    readRoles: item.readRoles as string[],
    writeRoles: item.writeRoles as string[],
    ...(Array.isArray(item.roleNames) && {
      roleNames: Object.fromEntries(
        (item.roleNames as Array<{ id: string; name: string }>).map(({ id, name }) => [id, name]),
      ),
    }),
    author: item.author as string,
    updatedBy: item.updatedBy as string,
    created: item.created as string,
    updated: item.updated as string,
    version: item.version as number,
    ...(typeof item.description === 'string' && { description: item.description }),
    tags: (item.tags as SecretMetadata['tags'] | undefined) ?? [],
    ...(typeof item.expires === 'string' && { expires: item.expires }),
    ...(item.rotation !== undefined && { rotation: item.rotation as SecretMetadata['rotation'] }),
  };
}

function fromHead(item: Item): StoredSecret {
  return {
    ...fromEntry(item),
    sealedVersion: item.sealedVersion as number,
    sealed: item.sealed as Uint8Array,
    ...(item.deletion !== undefined && { deletion: item.deletion as Deletion }),
    ...(typeof item.previousVersion === 'number' && { previousVersion: item.previousVersion }),
    ...(typeof item.expiryNotice === 'string' && {
      expiryNotice: item.expiryNotice as StoredSecret['expiryNotice'],
    }),
    ...(typeof item.lastTraceId === 'string' && { lastTraceId: item.lastTraceId }),
    ...(typeof item.createRequest === 'string' && { createRequest: item.createRequest }),
    ...(typeof item.firstVersion === 'number' && { firstVersion: item.firstVersion }),
    revision: typeof item.revision === 'number' ? item.revision : 0,
  };
}

function fromVersion(item: Item): SecretVersion {
  return {
    version: item.version as number,
    sealedVersion: item.sealedVersion as number,
    sealed: item.sealed as Uint8Array,
    created: item.created as string,
    author: item.author as string,
  };
}
