/** The vault's vocabulary, free of any AWS or HTTP type. */

/** OAuth2 scopes of the PrivX API. */
export const SCOPES = [
  'admin',
  'hostsManage',
  'owner',
  'service',
  'user',
  'vaultAdd',
  'vaultManage',
] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling, as proven by a verified token, and from where (for the audit trail). */
export interface Caller {
  userId: string;
  scopes: ReadonlySet<string>;
  roles: ReadonlySet<string>;
  traceId?: string | undefined;
  sourceIp?: string | undefined;
}

/** A secret is shared (role-controlled) or personal (owned by one user); names are unique per owner. */
export interface SecretRef {
  name: string;
  ownerId?: string | undefined;
}

/** A secret's plaintext: always a JSON object. */
export type SecretData = Record<string, unknown>;

export interface Tag {
  key: string;
  value: string;
}

export interface SecretMetadata extends SecretRef {
  readRoles: readonly string[];
  writeRoles: readonly string[];
  /** Display names given for those roles (id → name); access is decided by id only. */
  roleNames?: Readonly<Record<string, string>> | undefined;
  author: string;
  updatedBy: string;
  created: string;
  updated: string;
  /** Increases by one on every write, each write an immutable version; the ETag. */
  version: number;
  description?: string | undefined;
  tags: readonly Tag[];
  /** RFC 3339; after it the data is refused (the metadata stays readable). */
  expires?: string | undefined;
  rotation?: RotationConfig | undefined;
}

/** The sealed data of one version. */
export interface SealedData {
  sealed: Uint8Array;
  /**
   * The version at which `sealed` was written: the data is bound to it. A write that changes only
   * roles makes a new version sharing the data it came from, so managers can change roles
   * without ever decrypting.
   */
  sealedVersion: number;
}

/** A soft-deleted secret: unreadable, restorable until `purgeAt`, then purged by DynamoDB TTL. */
export interface Deletion {
  deletedAt: string;
  deletedBy: string;
  purgeAt: string;
  traceId?: string | undefined;
}

/** A secret as stored: metadata plus its current version's sealed data. */
export interface StoredSecret extends SecretMetadata, SealedData {
  deletion?: Deletion | undefined;
  /** The version current before the last rotation: readers may ask for it during cut-over. */
  previousVersion?: number | undefined;
  /** Which expiry warning has been given, so each is given once. */
  expiryNotice?: 'near' | 'expired' | undefined;
  /** The trace id of the write that made this head: change events carry it. */
  lastTraceId?: string | undefined;
  /** Bumped by the store on every head write, versioned or not: what conditional writes compare. */
  revision?: number | undefined;
  /**
   * For a secret created with an Idempotency-Key: a hash of the caller, the key and the request
   * (its data left out), so a retry of that create finds the secret it made. Never the raw key.
   */
  createRequest?: string | undefined;
  /** With `createRequest`: an HMAC of that request with its data, keyed by its Idempotency-Key. */
  createCheck?: string | undefined;
  /**
   * This secret's first version (1 unless the name held a deleted secret when it was created:
   * numbering then goes on after that one's, so a version number always names one value).
   */
  firstVersion?: number | undefined;
}

/**
 * A deleted secret whose name was taken again: kept aside, as it was when deleted, until its purge
 * time. Its versions stay readable by number to its own readers, and to nobody else.
 */
export interface RetiredSecret extends SecretMetadata {
  deletion: Deletion;
}

/** One rotation in progress (or the last one that failed), its pending value sealed. */
export interface RotationState {
  token: string;
  status: 'running' | 'failed' | 'succeeded';
  /** The next step to run. */
  step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
  /** The head version the pending value is meant to follow. */
  basedOn: number;
  /**
   * The incarnation (the head's `created`) of the secret being rotated: a pending value never
   * outlives it, so a secret re-created under the same name cannot resume or read it.
   */
  incarnation?: string | undefined;
  pending?: SealedData | undefined;
  /**
   * The top-level fields of the data the rotator changed (or removed): when someone writes the
   * secret during the rotation, these fields of the pending value go on top of their write, and
   * everything else of their write is kept.
   */
  rotatedFields?: readonly string[] | undefined;
  trigger: 'schedule' | 'on-demand' | 'event';
  actor: string;
  traceId?: string | undefined;
  startedAt: string;
  updatedAt: string;
  error?: string | undefined;
}

/** Something a secret has coming: a scheduled rotation, an expiry warning, its expiry. */
export interface Due {
  secret: SecretRef;
  kind: 'rotate' | 'near-expiry' | 'expired';
  at: string;
}

/** One immutable version, as kept in the history. */
export interface SecretVersion extends SealedData {
  version: number;
  created: string;
  author: string;
}

export type VersionInfo = Omit<SecretVersion, 'sealed'>;

/** What a caller gets back: `data` only when it may read it. */
export interface SecretView extends SecretMetadata {
  data?: SecretData;
}

export interface Page<T> {
  count: number;
  items: T[];
}

export type SortKey = 'name' | 'created' | 'updated';
export type SortDir = 'ASC' | 'DESC';

export interface PageRequest {
  offset: number;
  limit: number;
  sortkey?: SortKey;
  sortdir?: SortDir;
}

export const isPersonal = (ref: SecretRef): boolean => ref.ownerId !== undefined;

export const describeRef = (ref: SecretRef): string =>
  ref.ownerId === undefined
    ? `shared secret "${ref.name}"`
    : `personal secret "${ref.name}" of ${ref.ownerId}`;

/** How a new value is made: a built-in generator, or a rotator Lambda (rotators.ts runs them). */
export type RotatorSpec =
  | {
      type: 'password';
      /** The field of the secret's data that holds the password; the other fields are kept. */
      field: string;
      length: number;
      lowercase: boolean;
      uppercase: boolean;
      digits: boolean;
      symbols: boolean;
      exclude: string;
    }
  | { type: 'random-bytes'; field: string; bytes: number; encoding: 'base64' | 'hex' }
  | { type: 'lambda'; arn: string };

export interface RotationConfig {
  rotator: RotatorSpec;
  schedule: string;
  /** When the next scheduled rotation is due. */
  nextAt?: string | undefined;
  lastRotatedAt?: string | undefined;
  lastStatus?: 'succeeded' | 'failed' | undefined;
  lastError?: string | undefined;
  /** The token of the last rotation promoted: a resumed finish step sees it is already done. */
  lastToken?: string | undefined;
}
