/**
 * Every 15 minutes (an EventBridge schedule) and on demand (invoke it): the audit trail's next
 * signed digest. Not an API operation. Two seals racing for one number: the loser fails and the
 * next run goes on from the winner's digest.
 */
import { type SealDeps, sealTrail } from '../../shared/audit/seal.ts';
import { logger, withRequestId } from '../../shared/http/logger.ts';
import { createSealDeps, loadSealConfig } from './deps.ts';

/**
 * Built on the first invocation rather than at import: an import that fails (configuration
 * missing) would also fail tools that only bundle and import every handler. A scheduled
 * function's first invocation is its cold start anyway.
 */
let deps: Promise<SealDeps> | undefined;

export async function sealAudit(ready: SealDeps) {
  const { digest, anomalies } = await sealTrail(ready);
  // A lane whose head went back or changed under a sealed count: someone rewrote the trail.
  if (anomalies.length > 0) logger.error('audit trail contradicts its digests', { anomalies });
  const summary = { seq: digest.seq, at: digest.at, lanes: digest.lanes.length, anomalies: anomalies.length };
  logger.info('audit digest', summary);
  return summary;
}

export const handler = withRequestId(async () => {
  deps ??= createSealDeps(loadSealConfig());
  return sealAudit(await deps);
});
