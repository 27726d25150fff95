import { accessOf } from './access.ts';
import { denied, writeAudit } from './auditing.ts';
import {
  InvalidRequestError,
  PermissionDeniedError,
  RuleViolationError,
  VersionConflictError,
} from './errors.ts';
import { loadVisible, MAX_WRITE_ATTEMPTS } from './guards.ts';
import type { Caller, SecretRef } from './model.ts';
import type { VaultDeps } from './ports.ts';
import { isTrustedRotator, type RotationConfig, type RotatorSpec, type TrustedRotators } from './rotators.ts';
import { nextRun, ScheduleError, validateSchedule } from './schedule.ts';

const NO_ROTATOR_LAMBDAS: TrustedRotators = { arns: new Set(), local: false };

/**
 * Sets (or, with `undefined`, removes) a secret's rotation; the first run is due per the schedule.
 * A rotator Lambda must be one the deployer listed (`trustedRotators`: the function's ROTATOR_ARNS,
 * given by its handler; none given, no Lambda is trusted): whoever may configure a secret must not
 * be able to send its values elsewhere.
 */
export async function configureRotation(
  deps: VaultDeps & { trustedRotators?: TrustedRotators },
  caller: Caller,
  ref: SecretRef,
  settings: { rotator: RotatorSpec; schedule: string } | undefined,
): Promise<RotationConfig | undefined> {
  let next: Date | undefined;
  if (settings && !isTrustedRotator(settings.rotator, deps.trustedRotators ?? NO_ROTATOR_LAMBDAS)) {
    // Refused before anything is read, the same for every secret: the answer tells nothing of it.
    throw new RuleViolationError(
      "rotator.arn must be one of the vault's trusted rotators (the rotatorArns it was deployed with)",
      { property: 'rotator.arn' },
    );
  }
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
