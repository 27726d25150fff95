import type { Page, SecretMetadata, SecretRef, StoredSecret } from './model.ts';

/**
 * A set of secrets the store can list cheaply, in name order, without reading the others:
 * all shared secrets, one owner's personal secrets, or the shared secrets naming one role.
 */
export type Listing =
  | { kind: 'shared' }
  | { kind: 'owner'; ownerId: string }
  | { kind: 'role'; roleId: string };

export interface SecretStore {
  get(ref: SecretRef): Promise<StoredSecret | undefined>;
  /** Throws DuplicateSecretError when the name is taken. */
  create(secret: StoredSecret): Promise<void>;
  /** Replaces `previous` with `next` unless someone else wrote first; false when `previous` is stale. */
  replace(previous: StoredSecret, next: StoredSecret): Promise<boolean>;
  /** Deletes `secret` unless someone else wrote first; false when it is stale or gone. */
  delete(secret: StoredSecret): Promise<boolean>;
  /** One page of a listing in name order, with the listing's total; cost grows with offset + limit, not the table. */
  page(listing: Listing, offset: number, limit: number, descending: boolean): Promise<Page<SecretMetadata>>;
  /** Every entry of the listings (a secret in several listings comes once per listing). */
  entries(listings: readonly Listing[]): Promise<SecretMetadata[]>;
}

/** What a sealed value is bound to: opening it under any other binding fails. */
export interface SealBinding extends SecretRef {
  version: number;
}

/** Envelope encryption of secret data; plaintext never leaves the domain except to the caller. */
export interface SecretCipher {
  seal(plaintext: Uint8Array, binding: SealBinding): Promise<Uint8Array>;
  /** Throws DataIntegrityError when the sealed bytes do not belong to `binding`. */
  open(sealed: Uint8Array, binding: SealBinding): Promise<Uint8Array>;
}

export interface Clock {
  now(): Date;
}

export interface VaultDeps {
  secrets: SecretStore;
  cipher: SecretCipher;
  clock: Clock;
}
