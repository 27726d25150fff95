/**
 * The rotation protocol, as AWS Secrets Manager's: create a pending value, set it in the target
 * system, test it, then finish by promoting pending to current (the old current stays readable as
 * `previous`). Every step is idempotent under the rotation's token, retried with backoff, and a
 * failure leaves the current version untouched and readable.
 */
import { randomUUID } from 'node:crypto';
import { accessOf } from './access.ts';
import { auditEvent, denied, recordAudit, writeAudit } from './auditing.ts';
import {
  PermissionDeniedError,
  RotationFailedError,
  RuleViolationError,
  VersionConflictError,
} from './errors.ts';
import { decodeData, encodeData, loadVisible, rotationOf } from './guards.ts';
import type { Caller, RotationState, SecretData, SecretRef, StoredSecret } from './model.ts';
import type { RotationDeps } from './ports.ts';
import {
  generatorRotator,
  ROTATION_STEPS,
  type RotationStep,
  type Rotator,
  type RotatorSpec,
} from './rotators.ts';
import { nextRun, parseSchedule } from './schedule.ts';

/** The scheduler and event triggers act as this caller: it manages, it never reads through the API. */
export const ROTATION_ACTOR: Caller = {
  userId: 'rotation',
  scopes: new Set(['vaultManage']),
  roles: new Set(),
};

/** A rotation that stopped moving this long ago (a crashed run) may be taken over. */
const STALE_AFTER_MS = 15 * 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function rotatorFor(spec: RotatorSpec, deps: RotationDeps): Rotator {
  if (spec.type !== 'lambda') return generatorRotator(spec);
  return { run: (step, context) => deps.rotators.invoke(spec.arn, step, context) };
}

export interface RotationOutcome extends SecretRef {
  version: number;
  token: string;
}

export async function rotateSecret(
  deps: RotationDeps,
  caller: Caller,
  ref: SecretRef,
  trigger: RotationState['trigger'],
): Promise<RotationOutcome> {
  const secret = await loadVisible(deps, caller, ref, 'rotate');
  if (!accessOf(caller, secret).write) {
    throw await denied(
      deps,
      caller,
      'rotate',
      ref,
      new PermissionDeniedError('A write role is required to rotate this secret'),
    );
  }
  if (!secret.rotation)
    throw new RuleViolationError('The secret has no rotation configured: PUT /rotation/secrets/{name} first');
  const rotator = rotatorFor(secret.rotation.rotator, deps);
  let state = await begin(deps, caller, secret, trigger);
  const seal = (data: SecretData, version: number) => deps.cipher.seal(encodeData(data), { ...ref, version });
  const open = async (sealed: Uint8Array, version: number) =>
    decodeData(await deps.cipher.open(sealed, { ...ref, version }));
  const current = await open(secret.sealed, secret.sealedVersion);
  let promoted = false;

  for (const step of ROTATION_STEPS.slice(ROTATION_STEPS.indexOf(state.step))) {
    const token = state.token;
    for (let attempt = 1; ; attempt++) {
      try {
        const pending = state.pending && (await open(state.pending.sealed, state.pending.sealedVersion));
        const context = { secret: ref, token, current, pending };
        let next: RotationState;
        if (step === 'createSecret') {
          const created = await rotator.run(step, context);
          if (!created || typeof created !== 'object' || Array.isArray(created))
            throw new Error('the rotator returned no value');
          const version = state.basedOn + 1;
          next = {
            ...state,
            step: 'setSecret',
            pending: { sealed: await seal(created, version), sealedVersion: version },
            rotatedFields: fieldsChanged(current, created as SecretData),
          };
        } else if (step === 'finishSecret') {
          if (!promoted) state = await promote(deps, caller, ref, state, seal, open);
          promoted = true;
          await rotator.run(step, context);
          next = { ...state, status: 'succeeded', pending: undefined };
        } else {
          await rotator.run(step, context);
          next = { ...state, step: step === 'setSecret' ? 'testSecret' : 'finishSecret' };
        }
        state = await save(deps, ref, { ...next, updatedAt: deps.clock.now().toISOString() }, token);
        break;
      } catch (error) {
        const lastTry = error instanceof VersionConflictError || attempt >= deps.settings.stepAttempts;
        if (!lastTry) {
          await sleep(100 * 2 ** attempt * (0.5 + Math.random()));
          continue;
        }
        // Once promoted (and audited, in the same transaction), the rotation has happened: a failing
        // finish hook or bookkeeping write cannot undo it, so it is not reported as a failure. The
        // committed head decides, not this run's memory: a promotion whose answer was lost counts.
        // A state left running is resumed later, sees the promotion done and only tidies up.
        if (promoted || (step === 'finishSecret' && (await promotedBy(deps, ref, state.token)))) {
          const done = {
            ...state,
            status: 'succeeded' as const,
            pending: undefined,
            error: failure(step, error),
          };
          await deps.secrets.saveRotation(ref, done, state.token).catch(() => false);
          break;
        }
        if (error instanceof VersionConflictError) throw error;
        throw await fail(deps, caller, ref, state, step, error);
      }
    }
  }
  return { ...ref, version: state.basedOn + 1, token: state.token };
}

