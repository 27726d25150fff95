import { describe, expect, it } from 'vitest';
import { configureRotation } from '../../shared/domain/configure-rotation.ts';
import { createSecret } from '../../shared/domain/create-secret.ts';
import { getSecret } from '../../shared/domain/get-secret.ts';
import type { RotationDeps } from '../../shared/domain/ports.ts';
import { runDueWork } from '../../shared/domain/run-due-work.ts';
import { nextRun, parseSchedule, validateSchedule } from '../../shared/domain/schedule.ts';
import { caller } from '../support/callers.ts';
import { memoryDeps } from '../support/memory-store.ts';

const next = (schedule: string, after: string) =>
  nextRun(parseSchedule(schedule), new Date(after))?.toISOString();

describe('rotation schedules', () => {
  it('rate() adds its interval', () => {
    expect(next('rate(1 minute)', '2026-01-01T00:00:30Z')).toBe('2026-01-01T00:01:30.000Z');
    expect(next('rate(12 hours)', '2026-01-01T00:00:00Z')).toBe('2026-01-01T12:00:00.000Z');
    expect(next('rate(30 days)', '2026-01-31T00:00:00Z')).toBe('2026-03-02T00:00:00.000Z');
  });

  it('cron() finds the next matching minute, strictly after', () => {
    expect(next('cron(0 3 * * ? *)', '2026-01-01T02:59:59Z')).toBe('2026-01-01T03:00:00.000Z');
    expect(next('cron(0 3 * * ? *)', '2026-01-01T03:00:00Z')).toBe('2026-01-02T03:00:00.000Z');
    expect(next('cron(*/15 * * * ? *)', '2026-01-01T10:07:00Z')).toBe('2026-01-01T10:15:00.000Z');
    expect(next('cron(0 12 ? * MON *)', '2026-01-01T00:00:00Z')).toBe('2026-01-05T12:00:00.000Z');
    expect(next('cron(0 0 1 JAN,JUL ? *)', '2026-02-01T00:00:00Z')).toBe('2026-07-01T00:00:00.000Z');
    expect(next('cron(30 9 29 2 ? *)', '2026-03-01T00:00:00Z')).toBe('2028-02-29T09:30:00.000Z');
    expect(next('cron(0 0 1 1 ? 2025)', '2026-01-01T00:00:00Z')).toBeUndefined();
  });

  it.each([
    'rate(0 minutes)',
    'rate(1 fortnight)',
    'cron(0 3 * * * *)',
    'cron(0 3 * *)',
    'cron(61 3 * * ? *)',
    'every day',
    'cron(0 25 * * ? *)',
  ])('refuses %j', (schedule) => {
    expect(() => parseSchedule(schedule)).toThrow();
  });
});

describe('rotation schedule bounds (4 hours to 1000 days, as Secrets Manager)', () => {
  it.each([
    'rate(4 hours)',
    'rate(240 minutes)',
    'rate(1000 days)',
    'cron(0 3 * * ? *)',
    'cron(0 */4 * * ? *)',
    'cron(30 2,6,10,14,18,22 * * ? *)',
    'cron(0 0 1 * ? *)',
  ])('accepts %j', (schedule) => {
    expect(() => validateSchedule(schedule)).not.toThrow();
  });

  it.each([
    'rate(239 minutes)',
    'rate(3 hours)',
    'rate(1 minute)',
    'rate(1001 days)',
    'rate(50000000 days)',
    'rate(9999999999999 days)',
    'cron(*/15 * * * ? *)',
    'cron(0 * * * ? *)',
    'cron(0,1 3 * * ? *)',
    'cron(0 0,3 * * ? *)',
    'cron(0 1,22 * * ? *)',
  ])('refuses %j as out of bounds', (schedule) => {
    expect(() => validateSchedule(schedule)).toThrow(
      expect.objectContaining({ code: 'VALUE_OUT_OF_BOUNDS' }) as unknown as Error,
    );
  });

  it('a schedule stored before the bounds still parses, but never yields a date it cannot store', () => {
    // An ISO date past year 9999 reads `+010000-…`, which sorts before today in the due-date index.
    expect(nextRun(parseSchedule('rate(50000000 days)'), new Date('2026-01-01T00:00:00Z'))).toBeUndefined();
    expect(
      nextRun(parseSchedule('rate(9999999999999 days)'), new Date('2026-01-01T00:00:00Z')),
    ).toBeUndefined();
    expect(next('rate(1 minute)', '2026-01-01T00:00:00Z')).toBe('2026-01-01T00:01:00.000Z');
  });
});

