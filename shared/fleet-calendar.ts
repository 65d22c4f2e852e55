/**
 * The fleet calendar: every location's runs (past by status, planned, missed; overlaps marked) in
 * one time range, one row per location. Online agents answer from their own calendars; for the
 * others the console shows the runs it still knows from their last state.
 */
import { z } from 'zod';
import { backupDaySchema } from './devices.js';
import type { JobsState } from './engine.js';
import { locationStatusSchema } from './fleet.js';
import { calendarQuerySchema, calendarRunSchema, type CalendarRun } from './schedule.js';

/** Runs one location contributes at most (a month of many tasks fits; the rest is cut and said so). */
export const MAX_FLEET_CALENDAR_RUNS = 2000;

export const fleetCalendarArgsSchema = calendarQuerySchema;
export type FleetCalendarArgs = z.input<typeof fleetCalendarArgsSchema>;

export const fleetCalendarRowSchema = z.object({
  id: z.uuid(),
  name: z.string().max(64),
  status: locationStatusSchema,
  /** `agent`: the location's own calendar; `replica`: the last known runs only (no plans); `none`: nothing known. */
  source: z.enum(['agent', 'replica', 'none']),
  /** Why the agent's calendar is missing (offline, no answer in time, an error), or null. */
  reason: z.string().max(512).nullable(),
  /** The location's current backup day, when known. */
  backupDay: backupDaySchema.nullable(),
  runs: z.array(calendarRunSchema).max(MAX_FLEET_CALENDAR_RUNS),
  /** True when runs beyond MAX_FLEET_CALENDAR_RUNS were left out. */
  truncated: z.boolean(),
});
export type FleetCalendarRow = z.infer<typeof fleetCalendarRowSchema>;

export const fleetCalendarSchema = z.object({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  locations: z.array(fleetCalendarRowSchema),
});
export type FleetCalendar = z.infer<typeof fleetCalendarSchema>;

/** The past runs a location's replicated jobs still show in [from, to): backups only, as the agent's calendar lists them. */
export function pastRunsOfJobs(jobs: JobsState | null | undefined, from: Date, to: Date): CalendarRun[] {
  if (!jobs) return [];
  return [...jobs.active, ...jobs.recent]
    .filter((job) => job.kind === 'backup' && job.task !== null && Date.parse(job.queuedAt) >= from.getTime() && Date.parse(job.queuedAt) < to.getTime())
    .map((job) => ({
      id: job.id,
      kind: 'past' as const,
      jobId: job.id,
      task: job.task ?? '',
      schedule: null,
      type: job.type ?? 'full',
      status: job.state === 'waiting-media' ? ('queued' as const) : job.state,
      start: job.startedAt ?? job.queuedAt,
      end: job.endedAt,
      bytes: job.bytes,
      backupDay: job.backupDay,
      drive: job.drive,
      overlaps: [],
    }));
}
