/**
 * How a secret is laid out in items: its head (metadata and current sealed data), its listing
 * entries (metadata only) and its versions, to and from DynamoDB items.
 */
import type { Deletion, SecretMetadata, SecretVersion, StoredSecret } from '../domain/model.ts';
import type { Item } from './dynamo-support.ts';
import { headKey } from './keys.ts';

export function toMetadata(secret: SecretMetadata): Item {
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

export function toHead(secret: StoredSecret): Item {
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
    createCheck: secret.createCheck,
    firstVersion: secret.firstVersion,
  };
}

export function fromEntry(item: Item): SecretMetadata {
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

export function fromHead(item: Item): StoredSecret {
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
    ...(typeof item.createCheck === 'string' && { createCheck: item.createCheck }),
    ...(typeof item.firstVersion === 'number' && { firstVersion: item.firstVersion }),
    revision: typeof item.revision === 'number' ? item.revision : 0,
  };
}

export function fromVersion(item: Item): SecretVersion {
  return {
    version: item.version as number,
    sealedVersion: item.sealedVersion as number,
    sealed: item.sealed as Uint8Array,
    created: item.created as string,
    author: item.author as string,
  };
}
