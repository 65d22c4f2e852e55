/** Planned runs from cron expressions, drive overlaps and missed fire times, with fixed instants. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_ESTIMATE_MS, MAX_MISSED_TIMES, detectOverlaps, missedCalendarRuns, missedRuns, plannedRuns, type PlanOptions } from '../../agent/schedule/planner.js';
import { calendarQuerySchema, calendarRunSchema, scheduleSchema, type CalendarRun, type Schedule } from '../../shared/schedule.js';

const HOUR = 60 * 60 * 1000;
const utcDay: PlanOptions = { backupDay: { boundary: '06:00', timezone: 'UTC' } };

function schedule(overrides: Partial<Schedule>): Schedule {
  return scheduleSchema.parse({
    name: 'nightly',
    cron: '0 22 * * *',
    timezone: 'UTC',
    tasks: ['home'],
    type: 'incr',
    dumpCycleDays: 14,
    runsPerCycle: 10,
    enabled: true,
    runMissed: false,
    ...overrides,
  });
}

const starts = (runs: readonly CalendarRun[]): string[] => runs.map((run) => run.start);

describe('plannedRuns', () => {
  it('weekday evenings: five runs in a week, from inclusive, to exclusive', () => {
    const s = schedule({ cron: '0 22 * * 1-5' });
    // 2026-01-05 is a Monday.
    const runs = plannedRuns([s], new Date('2026-01-05T22:00:00Z'), new Date('2026-01-09T22:00:00Z'), utcDay);
    expect(starts(runs)).toEqual(['2026-01-05T22:00:00.000Z', '2026-01-06T22:00:00.000Z', '2026-01-07T22:00:00.000Z', '2026-01-08T22:00:00.000Z']);
    const week = plannedRuns([s], new Date('2026-01-05T00:00:00Z'), new Date('2026-01-12T00:00:00Z'), utcDay);
    expect(week).toHaveLength(5);
    for (const run of week) expect(calendarRunSchema.parse(run)).toEqual(run);
  });

  it('one run per task, estimated ends, drives and backup days', () => {
    const s = schedule({ cron: '30 2 * * *', tasks: ['home', 'mail'], type: 'full' });
    const runs = plannedRuns([s], new Date('2026-01-10T00:00:00Z'), new Date('2026-01-11T00:00:00Z'), {
      ...utcDay,
      durations: (task) => (task === 'mail' ? 3 * HOUR : null),
      driveFor: (task) => (task === 'home' ? { loader: 'lib1', number: 0 } : null),
    });
    expect(runs.map((run) => [run.task, run.start, run.end, run.backupDay, run.drive, run.kind, run.status, run.type])).toEqual([
      ['home', '2026-01-10T02:30:00.000Z', '2026-01-10T03:30:00.000Z', '2026-01-09', { loader: 'lib1', number: 0 }, 'planned', 'planned', 'full'],
      ['mail', '2026-01-10T02:30:00.000Z', '2026-01-10T05:30:00.000Z', '2026-01-09', null, 'planned', 'planned', 'full'],
    ]);
    expect(new Set(runs.map((run) => run.id)).size).toBe(2);
  });

  it('several expressions together, sorted, and disabled schedules left out', () => {
    const runs = plannedRuns(
      [schedule({ name: 'halfhourly', cron: '*/30 * * * *' }), schedule({ name: 'daily', cron: '@daily' }), schedule({ name: 'off', cron: '* * * * *', enabled: false })],
      new Date('2026-01-10T23:00:00Z'),
      new Date('2026-01-11T01:00:00Z'),
      utcDay,
    );
    expect(runs.map((run) => `${run.schedule}@${run.start.slice(11, 16)}`)).toEqual(['halfhourly@23:00', 'halfhourly@23:30', 'daily@00:00', 'halfhourly@00:00', 'halfhourly@00:30']);
  });

  it('spring forward in Berlin: a 02:30 job runs at 03:00 CEST that day, once', () => {
    const s = schedule({ cron: '30 2 * * *', timezone: 'Europe/Berlin' });
    const runs = plannedRuns([s], new Date('2026-03-27T00:00:00Z'), new Date('2026-03-31T00:00:00Z'), utcDay);
    expect(starts(runs)).toEqual(['2026-03-27T01:30:00.000Z', '2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
  });

  it('fall back in Berlin: a 02:30 job runs once; an hourly job runs 25 times that day', () => {
    const fixed = plannedRuns([schedule({ cron: '30 2 * * *', timezone: 'Europe/Berlin' })], new Date('2026-10-24T00:00:00Z'), new Date('2026-10-27T00:00:00Z'), utcDay);
    expect(starts(fixed)).toEqual(['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
    // The local day 2026-10-25 runs from 22:00Z (CEST midnight) to 23:00Z the next day (CET midnight).
    const hourly = plannedRuns([schedule({ cron: '0 * * * *', timezone: 'Europe/Berlin' })], new Date('2026-10-24T22:00:00Z'), new Date('2026-10-25T23:00:00Z'), utcDay);
    expect(hourly).toHaveLength(25);
  });

  it('refuses a range that would plan too many runs', () => {
    const s = schedule({ cron: '* * * * *', tasks: ['a', 'b'] });
    expect(() => plannedRuns([s], new Date('2026-01-01T00:00:00Z'), new Date('2026-01-05T00:00:00Z'), utcDay)).toThrow(/shorter range/);
  });

  it('calendar queries are bounded', () => {
    expect(calendarQuerySchema.safeParse({ from: '2026-01-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' }).success).toBe(true);
    expect(calendarQuerySchema.safeParse({ from: '2026-01-01T00:00:00.000Z', to: '2026-03-05T00:00:00.000Z' }).success).toBe(false);
    expect(calendarQuerySchema.safeParse({ from: '2026-01-02T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' }).success).toBe(false);
  });
});

function run(id: string, start: string, end: string | null, drive: { loader: string; number: number } | null, extra: Partial<CalendarRun> = {}): CalendarRun {
  return { id, kind: 'planned', jobId: null, task: id, schedule: null, type: 'full', status: 'planned', start, end, bytes: null, backupDay: start.slice(0, 10), drive, overlaps: [], ...extra };
}
const d0 = { loader: 'lib1', number: 0 };
const d1 = { loader: 'lib1', number: 1 };
const overlapsOf = (runs: readonly CalendarRun[]): Record<string, string[]> => Object.fromEntries(runs.map((r) => [r.id, r.overlaps]));

describe('detectOverlaps', () => {
  it('same drive at overlapping times: each names the other', () => {
    const result = detectOverlaps([run('a', '2026-01-10T22:00:00Z', '2026-01-11T00:00:00Z', d0), run('b', '2026-01-10T23:00:00Z', '2026-01-11T01:00:00Z', d0)]);
    expect(overlapsOf(result)).toEqual({ a: ['b'], b: ['a'] });
  });

  it('same drive, one ending as the next starts: no overlap', () => {
    const result = detectOverlaps([run('a', '2026-01-10T22:00:00Z', '2026-01-10T23:00:00Z', d0), run('b', '2026-01-10T23:00:00Z', '2026-01-11T00:00:00Z', d0)]);
    expect(overlapsOf(result)).toEqual({ a: [], b: [] });
  });

  it('different drives or no drive: no overlap', () => {
    const result = detectOverlaps([
      run('a', '2026-01-10T22:00:00Z', '2026-01-11T00:00:00Z', d0),
      run('b', '2026-01-10T22:00:00Z', '2026-01-11T00:00:00Z', d1),
      run('c', '2026-01-10T22:00:00Z', '2026-01-11T00:00:00Z', null),
      run('d', '2026-01-10T22:00:00Z', '2026-01-11T00:00:00Z', { loader: 'lib2', number: 0 }),
    ]);
    expect(overlapsOf(result)).toEqual({ a: [], b: [], c: [], d: [] });
  });

  it('a long run overlaps several later ones; runs without an end use the task estimate (default one hour)', () => {
    const result = detectOverlaps(
      [
        run('long', '2026-01-10T20:00:00Z', '2026-01-11T02:00:00Z', d0),
        run('running', '2026-01-10T21:00:00Z', null, d0, { kind: 'past', status: 'running' }),
        run('late', '2026-01-11T01:30:00Z', null, d0),
        run('after', '2026-01-11T02:00:00Z', null, d0),
      ],
      (task) => (task === 'late' ? 2 * HOUR : null),
    );
    // running: 21:00-22:00 (default estimate); late: 01:30-03:30, so it meets "after" (02:00-03:00).
    expect(overlapsOf(result)).toEqual({ long: ['late', 'running'], running: ['long'], late: ['after', 'long'], after: ['late'] });
    expect(DEFAULT_RUN_ESTIMATE_MS).toBe(HOUR);
  });

  it('within one schedule and across schedules, from planned runs', () => {
    const drive = (): typeof d0 => d0;
    const planned = plannedRuns(
      [schedule({ name: 'nightly', cron: '0 22 * * *', tasks: ['home', 'mail'] }), schedule({ name: 'late', cron: '30 22 * * *', tasks: ['db'] }), schedule({ name: 'morning', cron: '0 6 * * *', tasks: ['logs'] })],
      new Date('2026-01-10T00:00:00Z'),
      new Date('2026-01-11T00:00:00Z'),
      { ...utcDay, driveFor: drive },
    );
    const result = detectOverlaps(planned);
    const byTask = Object.fromEntries(result.map((r) => [r.task, r.overlaps.map((id) => result.find((o) => o.id === id)?.task).sort()]));
    expect(byTask).toEqual({ logs: [], home: ['db', 'mail'], mail: ['db', 'home'], db: ['home', 'mail'] });
  });
});

describe('missedRuns', () => {
  const daily = schedule({ name: 'daily', cron: '0 22 * * *' });

  it('lists the fire times between the last heartbeat and now, now included', () => {
    const missed = missedRuns([daily], new Date('2026-01-05T12:00:00Z'), new Date('2026-01-08T22:00:00Z'));
    expect(missed).toHaveLength(1);
    expect(missed[0]?.times.map((t) => t.toISOString())).toEqual(['2026-01-05T22:00:00.000Z', '2026-01-06T22:00:00.000Z', '2026-01-07T22:00:00.000Z', '2026-01-08T22:00:00.000Z']);
    expect(missed[0]?.count).toBe(4);
    expect(missed[0]?.latest.toISOString()).toBe('2026-01-08T22:00:00.000Z');
  });

  it('nothing when no fire time passed, for disabled schedules, or before a later "since"', () => {
    expect(missedRuns([daily], new Date('2026-01-05T12:00:00Z'), new Date('2026-01-05T21:59:59Z'))).toEqual([]);
    expect(missedRuns([{ ...daily, enabled: false }], new Date('2026-01-01T00:00:00Z'), new Date('2026-01-08T00:00:00Z'))).toEqual([]);
    // A fire at exactly the heartbeat was not missed (the agent was alive then).
    expect(missedRuns([daily], new Date('2026-01-05T22:00:00Z'), new Date('2026-01-06T21:00:00Z'))).toEqual([]);
    const since = missedRuns([daily], new Date('2026-01-01T00:00:00Z'), new Date('2026-01-08T00:00:00Z'), () => new Date('2026-01-06T22:00:00Z'));
    expect(since[0]?.times.map((t) => t.toISOString())).toEqual(['2026-01-07T22:00:00.000Z']);
  });

  it('a long outage of a frequent schedule is counted, its times capped', () => {
    const minutely = schedule({ name: 'minutely', cron: '* * * * *' });
    const [missed] = missedRuns([minutely], new Date('2026-01-05T00:00:00Z'), new Date('2026-01-08T00:00:00Z'));
    expect(missed?.count).toBe(3 * 24 * 60);
    expect(missed?.times).toHaveLength(MAX_MISSED_TIMES);
    expect(missed?.latest.toISOString()).toBe('2026-01-08T00:00:00.000Z');
  });

  it('become calendar runs of kind "missed"', () => {
    const missed = missedRuns([daily], new Date('2026-01-05T12:00:00Z'), new Date('2026-01-06T23:00:00Z'));
    const runs = missedCalendarRuns(missed, utcDay);
    expect(runs.map((r) => [r.kind, r.status, r.start, r.end, r.backupDay])).toEqual([
      ['missed', 'missed', '2026-01-05T22:00:00.000Z', null, '2026-01-05'],
      ['missed', 'missed', '2026-01-06T22:00:00.000Z', null, '2026-01-06'],
    ]);
    for (const r of runs) calendarRunSchema.parse(r);
  });
});
