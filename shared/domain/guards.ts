import { accessOf, mayActForOwner } from './access.ts';
import type { AuditAction } from './audit.ts';
import { denied } from './auditing.ts';
import { PermissionDeniedError, PreconditionFailedError, SecretNotFoundError } from './errors.ts';
import type { Caller, RotationState, SecretData, SecretRef, StoredSecret } from './model.ts';
import type { VaultDeps } from './ports.ts';

/** Personal secrets under another user's id are off limits unless the caller manages the vault. */
export async function assertMayActFor(
  deps: VaultDeps,
  caller: Caller,
  ref: SecretRef,
  action: AuditAction,
): Promise<void> {
  if (ref.ownerId !== undefined && !mayActForOwner(caller, ref.ownerId)) {
    throw await denied(
      deps,
      caller,
      action,
      ref,
      new PermissionDeniedError("Only the owner or a vault manager may use another user's personal secrets"),
    );
  }
}

/**
 * The 404 for a name the caller may not see or that does not exist: both are recorded as the
 * same denied attempt, so they take the same work and time, and a probe leaves a trace.
 */
export const notFound = (deps: VaultDeps, caller: Caller, action: AuditAction, ref: SecretRef) =>
  denied(deps, caller, action, ref, new SecretNotFoundError());

/**
 * Loads a live secret the caller may see. Missing, soft-deleted and hidden secrets all give the
 * same 404, recorded the same way, so existence leaks neither by answer nor by time.
 */
export async function loadVisible(
  deps: VaultDeps,
  caller: Caller,
  ref: SecretRef,
  action: AuditAction,
): Promise<StoredSecret> {
  await assertMayActFor(deps, caller, ref, action);
  const secret = await deps.secrets.get(ref);
  if (secret === undefined || secret.deletion !== undefined || !accessOf(caller, secret).see)
    throw await notFound(deps, caller, action, ref);
  return secret;
}

/** `If-Match` semantics: the caller's copy must be the current version. */
export function assertVersion(secret: StoredSecret, expected: number | undefined): void {
  if (expected !== undefined && secret.version !== expected) {
    throw new PreconditionFailedError(
      `The secret is at version ${secret.version}, not ${expected}; read it again`,
    );
  }
}

export const encodeData = (data: SecretData): Uint8Array => new TextEncoder().encode(JSON.stringify(data));

export const decodeData = (bytes: Uint8Array): SecretData =>
  JSON.parse(new TextDecoder().decode(bytes)) as SecretData;

/**
 * Bounded retries for optimistic writes: each round one writer wins, so this many concurrent
 * writers on one secret all get through; beyond it, a 409 rather than a livelock.
 */
export const MAX_WRITE_ATTEMPTS = 50;

/** The rotation state of this incarnation of the secret: one left by an earlier secret of the same name is none. */
export async function rotationOf(deps: VaultDeps, secret: StoredSecret): Promise<RotationState | undefined> {
  const state = await deps.secrets.getRotation(secret);
  return state?.incarnation === secret.created ? state : undefined;
}
