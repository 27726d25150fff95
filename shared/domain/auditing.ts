import type { AuditAction, AuditOutcome } from './audit.ts';
import type { VaultError } from './errors.ts';
import type { Caller, SecretRef } from './model.ts';
import type { VaultDeps } from './ports.ts';

/** Appends one event to the secret's chain, stamped with who, from where and when. */
export function recordAudit(
  deps: Pick<VaultDeps, 'audit' | 'clock'>,
  caller: Caller,
  event: { action: AuditAction; outcome: AuditOutcome; secret: SecretRef; version?: number; reason?: string },
): Promise<void> {
  return deps.audit.append({
    ...event,
    secret: {
      name: event.secret.name,
      ...(event.secret.ownerId !== undefined && { ownerId: event.secret.ownerId }),
    },
    actor: caller.userId || 'anonymous',
    traceId: caller.traceId ?? 'unknown',
    sourceIp: caller.sourceIp ?? 'unknown',
    at: deps.clock.now().toISOString(),
  });
}

/** Records a refused attempt, then hands back the error to throw: a denial is never silent. */
export async function denied<E extends VaultError>(
  deps: Pick<VaultDeps, 'audit' | 'clock'>,
  caller: Caller,
  action: AuditAction,
  secret: SecretRef,
  error: E,
): Promise<E> {
  await recordAudit(deps, caller, { action, outcome: 'denied', secret, reason: error.message });
  return error;
}
