/**
 * Rotation schedules in EventBridge's syntax, so they read the same as AWS Secrets Manager's:
 *   rate(<n> minute|minutes|hour|hours|day|days)
 *   cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)   (UTC; `?` in one day field)
 * Pure arithmetic: `nextRun(schedule, after)` is the first run strictly after `after`.
 *
 * A schedule being configured must also pass `validateSchedule`, Secrets Manager's bounds: runs at
 * least 4 hours apart and a rate of at most 1000 days. `parseSchedule` alone (syntax only) still
 * reads schedules stored before the bounds, so their rotations keep running.
 */

export class ScheduleError extends Error {
  override name = 'ScheduleError';
  readonly code: 'VALUE_INCORRECT_FORMAT' | 'VALUE_OUT_OF_BOUNDS';
  constructor(message: string, code: ScheduleError['code'] = 'VALUE_INCORRECT_FORMAT') {
    super(message);
    this.code = code;
  }
}

/** Secrets Manager's bounds: no two runs closer than 4 hours, no rate longer than 1000 days. */
export const MIN_INTERVAL_MINUTES = 4 * 60;
export const MAX_RATE_MINUTES = 1000 * 1440;

interface Rate {
  kind: 'rate';
  minutes: number;
}

interface Cron {
  kind: 'cron';
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number> | 'any';
  months: Set<number>;
  daysOfWeek: Set<number> | 'any';
  years: Set<number> | 'any';
}

export type Schedule = Rate | Cron;

const UNITS: Record<string, number> = { minute: 1, minutes: 1, hour: 60, hours: 60, day: 1440, days: 1440 };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function field(text: string, min: number, max: number, names: string[] = [], offset = 0): Set<number> {
  const values = new Set<number>();
  const value = (token: string): number => {
    const named = names.indexOf(token.toUpperCase());
    const number = named >= 0 ? named + offset : Number(token);
    if (!Number.isInteger(number) || number < min || number > max)
      throw new ScheduleError(`"${token}" is outside ${min}-${max}`);
    return number;
  };
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new ScheduleError(`bad step in "${part}"`);
    let [from, to] = [min, max];
    if (range !== '*') {
      const [a, b] = range!.split('-');
      from = value(a!);
      to = b === undefined ? (stepText === undefined ? from : max) : value(b);
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

export function parseSchedule(text: string): Schedule {
  const rate = /^rate\((\d+)\s+([a-z]+)\)$/.exec(text.trim());
  if (rate) {
    const amount = Number(rate[1]);
    const unit = UNITS[rate[2]!];
    if (!unit || amount < 1) throw new ScheduleError('rate must be rate(<n> minutes|hours|days), n ≥ 1');
    return { kind: 'rate', minutes: amount * unit };
  }
  const cron = /^cron\((.+)\)$/.exec(text.trim());
  if (!cron) throw new ScheduleError('schedule must be rate(…) or cron(…)');
  const parts = cron[1]!.trim().split(/\s+/);
  if (parts.length !== 6)
    throw new ScheduleError('cron needs 6 fields: minutes hours day-of-month month day-of-week year');
  const [min, hour, dom, month, dow, year] = parts as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?'))
    throw new ScheduleError('exactly one of day-of-month and day-of-week must be ?');
  return {
    kind: 'cron',
    minutes: field(min, 0, 59),
    hours: field(hour, 0, 23),
    daysOfMonth: dom === '?' || dom === '*' ? 'any' : field(dom, 1, 31),
    months: field(month, 1, 12, MONTHS, 1),
    // AWS numbers days 1 (SUN) to 7 (SAT); JavaScript 0 to 6.
    daysOfWeek:
      dow === '?' || dow === '*' ? 'any' : new Set([...field(dow, 1, 7, DAYS, 1)].map((d) => d - 1)),
    years: year === '*' ? 'any' : field(year, 1970, 2199),
  };
}

/**
 * Parses a schedule being configured and applies the bounds. A cron() is judged by its times of
 * day: consecutive ones, and the last of a day and the first of the next, must be 4 hours apart
 * (counted as if every day fired, so `cron(0 1,22 ? * MON *)` is refused though a week separates
 * 22:00 from the next 01:00: a rule that needs no calendar search).
 */
export function validateSchedule(text: string): Schedule {
  const schedule = parseSchedule(text);
  const out = (message: string) => new ScheduleError(message, 'VALUE_OUT_OF_BOUNDS');
  if (schedule.kind === 'rate') {
    if (schedule.minutes < MIN_INTERVAL_MINUTES) throw out('rate must be at least 4 hours');
    if (schedule.minutes > MAX_RATE_MINUTES) throw out('rate must be at most 1000 days');
    return schedule;
  }
  const times = [...schedule.hours]
    .flatMap((hour) => [...schedule.minutes].map((minute) => hour * 60 + minute))
    .sort((a, b) => a - b);
  if (times.length === 0) throw new ScheduleError('cron never runs: its hours or minutes are empty');
  let closest = times[0]! + 1440 - times.at(-1)!;
  for (let i = 1; i < times.length; i++) closest = Math.min(closest, times[i]! - times[i - 1]!);
  if (closest < MIN_INTERVAL_MINUTES)
    throw out('cron must not run more often than every 4 hours (one minute of the hour, hours 4 apart)');
  return schedule;
}

const MINUTE = 60_000;
/**
 * The last instant whose ISO form has a 4-digit year: later dates print as `+010000-…`, which
 * sorts before every 4-digit year in a string-ordered index, so they are never scheduled.
 */
const LAST_SCHEDULABLE = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * The first run strictly after `after`, or undefined when the schedule has no more runs (or none
 * before the year 10000, which no stored date can express and be ordered by).
 */
export function nextRun(schedule: Schedule, after: Date): Date | undefined {
  if (schedule.kind === 'rate') {
    const next = after.getTime() + schedule.minutes * MINUTE;
    return next <= LAST_SCHEDULABLE ? new Date(next) : undefined;
  }
  let t = new Date(Math.floor(after.getTime() / MINUTE) * MINUTE + MINUTE);
  const limit = after.getTime() + 5 * 366 * 1440 * MINUTE;
  while (t.getTime() <= limit) {
    const dayMatches =
      (schedule.years === 'any' || schedule.years.has(t.getUTCFullYear())) &&
      schedule.months.has(t.getUTCMonth() + 1) &&
      (schedule.daysOfMonth === 'any' || schedule.daysOfMonth.has(t.getUTCDate())) &&
      (schedule.daysOfWeek === 'any' || schedule.daysOfWeek.has(t.getUTCDay()));
    if (!dayMatches) {
      t = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() + 1));
      continue;
    }
    if (!schedule.hours.has(t.getUTCHours())) {
      t = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), t.getUTCHours() + 1));
      continue;
    }
    if (schedule.minutes.has(t.getUTCMinutes())) return t;
    t = new Date(t.getTime() + MINUTE);
  }
  return undefined;
}
