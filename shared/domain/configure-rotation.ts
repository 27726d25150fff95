import { accessOf } from './access.ts';
import { denied, writeAudit } from './auditing.ts';
import { InvalidRequestError, PermissionDeniedError, VersionConflictError } from './errors.ts';
import { loadVisible, MAX_WRITE_ATTEMPTS } from './guards.ts';
import type { Caller, SecretRef } from './model.ts';
import type { VaultDeps } from './ports.ts';
import type { RotationConfig, RotatorSpec } from './rotators.ts';
import { nextRun, ScheduleError, validateSchedule } from './schedule.ts';

/** Sets (or, with `undefined`, removes) a secret's rotation; the first run is due per the schedule. */
export async function configureRotation(
  deps: VaultDeps,
  caller: Caller,
  ref: SecretRef,
  settings: { rotator: RotatorSpec; schedule: string } | undefined,
): Promise<RotationConfig | undefined> {
  let next: Date | undefined;
  if (settings) {
    try {
      // The domain holds the bounds itself, whoever calls it (the HTTP schema checks them too).
      next = nextRun(validateSchedule(settings.schedule), deps.clock.now());
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      throw InvalidRequestError.fromProblems([
        { code: error.code, message: error.message, property: 'schedule' },
      ]);
    }
  }
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const secret = await loadVisible(deps, caller, ref, 'configure');
    if (!accessOf(caller, secret).write) {
      throw await denied(
        deps,
        caller,
        'configure',
        ref,
        new PermissionDeniedError('A write role is required to configure rotation'),
      );
    }
    const rotation: RotationConfig | undefined = settings && {
      ...secret.rotation,
      rotator: settings.rotator,
      schedule: settings.schedule,
      nextAt: next?.toISOString(),
    };
    const reason = settings ? settings.schedule : 'rotation removed';
    if (
      await deps.secrets.setRotation(
        secret,
        rotation,
        writeAudit(deps, caller, 'configure', ref, undefined, reason),
      )
    )
      return rotation;
  }
  throw new VersionConflictError();
}
