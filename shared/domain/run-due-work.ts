import type { Due } from './model.ts';
import type { RotationDeps } from './ports.ts';
import { ROTATION_ACTOR, rotateSecret } from './rotate-secret.ts';

export interface DueWorkReport {
  rotated: number;
  failed: number;
  notices: number;
}

/** Rotations are mostly waiting on KMS, DynamoDB and rotators: ten at a time. */
const CONCURRENCY = 10;

/**
 * The sweeper: everything due by now (scheduled rotations, expiry warnings), a bounded batch per
 * run so one run stays well inside its timeout (100 a minute is 144,000 a day); what is left
 * waits for the next minute.
 */
export async function runDueWork(deps: RotationDeps, limit = 100): Promise<DueWorkReport> {
  const report: DueWorkReport = { rotated: 0, failed: 0, notices: 0 };
  const now = deps.clock.now().getTime();
  // Instants, not strings: an index ordered by ISO text takes `+010000-…` for an early date.
  const queue = (await deps.secrets.due(deps.clock.now(), limit)).filter((due) => Date.parse(due.at) <= now);
  const worker = async () => {
    for (let due = queue.shift(); due !== undefined; due = queue.shift()) await handle(deps, due, report);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return report;
}

async function handle(deps: RotationDeps, due: Due, report: DueWorkReport): Promise<void> {
  if (due.kind === 'rotate') {
    try {
      await rotateSecret(deps, ROTATION_ACTOR, due.secret, 'schedule');
      report.rotated++;
    } catch {
      // Recorded by the rotation itself (state, event, audit, retry time); the sweep goes on.
      report.failed++;
    }
    return;
  }
  const secret = await deps.secrets.get(due.secret);
  if (!secret || secret.deletion) return;
  if (await deps.secrets.markExpiryNotice(secret, due.kind === 'expired' ? 'expired' : 'near'))
    report.notices++;
}
