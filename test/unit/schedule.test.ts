import { describe, expect, it } from 'vitest';
import { nextRun, parseSchedule } from '../../shared/domain/schedule.ts';

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
