/**
 * The fleet calendar: every location's runs (past by status, planned, missed) in one time range,
 * one row per location. Online agents answer from their own calendars; for the others the console
 * shows the runs it still knows from their last state. Overlaps within a location (runs that need
 * the same drive at once) come from its agent as each run's `overlaps`; overlaps across locations
 * (runs of different locations at the same time) are counted per run and summed up as windows.
 */
import { z } from 'zod';
import { backupDaySchema } from './devices.js';
import type { JobsState } from './engine.js';
import { locationStatusSchema } from './fleet.js';
import { calendarRunSchema, MAX_CALENDAR_SPAN_DAYS, pastRunsOf, type CalendarRun } from './schedule.js';

const DAY_MS = 86_400_000;
/** At most this many runs in one answer (the earliest); `truncated` says when more were left out. */
export const MAX_FLEET_CALENDAR_RUNS = 20_000;
/** At most this many run keys listed per overlap window (`runCount` has them all). */
export const MAX_WINDOW_RUN_KEYS = 200;
/** A run without an end (running, queued, missed, some planned) counts as lasting this long. */
export const DEFAULT_RUN_ESTIMATE_MS = 3_600_000;

export const fleetCalendarQuerySchema = z
  .object({
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    /** Only these locations (default: all). */
    locations: z.array(z.uuid()).max(10_000).optional(),
  })
  .strict()
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: '"from" must be before "to"', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_CALENDAR_SPAN_DAYS * DAY_MS, {
    message: `a calendar query spans at most ${MAX_CALENDAR_SPAN_DAYS} days; ask in several pages`,
    path: ['to'],
  });
export type FleetCalendarQuery = z.infer<typeof fleetCalendarQuerySchema>;

export const fleetCalendarRunSchema = calendarRunSchema.extend({
  /** Unique in the fleet: `locationId/run id`. `overlaps` keeps the agent's run ids (same location). */
  key: z.string().min(1).max(300),
  locationId: z.uuid(),
  location: z.string().max(64),
  /** How many runs of other locations overlap this one in time. */
  acrossCount: z.number().int().nonnegative(),
});
export type FleetCalendarRun = z.infer<typeof fleetCalendarRunSchema>;

/** A time span during which runs of two or more locations overlap. */
export const overlapWindowSchema = z.object({
  start: z.iso.datetime(),
  end: z.iso.datetime(),
  locationIds: z.array(z.uuid()),
  /** Keys of the runs in the window (at most MAX_WINDOW_RUN_KEYS). */
  runs: z.array(z.string().max(300)),
  runCount: z.number().int().nonnegative(),
  /** The most runs going on at one instant of the window. */
  peak: z.number().int().nonnegative(),
});
export type OverlapWindow = z.infer<typeof overlapWindowSchema>;

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
  /** Sorted by start. */
  runs: z.array(fleetCalendarRunSchema),
  /** True when some of this location's runs were left out (see MAX_FLEET_CALENDAR_RUNS). */
  truncated: z.boolean(),
});
export type FleetCalendarRow = z.infer<typeof fleetCalendarRowSchema>;

export const fleetCalendarSchema = z.object({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  /** One row per location, by name. */
  locations: z.array(fleetCalendarRowSchema),
  /** Windows where runs of different locations overlap, in time order. */
  across: z.array(overlapWindowSchema),
  /** Runs that need the same drive of one location at once (pairs counted once). */
  withinCount: z.number().int().nonnegative(),
  /** True when runs beyond MAX_FLEET_CALENDAR_RUNS (the latest) were left out. */
  truncated: z.boolean(),
});
export type FleetCalendar = z.infer<typeof fleetCalendarSchema>;

/** The past runs a location's replicated jobs still show in [from, to) (see pastRunsOf). */
export function pastRunsOfJobs(jobs: JobsState | null | undefined, from: Date, to: Date): CalendarRun[] {
  return jobs ? pastRunsOf([...jobs.active, ...jobs.recent], from, to) : [];
}