/** Whether the head records this rotation's promotion (read afresh: an answer may have been lost). */
const promotedBy = async (deps: RotationDeps, ref: SecretRef, token: string): Promise<boolean> =>
  (await deps.secrets.get(ref))?.rotation?.lastToken === token;

/** Top-level fields whose value differs between the two, or that only one of them has. */
export function fieldsChanged(before: SecretData, after: SecretData): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter(
    (key) =>
      !(key in before) || !(key in after) || JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
}

/**
 * The rotator's change applied on top of a write made during the rotation: its fields from the
 * pending value (the target system already has them), everything else from the newer write.
 * Without the list of rotated fields (a state saved before it was kept), the pending value wins.
 */
export function onTopOf(
  newer: SecretData,
  pending: SecretData,
  rotated: readonly string[] | undefined,
): SecretData {
  if (rotated === undefined) return pending;
  const merged: SecretData = { ...newer };
  for (const field of rotated) {
    if (Object.hasOwn(pending, field)) merged[field] = pending[field];
    else delete merged[field];
  }
  return merged;
}

/**
 * Starts a rotation, resumes our own crashed one or a failed one whose pending value may already be
 * in the target system (it failed at or after setSecret), or refuses while another runs.
 */
async function begin(
  deps: RotationDeps,
  caller: Caller,
  secret: StoredSecret,
  trigger: RotationState['trigger'],
) {
  const ref = { name: secret.name, ownerId: secret.ownerId };
  const existing = await rotationOf(deps, secret);
  const now = deps.clock.now();
  if (existing?.status === 'running') {
    if (now.getTime() - Date.parse(existing.updatedAt) < STALE_AFTER_MS) {
      throw new VersionConflictError('A rotation of this secret is already running');
    }
    return existing;
  }
  if (existing?.status === 'failed' && existing.pending) {
    // Same token, same pending value, from the step that failed: the target may already hold it.
    const resumed: RotationState = {
      ...existing,
      status: 'running',
      error: undefined,
      updatedAt: now.toISOString(),
    };
    if (!(await deps.secrets.saveRotation(ref, resumed, undefined)))
      throw new VersionConflictError('A rotation of this secret is already running');
    return resumed;
  }
  const state: RotationState = {
    token: randomUUID(),
    status: 'running',
    step: 'createSecret',
    basedOn: secret.version,
    incarnation: secret.created,
    trigger,
    actor: caller.userId,
    traceId: caller.traceId,
    startedAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  if (!(await deps.secrets.saveRotation(ref, state, undefined)))
    throw new VersionConflictError('A rotation of this secret is already running');
  return state;
}

async function save(
  deps: RotationDeps,
  ref: SecretRef,
  state: RotationState,
  token: string,
): Promise<RotationState> {
  if (!(await deps.secrets.saveRotation(ref, state, token)))
    throw new VersionConflictError('The rotation was taken over');
  return state;
}

/**
 * Makes pending current, on condition that the head is still the one it was built on. If someone
 * wrote the secret since the rotation began, their write is not lost: the rotated fields go on top
 * of it (the target system already has them: they must stay), sealed for the version after theirs.
 * The promotion and its audit entry commit together.
 */
async function promote(
  deps: RotationDeps,
  caller: Caller,
  ref: SecretRef,
  state: RotationState,
  seal: (data: SecretData, version: number) => Promise<Uint8Array>,
  open: (sealed: Uint8Array, version: number) => Promise<SecretData>,
): Promise<RotationState> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const head = await deps.secrets.get(ref);
    if (!head || head.deletion) throw new RuleViolationError('The secret was deleted during its rotation');
    if (head.rotation?.lastToken === state.token) return state;
    let current = state;
    if (!state.pending) throw new RuleViolationError('The rotation has no pending value to promote');
    if (head.created !== state.incarnation)
      throw new RuleViolationError('The secret was re-created during its rotation');
    if (head.version !== state.basedOn) {
      const pending = await open(state.pending.sealed, state.pending.sealedVersion);
      const newer = await open(head.sealed, head.sealedVersion);
      const value = onTopOf(newer, pending, state.rotatedFields);
      const version = head.version + 1;
      current = {
        ...state,
        basedOn: head.version,
        pending: { sealed: await seal(value, version), sealedVersion: version },
      };
      current = await save(deps, ref, { ...current, updatedAt: deps.clock.now().toISOString() }, state.token);
    }
    const now = deps.clock.now();
    // Settings removed during the rotation: it still finishes (the target has the new value), and
    // nothing more is scheduled.
    const config = head.rotation;
    const next: StoredSecret = {
      ...head,
      version: head.version + 1,
      sealed: current.pending!.sealed,
      sealedVersion: current.pending!.sealedVersion,
      previousVersion: head.version,
      updatedBy: caller.userId,
      updated: now.toISOString(),
      lastTraceId: caller.traceId,
      rotation: config && {
        ...config,
        lastRotatedAt: now.toISOString(),
        lastStatus: 'succeeded',
        lastError: undefined,
        lastToken: state.token,
        nextAt: nextRun(parseSchedule(config.schedule), now)?.toISOString(),
      },
    };
    const audit = writeAudit(deps, caller, 'rotate', ref, next.version);
    if (await deps.secrets.replace(head, next, audit)) return current;
    state = current;
  }
  throw new VersionConflictError('The secret kept changing during its rotation');
}

