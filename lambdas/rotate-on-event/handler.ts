/**
 * Rotation on an event (a credential-compromise finding, say): an EventBridge rule whose pattern
 * the deployer sets passes `{ "name": …, "owner_id"?: …, "reason"?: … }` through its input
 * transformer. Not an API operation.
 */

import { ROTATION_ACTOR, rotateSecret } from '../../shared/domain/rotate-secret.ts';
import { logger, withRequestId } from '../../shared/http/logger.ts';
import { rotationDeps } from '../../shared/rotation/deps.ts';

const deps = rotationDeps();

export interface RotateOnEventInput {
  name?: unknown;
  owner_id?: unknown;
  reason?: unknown;
}

export const handler = withRequestId(async (input: RotateOnEventInput) => {
  if (typeof input.name !== 'string' || input.name === '') throw new Error('the rule passed no secret name');
  const ref = { name: input.name, ...(typeof input.owner_id === 'string' && { ownerId: input.owner_id }) };
  const caller = { ...ROTATION_ACTOR, traceId: `event:${String(input.reason ?? 'rule')}`.slice(0, 128) };
  const outcome = await rotateSecret(deps, caller, ref, 'event');
  logger.info('rotated on event', { name: ref.name, version: outcome.version });
  return { name: outcome.name, version: outcome.version };
});
