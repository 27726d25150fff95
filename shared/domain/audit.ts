/**
 * The audit trail's vocabulary and its hash chains. Each secret's trail is a few chains (lanes):
 * entry n of a lane carries the hash of entry n-1 of that lane, so removing, reordering or editing
 * an entry breaks every hash after it in its lane. Lanes let appenders on one hot secret run side
 * by side instead of queueing on one chain. Pure: the store appends, anyone holding the entries
 * can verify.
 */
import { createHash } from 'node:crypto';
import type { SecretRef } from './model.ts';

export const AUDIT_ACTIONS = [
  'read',
  'create',
  'update',
  'delete',
  'purge',
  'restore',
  'access',
  'rotate',
  'configure',
  // An IAM login (token exchange), granted or refused: its trail is iam-login.ts's LOGIN_TRAIL.
  'login',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export type AuditOutcome = 'success' | 'denied' | 'failed';

/** What happened, as the domain reports it. Never any secret value. */
export interface AuditEvent {
  action: AuditAction;
  outcome: AuditOutcome;
  secret: SecretRef;
  actor: string;
  version?: number | undefined;
  reason?: string | undefined;
  traceId: string;
  sourceIp: string;
  at: string;
}

export interface AuditRecord extends AuditEvent {
  /** Which of the secret's chains the record is in. */
  lane: number;
  /** Its place in that lane, from 1. */
  seq: number;
  prevHash: string;
  hash: string;
}

/** The chain's start: the hash an entry 1 points back to. */
export const GENESIS = '0'.repeat(64);

/** Every field, in a fixed order, absent ones as null: the same record always hashes the same. */
export function recordHash(record: Omit<AuditRecord, 'hash'>): string {
  const canonical = JSON.stringify([
    record.lane,
    record.seq,
    record.prevHash,
    record.at,
    record.action,
    record.outcome,
    record.secret.name,
    record.secret.ownerId ?? null,
    record.actor,
    record.version ?? null,
    record.reason ?? null,
    record.traceId,
    record.sourceIp,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** The record that follows `previous` (the last of its lane, if any) in `lane`. */
export const nextRecord = (
  event: AuditEvent,
  previous: Pick<AuditRecord, 'seq' | 'hash'> | undefined,
  lane = 0,
): AuditRecord => {
  const unsealed = { ...event, lane, seq: (previous?.seq ?? 0) + 1, prevHash: previous?.hash ?? GENESIS };
  return { ...unsealed, hash: recordHash(unsealed) };
};

export type ChainVerdict =
  | { ok: true; entries: number; firstSeq: number | undefined }
  | { ok: false; entries: number; brokenAt: number; problem: string };

/**
 * Checks a chain given oldest first. Retention may have expired a prefix: the first entry present
 * then cannot be checked against its predecessor, but everything after it can.
 */
export function verifyChain(records: readonly AuditRecord[]): ChainVerdict {
  let previous: AuditRecord | undefined;
  for (const record of records) {
    if (recordHash(record) !== record.hash) {
      return {
        ok: false,
        entries: records.length,
        brokenAt: record.seq,
        problem: 'entry does not match its hash',
      };
    }
    if (previous === undefined && record.seq === 1 && record.prevHash !== GENESIS) {
      return {
        ok: false,
        entries: records.length,
        brokenAt: record.seq,
        problem: 'first entry does not start the chain',
      };
    }
    if (previous !== undefined && (record.seq !== previous.seq + 1 || record.prevHash !== previous.hash)) {
      return {
        ok: false,
        entries: records.length,
        brokenAt: record.seq,
        problem: 'entry does not follow the one before it',
      };
    }
    previous = record;
  }
  return { ok: true, entries: records.length, firstSeq: records[0]?.seq };
}

/** Checks every lane of a secret's trail, records in any order; the first broken lane decides. */
export function verifyTrail(records: readonly AuditRecord[]): ChainVerdict & { lanes: number } {
  const lanes = new Map<number, AuditRecord[]>();
  for (const record of records) lanes.set(record.lane, [...(lanes.get(record.lane) ?? []), record]);
  for (const [lane, chain] of [...lanes].sort(([a], [b]) => a - b)) {
    const verdict = verifyChain(chain.sort((a, b) => a.seq - b.seq));
    if (!verdict.ok)
      return {
        ...verdict,
        problem: `lane ${lane}: ${verdict.problem}`,
        entries: records.length,
        lanes: lanes.size,
      };
  }
  return { ok: true, entries: records.length, firstSeq: undefined, lanes: lanes.size };
}

export interface AuditQuery {
  secret?: SecretRef | undefined;
  actor?: string | undefined;
  since: string;
  until: string;
  offset: number;
  limit: number;
}
