import { describe, expect, it } from 'vitest';
import { writeAudit } from '../../shared/domain/auditing.ts';
import { configureRotation } from '../../shared/domain/configure-rotation.ts';
import { createSecret } from '../../shared/domain/create-secret.ts';
import { DependencyUnavailableError, RotationFailedError } from '../../shared/domain/errors.ts';
import { getSecret } from '../../shared/domain/get-secret.ts';
import type { RotationState } from '../../shared/domain/model.ts';
import type { RotationDeps } from '../../shared/domain/ports.ts';
import { ROTATION_ACTOR, rotateSecret } from '../../shared/domain/rotate-secret.ts';
import { generatePassword, ROTATION_STEPS, type RotationStep } from '../../shared/domain/rotators.ts';
import { runDueWork } from '../../shared/domain/run-due-work.ts';
import { updateSecret } from '../../shared/domain/update-secret.ts';
import { caller } from '../support/callers.ts';
import { memoryDeps } from '../support/memory-store.ts';

const owner = caller('ops', ['vaultAdd', 'vaultManage', 'user'], ['app']);
const reader = caller('app', ['user'], ['app']);
const ref = { name: 'db/password' };

/** A rotator Lambda stand-in: records each call, fails at one step for a while, observes readers. */
function testRotator(deps: ReturnType<typeof memoryDeps>) {
  const calls: Array<{ step: RotationStep; token: string }> = [];
  const seenByReaders: unknown[] = [];
  const plan = { failAt: undefined as RotationStep | undefined, failures: 0 };
  const invoker = {
    async invoke(
      _arn: string,
      step: RotationStep,
      context: { token: string; current: Record<string, unknown> },
    ) {
      calls.push({ step, token: context.token });
      // A reader during every step sees the current value, never an error.
      seenByReaders.push((await getSecret(deps, reader, ref)).data);
      if (plan.failAt === step && plan.failures > 0) {
        plan.failures--;
        throw new Error(`boom with ${JSON.stringify(context.current)}`);
      }
      return step === 'createSecret' ? { ...context.current, password: `next-${calls.length}` } : undefined;
    },
  };
  return { calls, seenByReaders, plan, invoker };
}

async function setup() {
  const deps = memoryDeps();
  const rotator = testRotator(deps);
  const rotation: RotationDeps = {
    ...deps,
    rotators: rotator.invoker,
    settings: { stepAttempts: 2, retryAfterFailureSeconds: 300 },
  };
  await createSecret(deps, owner, {
    ref,
    data: { user: 'app', password: 'first' },
    readRoles: ['app'],
    writeRoles: ['app'],
  });
  // The local runtime's built-in rotators are trusted there; here, as there.
  await configureRotation({ ...deps, trustedRotators: { arns: new Set(), local: true } }, owner, ref, {
    rotator: { type: 'lambda', arn: 'local:test' },
    schedule: 'rate(1 day)',
  });
  return { deps, rotation, rotator };
}

