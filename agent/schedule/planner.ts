/**
 * The calendar's future and its gaps: the runs schedules will make in a range, the drive
 * conflicts among runs, and the fire times missed while the agent was down. Pure; time comes in
 * as arguments.
 */
import { FloeError } from '../../shared/errors.js';
import type { BackupDayConfig, CalendarRun, DriveRef, Schedule } from '../../shared/schedule.js';
import { backupDayOf } from './backup-day.js';
import { fireTimes } from './cron.js';

/** A run's length when its task has no history: one hour. */
export const DEFAULT_RUN_ESTIMATE_MS = 60 * 60 * 1000;
/** Planning stops with an error past this many runs: ask for a shorter range. */
export const MAX_PLANNED_RUNS = 5000;
/** Missed fire times kept per schedule (the count goes on past it). */
export const MAX_MISSED_TIMES = 100;
const MAX_MISSED_SCAN = 100_000;

export interface PlanOptions {
  readonly backupDay: BackupDayConfig;
  /** How long the task's last run took, in ms (null or absent: DEFAULT_RUN_ESTIMATE_MS). */
  readonly durations?: (task: string) => number | null | undefined;
  /** The drive a task writes to, when known ahead. */
  readonly driveFor?: (task: string) => DriveRef | null;
}

export function runEstimateMs(task: string, durations?: PlanOptions['durations']): number {
  const estimate = durations?.(task);
  return typeof estimate === 'number' && Number.isFinite(estimate) && estimate > 0 ? estimate : DEFAULT_RUN_ESTIMATE_MS;
}

function runsAt(schedule: Schedule, at: Date, kind: 'planned' | 'missed', opts: PlanOptions): CalendarRun[] {
  const start = at.toISOString();
  return schedule.tasks.map((task) => ({
    id: `${kind}:${schedule.name}:${task}:${start}`,
    kind,
    jobId: null,
    task,
    schedule: schedule.name,
    type: schedule.type,
    status: kind,
    start,
    end: kind === 'planned' ? new Date(at.getTime() + runEstimateMs(task, opts.durations)).toISOString() : null,
    bytes: null,
    backupDay: backupDayOf(at, opts.backupDay),
    drive: opts.driveFor?.(task) ?? null,
    overlaps: [],
  }));
}

/**
 * The runs enabled schedules will make with fire times in [from, to), one per task, sorted by
 * start then id, each ending at its estimated end. Overlaps are left empty: see detectOverlaps.
 */
export function plannedRuns(schedules: readonly Schedule[], from: Date, to: Date, opts: PlanOptions): CalendarRun[] {
  const runs: CalendarRun[] = [];
  for (const schedule of schedules) {
    if (!schedule.enabled) continue;
    const times = fireTimes(schedule.cron, schedule.timezone);
    // next() is strictly after its argument: start 1 ms early so a fire exactly at `from` counts.
    for (let at = times.next(new Date(from.getTime() - 1)); at !== null && at < to; at = times.next(at)) {
      runs.push(...runsAt(schedule, at, 'planned', opts));
      if (runs.length > MAX_PLANNED_RUNS) {
        throw new FloeError('BAD_REQUEST', `more than ${MAX_PLANNED_RUNS} planned runs between ${from.toISOString()} and ${to.toISOString()}; ask for a shorter range`);
      }
    }
  }
  return runs.sort(byStartThenId);
}

function byStartThenId(a: CalendarRun, b: CalendarRun): number {
  return Date.parse(a.start) - Date.parse(b.start) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Marks runs that need the same drive at overlapping times: each gets the ids of the others.
 * A run lasts [start, end); a run without an end (running, queued, missed) is given the task's
 * estimate (its last duration, else one hour). Touching runs (one ends as the next starts) do not
 * overlap; runs without a drive never do. Returns new objects, in the input order.
 */
export function detectOverlaps(runs: readonly CalendarRun[], durations?: PlanOptions['durations']): CalendarRun[] {
  const spans = runs.map((run, index) => {
    const start = Date.parse(run.start);
    const end = run.end !== null ? Date.parse(run.end) : start + runEstimateMs(run.task, durations);
    return { index, start, end, drive: run.drive === null ? null : `${run.drive.loader}#${run.drive.number}` };
  });
  const overlaps = runs.map(() => new Set<string>());
  const byDrive = new Map<string, typeof spans>();
  for (const span of spans) {
    if (span.drive === null || span.end <= span.start) continue;
    const group = byDrive.get(span.drive) ?? [];
    group.push(span);
    byDrive.set(span.drive, group);
  }
  for (const group of byDrive.values()) {
    group.sort((a, b) => a.start - b.start);
    for (let i = 0; i < group.length; i += 1) {
      const a = group[i];
      if (!a) continue;
      for (let j = i + 1; j < group.length; j += 1) {
        const b = group[j];
        if (!b || b.start >= a.end) break;
        overlaps[a.index]?.add(runs[b.index]?.id ?? '');
        overlaps[b.index]?.add(runs[a.index]?.id ?? '');
      }
    }
  }
  return runs.map((run, index) => ({ ...run, overlaps: [...(overlaps[index] ?? [])].filter((id) => id !== run.id).sort() }));
}

export interface MissedRun {
  readonly schedule: Schedule;
  /** The earliest missed fire times, at most MAX_MISSED_TIMES. */
  readonly times: readonly Date[];
  /** How many fire times were missed (at least; scanning stops at 100 000). */
  readonly count: number;
  /** The last missed fire time. */
  readonly latest: Date;
}

/**
 * Fire times of enabled schedules in (lastAliveAt, now]: times that passed while the agent was
 * down. `since` can move a schedule's lower bound later (its last recorded fire, its creation).
 * Fire times after `now` are the scheduler's to arm, so nothing is both missed and armed.
 */
export function missedRuns(
  schedules: readonly Schedule[],
  lastAliveAt: Date,
  now: Date,
  since?: (schedule: Schedule) => Date | null,
): MissedRun[] {
  const missed: MissedRun[] = [];
  for (const schedule of schedules) {
    if (!schedule.enabled) continue;
    const extra = since?.(schedule) ?? null;
    const lower = extra !== null && extra > lastAliveAt ? extra : lastAliveAt;
    if (lower >= now) continue;
    const times = fireTimes(schedule.cron, schedule.timezone);
    const kept: Date[] = [];
    let count = 0;
    for (let at = times.next(lower); at !== null && at <= now && count < MAX_MISSED_SCAN; at = times.next(at)) {
      if (kept.length < MAX_MISSED_TIMES) kept.push(at);
      count += 1;
    }
    const latest = times.previous(now);
    if (count > 0 && latest !== null) missed.push({ schedule, times: kept, count, latest });
  }
  return missed;
}

/** Missed fire times as calendar runs (kind and status "missed"), one per task. */
export function missedCalendarRuns(missed: readonly MissedRun[], opts: PlanOptions): CalendarRun[] {
  return missed.flatMap((entry) => entry.times.flatMap((at) => runsAt(entry.schedule, at, 'missed', opts))).sort(byStartThenId);
}
