/**
 * The fleet calendar: every location's past, planned and missed runs in one time range, merged by
 * the console. Overlaps within a location (runs that need the same drive at once) come from its
 * agent as `overlaps`; overlaps across locations (runs of different locations at the same time)
 * are counted per run and summed up as windows.
 */
import { z } from 'zod';
import { errorSchema } from './protocol/catalog.js';
import { calendarRunSchema, MAX_CALENDAR_SPAN_DAYS } from './schedule.js';

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

export const fleetCalendarSchema = z.object({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  /** Sorted by start, then location name, then run id. */
  runs: z.array(fleetCalendarRunSchema),
  /** Windows where runs of different locations overlap, in time order. */
  across: z.array(overlapWindowSchema),
  /** Runs that need the same drive of one location at once (pairs counted once). */
  withinCount: z.number().int().nonnegative(),
  /** Locations that did not answer (offline, refused, timed out), with why. */
  unavailable: z.array(z.object({ locationId: z.uuid(), location: z.string().max(64), error: errorSchema })),
  truncated: z.boolean(),
});
export type FleetCalendar = z.infer<typeof fleetCalendarSchema>;