describe('rotation protocol', () => {
  it('runs create, set, test, finish under one token; pending becomes current, current becomes previous', async () => {
    const { deps, rotation, rotator } = await setup();
    const outcome = await rotateSecret(rotation, owner, ref, 'on-demand');
    expect(rotator.calls.map((call) => call.step)).toEqual(ROTATION_STEPS);
    expect(new Set(rotator.calls.map((call) => call.token))).toEqual(new Set([outcome.token]));
    const current = await getSecret(deps, reader, ref);
    expect(current).toMatchObject({ version: 2, data: { user: 'app', password: 'next-1' } });
    expect((await getSecret(deps, reader, ref, { stage: 'previous' })).data).toEqual({
      user: 'app',
      password: 'first',
    });
    await expect(getSecret(deps, reader, ref, { stage: 'pending' })).rejects.toThrow('Secret not found');
    // Readers during create, set and test saw the old value, never an error; finish runs after the promotion.
    expect(rotator.seenByReaders.slice(0, 3)).toEqual(Array(3).fill({ user: 'app', password: 'first' }));
    expect(rotator.seenByReaders[3]).toEqual({ user: 'app', password: 'next-1' });
    expect(current.rotation).toMatchObject({ lastStatus: 'succeeded', schedule: 'rate(1 day)' });
  });

  it('a finish hook failing after the promotion does not undo or deny the rotation: it succeeded, the hook failure is noted', async () => {
    const { deps, rotation, rotator } = await setup();
    rotator.plan.failAt = 'finishSecret';
    rotator.plan.failures = 99;
    const outcome = await rotateSecret(rotation, owner, ref, 'schedule');
    expect(outcome.version).toBe(2);
    const current = await getSecret(deps, reader, ref);
    expect(current).toMatchObject({ version: 2, rotation: { lastStatus: 'succeeded' } });
    expect(current.data?.password).not.toBe('first');
    expect(await deps.secrets.getRotation(ref)).toMatchObject({
      status: 'succeeded',
      error: 'finishSecret failed (Error)',
    });
    const rotations = deps.audit.of(ref).filter((entry) => entry.action === 'rotate');
    expect(rotations.map((entry) => entry.outcome)).toEqual(['success']);
  });

  it.each(ROTATION_STEPS.filter((step) => step !== 'finishSecret'))(
    'a rotator failing at %s leaves the current version readable, records the failure, and a retry completes',
    async (step) => {
      const { deps, rotation, rotator } = await setup();
      rotator.plan.failAt = step;
      rotator.plan.failures = 2;
      const error = await rotateSecret(rotation, owner, ref, 'schedule').catch((caught) => caught);
      expect(error).toBeInstanceOf(RotationFailedError);
      expect(error.message).toContain(step);
      // The failure names the step and the error class, never the value the rotator was handed.
      expect(error.message).not.toContain('first');
      const afterFailure = await getSecret(deps, reader, ref);
      expect(afterFailure).toMatchObject({ version: 1, data: { password: 'first' } });
      const state = await deps.secrets.getRotation(ref);
      expect(state).toMatchObject({ status: 'failed', error: `${step} failed (Error)` });
      expect(afterFailure.rotation).toMatchObject({
        lastStatus: 'failed',
        lastError: `${step} failed (Error)`,
      });
      expect(
        deps.audit
          .of(ref)
          .filter((entry) => entry.action === 'rotate')
          .at(-1),
      ).toMatchObject({ outcome: 'failed' });

      await rotateSecret(rotation, owner, ref, 'schedule');
      const recovered = await getSecret(deps, reader, ref);
      expect(recovered.rotation).toMatchObject({ lastStatus: 'succeeded' });
      expect(recovered.data).toMatchObject({ user: 'app' });
      expect(recovered.data?.password).not.toBe('first');
    },
  );

  it('resumes a crashed rotation at its step with the same token', async () => {
    const { deps, rotation, rotator } = await setup();
    rotator.plan.failAt = 'testSecret';
    rotator.plan.failures = 99;
    // What the store held while testSecret ran: as if the process had died right there.
    let crashed: RotationState | undefined;
    const original = rotator.invoker.invoke;
    rotator.invoker.invoke = async (arn, step, context) => {
      if (step === 'testSecret') crashed ??= await deps.secrets.getRotation(ref);
      return original(arn, step, context);
    };
    await rotateSecret(rotation, owner, ref, 'schedule').catch(() => undefined);
    expect(crashed).toMatchObject({ status: 'running', step: 'testSecret' });
    deps.secrets.rotations.set(JSON.stringify([null, ref.name]), {
      ...crashed!,
      updatedAt: '2000-01-01T00:00:00Z',
    });
    rotator.plan.failures = 0;
    rotator.calls.length = 0;
    const outcome = await rotateSecret(rotation, owner, ref, 'schedule');
    expect(outcome.token).toBe(crashed!.token);
    expect(rotator.calls.map((call) => call.step)).toEqual(['testSecret', 'finishSecret']);
  });

  it('a rotation failing at createSecret keeps no sealed pending value: the next one starts afresh', async () => {
    const { deps, rotation, rotator } = await setup();
    rotator.plan.failAt = 'createSecret';
    rotator.plan.failures = 99;
    await rotateSecret(rotation, owner, ref, 'schedule').catch(() => undefined);
    const failed = await deps.secrets.getRotation(ref);
    expect(failed).toMatchObject({ status: 'failed', step: 'createSecret' });
    expect(failed?.pending).toBeUndefined();
    await expect(getSecret(deps, reader, ref, { stage: 'pending' })).rejects.toThrow('not found');
    rotator.plan.failures = 0;
    expect((await rotateSecret(rotation, owner, ref, 'schedule')).token).not.toBe(failed?.token);
  });

  it('a rotation failing after setSecret keeps its pending value and the next run resumes it: the value the target got is the one promoted', async () => {
    const { deps, rotation, rotator } = await setup();
    const setInTarget: unknown[] = [];
    const original = rotator.invoker.invoke;
    rotator.invoker.invoke = async (arn, step, context) => {
      if (step === 'setSecret')
        setInTarget.push((context as { pending?: { password?: unknown } }).pending?.password);
      return original(arn, step, context);
    };
    rotator.plan.failAt = 'testSecret';
    rotator.plan.failures = 99;
    await expect(rotateSecret(rotation, owner, ref, 'schedule')).rejects.toBeInstanceOf(RotationFailedError);
    const failed = await deps.secrets.getRotation(ref);
    expect(failed).toMatchObject({ status: 'failed', step: 'testSecret' });
    expect(failed?.pending).toBeDefined();

    rotator.plan.failures = 0;
    rotator.calls.length = 0;
    const outcome = await rotateSecret(rotation, owner, ref, 'schedule');
    expect(outcome.token).toBe(failed?.token);
    expect(rotator.calls.map((call) => call.step)).toEqual(['testSecret', 'finishSecret']);
    expect(setInTarget).toHaveLength(1);
    expect((await getSecret(deps, reader, ref)).data?.password).toBe(setInTarget[0]);
  });

  it('a promotion whose answer was lost is a success, not a failure recorded after it', async () => {
    const { deps, rotation } = await setup();
    // The promotion commits but its answer is lost, and the next read fails too (the step's last try).
    const replace = deps.secrets.replace.bind(deps.secrets);
    const get = deps.secrets.get.bind(deps.secrets);
    let lose = true;
    let failReads = 0;
    deps.secrets.replace = async (...args) => {
      const committed = await replace(...args);
      if (lose) {
        lose = false;
        failReads = 1;
        throw new DependencyUnavailableError('DATABASE_ERROR');
      }
      return committed;
    };
    deps.secrets.get = async (...args) => {
      if (failReads-- > 0) throw new DependencyUnavailableError('DATABASE_ERROR');
      return get(...args);
    };
    const outcome = await rotateSecret(rotation, owner, ref, 'schedule');
    expect(outcome.version).toBe(2);
    const current = await getSecret(deps, reader, ref);
    expect(current).toMatchObject({ version: 2, rotation: { lastStatus: 'succeeded' } });
    const outcomes = deps.audit
      .of(ref)
      .filter((entry) => entry.action === 'rotate')
      .map((e) => e.outcome);
    expect(outcomes).toEqual(['success']);
  });

  it('settings removed during a rotation: it still finishes, and nothing more is scheduled', async () => {
    const { deps, rotation, rotator } = await setup();
    const original = rotator.invoker.invoke;
    rotator.invoker.invoke = async (arn, step, context) => {
      if (step === 'testSecret') await configureRotation(deps, owner, ref, undefined);
      return original(arn, step, context);
    };
    await rotateSecret(rotation, owner, ref, 'on-demand');
    const current = await getSecret(deps, reader, ref);
    expect(current.data?.password).not.toBe('first');
    expect(current.rotation).toBeUndefined();
  });

  it('a write during the rotation is not lost: the pending value is promoted after it', async () => {
    const { deps, rotation, rotator } = await setup();
    const original = rotator.invoker.invoke;
    rotator.invoker.invoke = async (arn, step, context) => {
      if (step === 'testSecret') await updateSecret(deps, owner, ref, { description: 'changed meanwhile' });
      return original(arn, step, context);
    };
    const outcome = await rotateSecret(rotation, owner, ref, 'on-demand');
    expect(outcome.version).toBe(3);
    const current = await getSecret(deps, reader, ref);
    expect(current).toMatchObject({
      version: 3,
      description: 'changed meanwhile',
      data: { password: 'next-1' },
    });
  });

  it('a write of the data during the rotation is not lost: the rotated field goes on top of it', async () => {
    const { deps, rotation, rotator } = await setup();
    const original = rotator.invoker.invoke;
    let written: number | undefined;
    rotator.invoker.invoke = async (arn, step, context) => {
      if (step === 'testSecret')
        written = (await updateSecret(deps, owner, ref, { data: { user: 'changed', password: 'x' } }))
          .version;
      return original(arn, step, context);
    };
    const outcome = await rotateSecret(rotation, owner, ref, 'on-demand');
    expect(written).toBe(2);
    expect(outcome.version).toBe(3);
    // The write's own fields stay; the rotated one (the target system already has it) goes on top.
    expect(await getSecret(deps, reader, ref)).toMatchObject({
      version: 3,
      data: { user: 'changed', password: 'next-1' },
    });
    // The write is in the history, right below the promotion, as it was acknowledged.
    expect((await getSecret(deps, reader, ref, { version: 2 })).data).toEqual({
      user: 'changed',
      password: 'x',
    });
    expect((await getSecret(deps, reader, ref, { stage: 'previous' })).data).toEqual({
      user: 'changed',
      password: 'x',
    });
    expect((await getSecret(deps, reader, ref, { version: 1 })).data).toEqual({
      user: 'app',
      password: 'first',
    });
  });

  it('the sweeper rotates what is due and leaves the rest', async () => {
    const { deps, rotation } = await setup();
    expect(await runDueWork(rotation)).toEqual({ rotated: 0, failed: 0, notices: 0 });
    const secret = (await deps.secrets.get(ref))!;
    const overdue = { ...secret.rotation!, nextAt: '2000-01-01T00:00:00Z' };
    await deps.secrets.setRotation(secret, overdue, writeAudit(deps, ROTATION_ACTOR, 'configure', ref));
    expect(await runDueWork(rotation)).toEqual({ rotated: 1, failed: 0, notices: 0 });
    const rotated = (await deps.secrets.get(ref))!;
    expect(Date.parse(rotated.rotation!.nextAt!)).toBeGreaterThan(
      Date.parse(rotated.rotation!.lastRotatedAt!),
    );
    expect(rotated.updatedBy).toBe(ROTATION_ACTOR.userId);
  });
});

describe('built-in generators', () => {
  it('make passwords of the asked length with every enabled class and none excluded', () => {
    for (let i = 0; i < 50; i++) {
      const password = generatePassword({
        type: 'password',
        field: 'p',
        length: 16,
        lowercase: true,
        uppercase: true,
        digits: true,
        symbols: false,
        exclude: 'lO0',
      });
      expect(password).toHaveLength(16);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[0-9]/);
      expect(password).not.toMatch(/[^A-Za-z0-9]|[lO0]/);
    }
  });
});
