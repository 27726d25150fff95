/** In-memory SecretStore for domain unit tests: same contract as the DynamoDB adapter, conditions included. */
import { DuplicateSecretError } from '../../shared/domain/errors.ts';
import type { Page, SecretMetadata, SecretRef, StoredSecret } from '../../shared/domain/model.ts';
import type { Listing, SecretCipher, SecretStore, VaultDeps } from '../../shared/domain/ports.ts';

const keyOf = (ref: SecretRef) => JSON.stringify([ref.ownerId ?? null, ref.name]);

function inListing(secret: SecretMetadata, listing: Listing): boolean {
  if (listing.kind === 'owner') return secret.ownerId === listing.ownerId;
  if (secret.ownerId !== undefined) return false;
  return listing.kind === 'shared' || [...secret.readRoles, ...secret.writeRoles].includes(listing.roleId);
}

const byName = (a: SecretMetadata, b: SecretMetadata) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export class MemorySecretStore implements SecretStore {
  readonly items = new Map<string, StoredSecret>();

  async get(ref: SecretRef) {
    return this.items.get(keyOf(ref));
  }
  async create(secret: StoredSecret) {
    if (this.items.has(keyOf(secret))) throw new DuplicateSecretError(secret.name);
    this.items.set(keyOf(secret), secret);
  }
  async replace(previous: StoredSecret, next: StoredSecret) {
    if (this.items.get(keyOf(previous))?.version !== previous.version) return false;
    this.items.set(keyOf(next), next);
    return true;
  }
  async delete(secret: StoredSecret) {
    if (this.items.get(keyOf(secret))?.version !== secret.version) return false;
    this.items.delete(keyOf(secret));
    return true;
  }
  async page(
    listing: Listing,
    offset: number,
    limit: number,
    descending: boolean,
  ): Promise<Page<SecretMetadata>> {
    const all = (await this.entries([listing])).sort(byName);
    if (descending) all.reverse();
    return { count: all.length, items: all.slice(offset, offset + limit) };
  }
  async entries(listings: readonly Listing[]) {
    return listings.flatMap((listing) =>
      [...this.items.values()].filter((secret) => inListing(secret, listing)),
    );
  }
}

/** Reversible and binding-checked, so domain tests notice a wrong binding without real crypto. */
export const bindingCipher: SecretCipher = {
  async seal(plaintext, binding) {
    return new TextEncoder().encode(JSON.stringify({ binding, text: new TextDecoder().decode(plaintext) }));
  },
  async open(sealed, binding) {
    const { binding: sealedFor, text } = JSON.parse(new TextDecoder().decode(sealed));
    if (JSON.stringify(sealedFor) !== JSON.stringify(binding)) throw new Error('binding mismatch');
    return new TextEncoder().encode(text);
  },
};

export function memoryDeps(): VaultDeps & { secrets: MemorySecretStore } {
  let tick = Date.parse('2026-01-02T03:04:05Z');
  return {
    secrets: new MemorySecretStore(),
    cipher: bindingCipher,
    clock: {
      now: () => {
        tick += 1000;
        return new Date(tick);
      },
    },
  };
}
