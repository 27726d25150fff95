/** In-memory SecretStore for domain unit tests: same contract as the DynamoDB adapter, conditions included. */

import { type AuditEvent, type AuditRecord, nextRecord } from '../../shared/domain/audit.ts';
import { duesOf } from '../../shared/domain/dues.ts';
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
} from '../../shared/domain/model.ts';
import type { AuditLog, Listing, SecretCipher, SecretStore, VaultDeps } from '../../shared/domain/ports.ts';

const keyOf = (ref: SecretRef) => JSON.stringify([ref.ownerId ?? null, ref.name]);

function inListing(secret: StoredSecret, listing: Listing): boolean {
  if (secret.deletion) return false;
  if (listing.kind === 'owner') return secret.ownerId === listing.ownerId;
  if (secret.ownerId !== undefined) return false;
  return listing.kind === 'shared' || [...secret.readRoles, ...secret.writeRoles].includes(listing.roleId);
}

const byName = (a: SecretMetadata, b: SecretMetadata) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export class MemorySecretStore implements SecretStore {
  /** Where writes record themselves, as the DynamoDB store does: in the same step as the write. */
  readonly trail: MemoryAuditLog;
  constructor(trail = new MemoryAuditLog()) {
    this.trail = trail;
  }
  readonly items = new Map<string, StoredSecret>();
  readonly history = new Map<string, SecretVersion[]>();
  readonly maxVersions = 10;

  #version(secret: StoredSecret): SecretVersion {
    const { version, sealed, sealedVersion, updated: created, updatedBy: author } = secret;
    return { version, sealed, sealedVersion, created, author };
  }
  #unchanged(previous: StoredSecret) {
    return (this.items.get(keyOf(previous))?.revision ?? 0) === (previous.revision ?? 0);
  }
  #bumped(previous: StoredSecret, next: StoredSecret): StoredSecret {
    return { ...next, revision: (previous.revision ?? 0) + 1 };
  }

  async get(ref: SecretRef) {
    return this.items.get(keyOf(ref));
  }
  async getVersion(ref: SecretRef, version: number) {
    return this.history.get(keyOf(ref))?.find((kept) => kept.version === version);
  }
  async versions(ref: SecretRef) {
    return [...(this.history.get(keyOf(ref)) ?? [])].reverse().map(({ sealed: _sealed, ...info }) => info);
  }
  /** Deleted secrets whose names were taken again, with their kept versions. */
  readonly retired = new Map<string, Array<{ secret: RetiredSecret; versions: SecretVersion[] }>>();
  async create(secret: StoredSecret, audit: AuditEvent, holder: StoredSecret | undefined) {
    const existing = this.items.get(keyOf(secret));
    if ((existing?.revision ?? -1) !== (holder === undefined ? -1 : (holder.revision ?? 0))) return false;
    if (holder?.deletion && Date.parse(holder.deletion.purgeAt) > Date.now()) {
      const { sealed: _s, sealedVersion: _v, ...metadata } = holder;
      const kept = {
        secret: { ...metadata, deletion: holder.deletion },
        versions: this.history.get(keyOf(holder)) ?? [],
      };
      this.retired.set(keyOf(holder), [...(this.retired.get(keyOf(holder)) ?? []), kept]);
    }
    await this.trail.append(audit);
    this.items.set(keyOf(secret), {
      ...secret,
      revision: holder === undefined ? 0 : (holder.revision ?? 0) + 1,
    });
    this.history.set(keyOf(secret), [this.#version(secret)]);
    return true;
  }
  async lastVersionKept(ref: SecretRef) {
    const kept = [
      ...(this.history.get(keyOf(ref)) ?? []),
      ...(this.retired.get(keyOf(ref)) ?? []).flatMap((retired) => retired.versions),
    ];
    return Math.max(0, ...kept.map((version) => version.version));
  }
  async retiredVersion(ref: SecretRef, version: number) {
    for (const kept of this.retired.get(keyOf(ref)) ?? []) {
      const found = kept.versions.find((v) => v.version === version);
      if (found && Date.parse(kept.secret.deletion.purgeAt) > Date.now())
        return { secret: kept.secret, version: found };
    }
    return undefined;
  }
  async replace(previous: StoredSecret, next: StoredSecret, audit: AuditEvent) {
    if (!this.#unchanged(previous)) return false;
    await this.trail.append(audit);
    this.items.set(keyOf(next), this.#bumped(previous, next));
    this.history.set(
      keyOf(next),
      [...(this.history.get(keyOf(next)) ?? []), this.#version(next)].slice(-this.maxVersions),
    );
    return true;
  }
  async softDelete(previous: StoredSecret, deletion: Deletion, audit: AuditEvent) {
    if (!this.#unchanged(previous)) return false;
    await this.trail.append(audit);
    this.items.set(keyOf(previous), this.#bumped(previous, { ...previous, deletion }));
    this.rotations.delete(keyOf(previous));
    return true;
  }
  async restore(previous: StoredSecret, audit: AuditEvent) {
    if (!this.#unchanged(previous)) return false;
    await this.trail.append(audit);
    this.items.set(keyOf(previous), this.#bumped(previous, { ...previous, deletion: undefined }));
    return true;
  }
  async purge(previous: StoredSecret, audit: AuditEvent) {
    if (!this.#unchanged(previous)) return false;
    await this.trail.append(audit);
    this.items.delete(keyOf(previous));
    this.history.delete(keyOf(previous));
    this.retired.delete(keyOf(previous));
    this.rotations.delete(keyOf(previous));
    return true;
  }
  readonly rotations = new Map<string, RotationState>();
  async getRotation(ref: SecretRef) {
    return this.rotations.get(keyOf(ref));
  }
  async saveRotation(ref: SecretRef, state: RotationState, expectedToken: string | undefined) {
    const stored = this.rotations.get(keyOf(ref));
    const ok =
      expectedToken === undefined
        ? stored?.status !== 'running' || stored.incarnation !== state.incarnation
        : stored?.token === expectedToken;
    if (ok) this.rotations.set(keyOf(ref), state);
    return ok;
  }
  /** As the DynamoDB store keeps them: the domain's rules (duesOf), warnings a week ahead. */
  readonly expiryWarningMs = 7 * 86_400_000;
  async due(now: Date, limit: number): Promise<Due[]> {
    return [...this.items.values()]
      .flatMap((secret) => duesOf(secret, this.expiryWarningMs))
      .filter((due) => Date.parse(due.at) <= now.getTime())
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
      .slice(0, limit);
  }
  async setRotation(previous: StoredSecret, rotation: StoredSecret['rotation'], audit: AuditEvent) {
    if (!this.#unchanged(previous)) return false;
    await this.trail.append(audit);
    this.items.set(keyOf(previous), { ...previous, rotation, revision: (previous.revision ?? 0) + 1 });
    return true;
  }
  async markExpiryNotice(secret: StoredSecret, notice: 'near' | 'expired') {
    if (!this.#unchanged(secret)) return false;
    this.items.set(keyOf(secret), { ...secret, expiryNotice: notice, revision: (secret.revision ?? 0) + 1 });
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

/** Every chain in memory, keyed by secret. */
export class MemoryAuditLog implements AuditLog {
  readonly chains = new Map<string, AuditRecord[]>();
  /** Denials per actor and hour, as the DynamoDB log counts them; the budget as its default. */
  readonly denials = new Map<string, number>();
  denialsPerHour = 100;
  async appendDenial(event: Parameters<AuditLog['append']>[0]) {
    const key = `${event.actor}@${event.at.slice(0, 13)}`;
    const n = (this.denials.get(key) ?? 0) + 1;
    this.denials.set(key, n);
    if (n <= this.denialsPerHour) await this.append(event);
  }
  async append(event: Parameters<AuditLog['append']>[0]) {
    const chain = this.chains.get(keyOf(event.secret)) ?? [];
    chain.push(nextRecord(event, chain.at(-1)));
    this.chains.set(keyOf(event.secret), chain);
  }
  async query(query: Parameters<AuditLog['query']>[0]) {
    const all = query.secret
      ? (this.chains.get(keyOf(query.secret)) ?? [])
      : [...this.chains.values()].flat();
    const matches = all
      .filter((r) => (!query.actor || r.actor === query.actor) && r.at >= query.since && r.at <= query.until)
      .reverse();
    return { count: matches.length, items: matches.slice(query.offset, query.offset + query.limit) };
  }
  of(ref: SecretRef): AuditRecord[] {
    return this.chains.get(keyOf(ref)) ?? [];
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

export function memoryDeps(): VaultDeps & { secrets: MemorySecretStore; audit: MemoryAuditLog } {
  let tick = Date.parse('2026-01-02T03:04:05Z');
  const audit = new MemoryAuditLog();
  return {
    secrets: new MemorySecretStore(audit),
    cipher: bindingCipher,
    audit,

    clock: {
      now: () => {
        tick += 1000;
        return new Date(tick);
      },
    },
  };
}
