import type { Due, StoredSecret } from './model.ts';

/**
 * What a live secret has coming (a rotation, the warning before it expires, its expiry), each
 * until it is given; a deleted one has nothing. Every store keeps these as its due work.
 */
export function duesOf(secret: StoredSecret | undefined, warningMs: number): Due[] {
  if (!secret || secret.deletion) return [];
  const ref = { name: secret.name, ...(secret.ownerId !== undefined && { ownerId: secret.ownerId }) };
  const dues: Due[] = [];
  if (secret.rotation?.nextAt) dues.push({ secret: ref, kind: 'rotate', at: secret.rotation.nextAt });
  if (secret.expires !== undefined) {
    const expires = Date.parse(secret.expires);
    if (secret.expiryNotice === undefined)
      dues.push({ secret: ref, kind: 'near-expiry', at: new Date(expires - warningMs).toISOString() });
    if (secret.expiryNotice !== 'expired')
      dues.push({ secret: ref, kind: 'expired', at: new Date(expires).toISOString() });
  }
  return dues;
}