describe('the sweeper compares instants, not strings', () => {
  const ops = caller('ops', ['vaultAdd', 'vaultManage', 'user'], ['app']);
  const ref = { name: 'db/password' };

  /** A secret with a rotation, and a due-date index that answers with one entry dated `at`. */
  async function dueAt(at: string) {
    const deps = memoryDeps();
    await createSecret(deps, ops, {
      ref,
      data: { password: 'first' },
      readRoles: ['app'],
      writeRoles: ['app'],
    });
    await configureRotation(deps, ops, ref, {
      rotator: {
        type: 'password',
        field: 'password',
        length: 32,
        lowercase: true,
        uppercase: true,
        digits: true,
        symbols: true,
        exclude: '',
      },
      schedule: 'rate(1 day)',
    });
    // As the DynamoDB index returns it: its keys compare as text, and `+138925-…` < `2026-…`.
    deps.secrets.due = async () => [{ secret: ref, kind: 'rotate', at }];
    const rotation: RotationDeps = {
      ...deps,
      rotators: {
        invoke: async () => {
          throw new Error('no rotator Lambda here');
        },
      },
      settings: { stepAttempts: 1, retryAfterFailureSeconds: 300 },
    };
    return { deps, rotation };
  }

  it('an entry dated in year 138925 is not due now, though its text sorts before today', async () => {
    const { deps, rotation } = await dueAt('+138925-06-01T00:00:00.000Z');
    expect(await runDueWork(rotation)).toEqual({ rotated: 0, failed: 0, notices: 0 });
    expect((await getSecret(deps, ops, ref)).version).toBe(1);
  });

  it('an entry dated in the past is rotated', async () => {
    const { rotation } = await dueAt('2026-01-01T00:00:00.000Z');
    expect(await runDueWork(rotation)).toEqual({ rotated: 1, failed: 0, notices: 0 });
  });
});

describe('expiry warnings from the sweeper (the domain due rules, as both stores keep them)', () => {
  const ops = caller('ops', ['vaultAdd', 'vaultManage', 'user'], ['app']);
  const noRotators: RotationDeps['rotators'] = {
    invoke: async () => {
      throw new Error('no rotator here');
    },
  };

  it('warns once a week before expiry, then once at expiry, and never for a deleted secret', async () => {
    const deps = memoryDeps();
    const rotation: RotationDeps = {
      ...deps,
      rotators: noRotators,
      settings: { stepAttempts: 1, retryAfterFailureSeconds: 300 },
    };
    const soon = new Date(deps.clock.now().getTime() + 3 * 86_400_000).toISOString();
    const later = new Date(deps.clock.now().getTime() + 30 * 86_400_000).toISOString();
    for (const [name, expires] of [
      ['soon', soon],
      ['later', later],
    ] as const)
      await createSecret(deps, ops, { ref: { name }, data: {}, readRoles: [], writeRoles: [], expires });
    expect(await runDueWork(rotation)).toEqual({ rotated: 0, failed: 0, notices: 1 });
    expect((await deps.secrets.get({ name: 'soon' }))?.expiryNotice).toBe('near');
    expect((await deps.secrets.get({ name: 'later' }))?.expiryNotice).toBeUndefined();
    expect(await runDueWork(rotation)).toEqual({ rotated: 0, failed: 0, notices: 0 });

    const past = new Date(deps.clock.now().getTime() - 1000).toISOString();
    await createSecret(deps, ops, {
      ref: { name: 'gone' },
      data: {},
      readRoles: [],
      writeRoles: [],
      expires: past,
    });
    await createSecret(deps, ops, {
      ref: { name: 'over' },
      data: {},
      readRoles: [],
      writeRoles: [],
      expires: past,
    });
    await deps.secrets.softDelete(
      (await deps.secrets.get({ name: 'gone' }))!,
      {
        deletedAt: past,
        deletedBy: 'ops',
        purgeAt: later,
      },
      {
        action: 'delete',
        outcome: 'success',
        secret: { name: 'gone' },
        actor: 'ops',
        traceId: 't',
        sourceIp: '-',
        at: past,
      },
    );
    // 'over': both its warning and its expiry are due at once; each is given.
    expect((await runDueWork(rotation)).notices).toBeGreaterThanOrEqual(1);
    expect((await deps.secrets.get({ name: 'over' }))?.expiryNotice).toMatch(/near|expired/);
    expect((await deps.secrets.get({ name: 'gone' }))?.expiryNotice).toBeUndefined();
  });
});
