import type { AuditAction, AuditEvent, AuditOutcome } from './audit.ts';
import type { VaultError } from './errors.ts';
import type { Caller, SecretRef } from './model.ts';
import type { VaultDeps } from './ports.ts';

export interface AuditFact {
  action: AuditAction;
  outcome: AuditOutcome;
  secret: SecretRef;
  version?: number;
  reason?: string;
}

/** One event of the trail, stamped with who, from where and when. */
export function auditEvent(deps: Pick<VaultDeps, 'clock'>, caller: Caller, fact: AuditFact): AuditEvent {
  return {
    ...fact,
    secret: {
      name: fact.secret.name,
      ...(fact.secret.ownerId !== undefined && { ownerId: fact.secret.ownerId }),
    },
    actor: caller.userId || 'anonymous',
    traceId: caller.traceId ?? 'unknown',
    sourceIp: caller.sourceIp ?? 'unknown',
    at: deps.clock.now().toISOString(),
  };
}

/**
 * Appends an event that is not a write (a read, a denial) to the secret's chain. Writes never come
 * here: their event goes into the store's write, so the two commit together.
 */
export function recordAudit(
  deps: Pick<VaultDeps, 'audit' | 'clock'>,
  caller: Caller,
  fact: AuditFact,
): Promise<void> {
  return deps.audit.append(auditEvent(deps, caller, fact));
}

/** The audit event of a successful write by `caller`, to hand to the store with the write. */
export const writeAudit = (
  deps: Pick<VaultDeps, 'clock'>,
  caller: Caller,
  action: AuditAction,
  secret: SecretRef,
  version?: number,
  reason?: string,
): AuditEvent =>
  auditEvent(deps, caller, {
    action,
    outcome: 'success',
    secret,
    ...(version !== undefined && { version }),
    ...(reason !== undefined && { reason }),
  });

/**
 * Records a refused attempt (within the caller's denial budget), then hands back the error to
 * throw: a denial is never silent.
 */
export async function denied<E extends VaultError>(
  deps: Pick<VaultDeps, 'audit' | 'clock'>,
  caller: Caller,
  action: AuditAction,
  secret: SecretRef,
  error: E,
): Promise<E> {
  await deps.audit.appendDenial(
    auditEvent(deps, caller, { action, outcome: 'denied', secret, reason: error.message }),
  );
  return error;
}