/**
 * What a failed step is recorded as: the step and the error's class name only, never its message
 * (a rotator's message may quote the credentials it was handed), and a class name only if it looks
 * like one (a rotator names its own errors).
 */
function failure(step: RotationStep, cause: unknown): string {
  const name =
    cause instanceof Error && /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(cause.name) ? cause.name : 'Error';
  return `${step} failed (${name})`;
}

/** Records the failure (state, schedule bookkeeping, audit) and returns the error to throw. */
async function fail(
  deps: RotationDeps,
  caller: Caller,
  ref: SecretRef,
  state: RotationState,
  step: RotationStep,
  cause: unknown,
): Promise<RotationFailedError> {
  const reason = failure(step, cause);
  const now = deps.clock.now();
  // From setSecret on, the target system may already hold the pending value: it stays (sealed, bound
  // to this incarnation, gone with the secret) and the next run resumes this rotation with it. A
  // failure at createSecret set nothing anywhere: its pending value, if any, goes.
  const pending = step === 'createSecret' ? undefined : state.pending;
  await deps.secrets.saveRotation(
    ref,
    { ...state, status: 'failed', step, error: reason, pending, updatedAt: now.toISOString() },
    state.token,
  );
  const failed = { action: 'rotate', outcome: 'failed', secret: ref, reason } as const;
  const head = await deps.secrets.get(ref);
  const recorded =
    head?.rotation !== undefined &&
    (await deps.secrets.setRotation(
      head,
      {
        ...head.rotation,
        lastStatus: 'failed',
        lastError: reason,
        nextAt: new Date(now.getTime() + deps.settings.retryAfterFailureSeconds * 1000).toISOString(),
      },
      auditEvent(deps, caller, failed),
    ));
  if (!recorded) await recordAudit(deps, caller, failed);
  return new RotationFailedError(`Rotation failed: ${reason}; the current version is unchanged`, { cause });
}
