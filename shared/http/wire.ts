/** Domain results in PrivX's wire format (snake_case, role handles, RFC 3339 timestamps). */
import type { AuditRecord } from '../domain/audit.ts';
import type { VaultError } from '../domain/errors.ts';
import type {
  Page,
  RotationState,
  SecretMetadata,
  SecretRef,
  SecretView,
  VersionInfo,
} from '../domain/model.ts';
import { roleNameOf } from '../domain/role-names.ts';
import type { RotationConfig } from '../domain/rotators.ts';
import { API_BASE } from '../operations.ts';
import { Reply } from './respond.ts';

/** PrivX role handles: the name kept for the role (else its id); the vault never marks one deleted. */
const roles = (secret: SecretMetadata, ids: readonly string[]) =>
  ids.map((id) => ({ id, name: roleNameOf(secret, id), deleted: false }));

/** Where the secret lives in this API: the path a client GETs it from. */
export function secretPath(ref: SecretRef): string {
  const name = encodeURIComponent(ref.name);
  return ref.ownerId === undefined
    ? `${API_BASE}/secrets/${name}`
    : `${API_BASE}/user/${encodeURIComponent(ref.ownerId)}/secrets/${name}`;
}

export function secretJson(secret: SecretView | SecretMetadata) {
  return {
    name: secret.name,
    ...('data' in secret && secret.data !== undefined && { data: secret.data }),
    read_roles: roles(secret, secret.readRoles),
    write_roles: roles(secret, secret.writeRoles),
    ...(secret.ownerId !== undefined && { owner_id: secret.ownerId }),
    author: secret.author,
    updated_by: secret.updatedBy,
    path: secretPath(secret),
    created: secret.created,
    updated: secret.updated,
    version: secret.version,
    ...(secret.description !== undefined && { description: secret.description }),
    ...(secret.tags.length > 0 && { tags: secret.tags }),
    ...(secret.expires !== undefined && { expires: secret.expires }),
    ...(secret.rotation !== undefined && { rotation: rotationJson(secret.rotation) }),
  };
}

/** A strong ETag: the version, which changes on every write. */
export const etagOf = (version: number) => `"${version}"`;

/** A secret (or its metadata) with its version as the ETag. */
export const secretReply = (secret: SecretView | SecretMetadata) =>
  new Reply(secretJson(secret), { ETag: etagOf(secret.version) });

export const versionsJson = (page: Page<VersionInfo>) => ({
  count: page.count,
  items: page.items.map((item) => ({
    version: item.version,
    created: item.created,
    author: item.author,
    data_version: item.sealedVersion,
  })),
});

export const pageJson = (page: Page<SecretMetadata>) => ({
  count: page.count,
  items: page.items.map(secretJson),
});

/**
 * 201 with the new secret's name, a Location and its ETag (the operation table holds the status).
 * The Location is a relative reference (RFC 9110 §10.2.2), resolved against the URL the client
 * POSTed to (`…/secrets` or `…/user/{id}/secrets`): so it is right whatever stands before
 * `/vault/api/v1` (a REST API's stage, a custom domain's base path, none), which this function
 * cannot know.
 */
export const createdReply = (result: SecretRef & { version: number }) =>
  new Reply(
    { name: result.name },
    { Location: `secrets/${encodeURIComponent(result.name)}`, ETag: etagOf(result.version) },
  );

/** The small JSON body PUT, DELETE and restore answer with (the PrivX clients only need valid JSON). */
export const writtenReply = (result: SecretRef & { version?: number; purgeAt?: string }) =>
  new Reply(
    {
      name: result.name,
      ...(result.version !== undefined && { version: result.version }),
      ...(result.purgeAt !== undefined && { purge_at: result.purgeAt }),
    },
    result.version === undefined ? {} : { ETag: etagOf(result.version) },
  );

export const auditJson = (page: Page<AuditRecord>) => ({
  count: page.count,
  items: page.items.map((record) => ({
    lane: record.lane,
    seq: record.seq,
    at: record.at,
    action: record.action,
    outcome: record.outcome,
    secret: record.secret.name,
    ...(record.secret.ownerId !== undefined && { owner_id: record.secret.ownerId }),
    actor: record.actor,
    ...(record.version !== undefined && { version: record.version }),
    ...(record.reason !== undefined && { reason: record.reason }),
    trace_id: record.traceId,
    source_ip: record.sourceIp,
    prev_hash: record.prevHash,
    hash: record.hash,
  })),
});

export const batchJson = (result: {
  items: SecretView[];
  errors: Array<{ ref: SecretRef; error: VaultError }>;
}) => ({
  items: result.items.map(secretJson),
  errors: result.errors.map(({ ref, error }) => ({
    name: ref.name,
    error_code: error.code,
    error_message: error.message,
  })),
});

/** Rotation settings as clients see them (the rotator's parameters hold nothing secret). */
export function rotationJson(rotation: RotationConfig | undefined) {
  if (!rotation) return undefined;
  return {
    schedule: rotation.schedule,
    rotator: rotation.rotator,
    ...(rotation.nextAt !== undefined && { next_rotation: rotation.nextAt }),
    ...(rotation.lastRotatedAt !== undefined && { last_rotated: rotation.lastRotatedAt }),
    ...(rotation.lastStatus !== undefined && { last_status: rotation.lastStatus }),
    ...(rotation.lastError !== undefined && { last_error: rotation.lastError }),
  };
}

export const rotationReply = (
  ref: SecretRef,
  rotation: RotationConfig | undefined,
  running?: RotationState,
) => ({
  name: ref.name,
  ...(rotation && { rotation: rotationJson(rotation) }),
  ...(running?.status === 'running' && {
    in_progress: { step: running.step, started: running.startedAt, trigger: running.trigger },
  }),
});
