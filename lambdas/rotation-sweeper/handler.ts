/** Every minute (an EventBridge schedule): run what is due. Not an API operation. */

import { runDueWork } from '../../shared/domain/run-due-work.ts';
import { logger, withRequestId } from '../../shared/http/logger.ts';
import { rotationDeps } from '../../shared/rotation/deps.ts';

const deps = rotationDeps();

export const handler = withRequestId(async () => {
  const report = await runDueWork(deps);
  if (report.rotated || report.failed || report.notices) logger.info('due work', { ...report });
  return report;
});
