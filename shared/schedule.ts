/**
 * Schedules, the backup day and the calendar of a location: one source of truth for the agent
 * (which plans and fires runs), the console (which merges calendars) and the renderer.
 * Cron expressions are checked for shape here; the agent parses them (croner) and refuses bad ones.
 */
import { z } from 'zod';
import { backupDaySchema, loaderNameSchema } from './devices.js';
import { taskNameSchema, type Job } from './engine.js';

import { MAX_CALENDAR_SPAN_DAYS } from './calendar-limits.js';

export { MAX_CALENDAR_SPAN_DAYS } from './calendar-limits.js';
const DAY_MS = 24 * 60 * 60 * 1000;

export const scheduleNameSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "-" or "_"');
/** Schedules name tasks of the engine. */
export const scheduleTaskNameSchema = taskNameSchema;

/** Zones already found valid: building a DateTimeFormat costs about a millisecond, and every snapshot carries zones. */
const knownTimeZones = new Set<string>();

/** True when the runtime knows `zone` as an IANA time zone (Intl is part of the language, so this stays pure). */
export function isValidTimeZone(zone: string): boolean {
  if (knownTimeZones.has(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    return false;
  }
  if (knownTimeZones.size < 1000) knownTimeZones.add(zone);
  return true;
}

export const timeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine(isValidTimeZone, 'not a known IANA time zone; use a name such as Europe/Berlin or UTC');

/** A cron expression of 5 fields (or 6, seconds first), or a nickname such as @daily. Croner parses it on the agent. */
export const cronExpressionSchema = z
  .string()
  .min(1)
  .max(200)
  .refine((text) => {
    const trimmed = text.trim();
    if (trimmed.startsWith('@')) return /^@[a-z]+$/.test(trimmed);
    const fields = trimmed.split(/\s+/).length;
    return fields >= 5 && fields <= 6;
  }, 'a cron expression has 5 fields (minute hour day-of-month month day-of-week), optionally seconds first');

export { backupTypeSchema, type BackupType } from './engine.js';
/** What a schedule asks for: a fixed type, or `auto` (the dump-cycle planner picks full or incr per task). */
export const scheduleTypeSchema = z.enum(['full', 'diff', 'incr', 'copy', 'auto', 'check']);
export type ScheduleType = z.infer<typeof scheduleTypeSchema>;

export const scheduleSchema = z
  .object({
    name: scheduleNameSchema,
    cron: cronExpressionSchema,
    timezone: timeZoneSchema,
    tasks: z.array(scheduleTaskNameSchema).max(256),
    type: scheduleTypeSchema,
    /** For `auto`: every task gets a full at least once in this many days (Amanda's dumpcycle). */
    dumpCycleDays: z.number().int().min(1).max(366),
    /** For `auto`: how many runs the schedule makes in one dump cycle (Amanda's runspercycle). */
    runsPerCycle: z.number().int().min(1).max(1000),
    enabled: z.boolean(),
    /** Run once when the agent starts if fire times passed while it was down. */
    runMissed: z.boolean(),
  })
  .strict()
  .refine((s) => new Set(s.tasks).size === s.tasks.length, { message: 'a schedule names each task once', path: ['tasks'] })
  .refine((s) => s.type === 'check' || s.tasks.length > 0, { message: 'a backup schedule names at least one task', path: ['tasks'] });
export type Schedule = z.infer<typeof scheduleSchema>;

/** What `schedule add` accepts: the time zone defaults to the agent's, the cycle to 14 days with 10 runs. */
export const scheduleInputSchema = z
  .object({
    name: scheduleNameSchema,
    cron: cronExpressionSchema,
    timezone: timeZoneSchema.optional(),
    tasks: z.array(scheduleTaskNameSchema).max(256),
    type: scheduleTypeSchema,
    dumpCycleDays: z.number().int().min(1).max(366).optional(),
    runsPerCycle: z.number().int().min(1).max(1000).optional(),
    enabled: z.boolean().optional(),
    runMissed: z.boolean().optional(),
  })
  .strict();
export type ScheduleInput = z.infer<typeof scheduleInputSchema>;
/** A schedule of type `check` runs the pre-flight check instead of backups (Amanda's amcheck from cron). */

export const DEFAULT_DUMP_CYCLE_DAYS = 14;
export const DEFAULT_RUNS_PER_CYCLE = 10;

/** A wall-clock time of day, HH:MM (24 h). */
export const timeOfDaySchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day is HH:MM, e.g. 06:00');

/**
 * When one backup day ends and the next begins (SEP sesam's "Sesam day"): an instant before the
 * boundary belongs to the previous calendar day. NEWDAY is emitted at each boundary.
 */
export const backupDayConfigSchema = z.object({ boundary: timeOfDaySchema, timezone: timeZoneSchema }).strict();
export type BackupDayConfig = z.infer<typeof backupDayConfigSchema>;

export const calendarRunKindSchema = z.enum(['past', 'planned', 'missed']);
export const calendarRunStatusSchema = z.enum(['successful', 'warning', 'error', 'cancelled', 'running', 'queued', 'planned', 'missed']);
export type CalendarRunStatus = z.infer<typeof calendarRunStatusSchema>;

export const driveRefSchema = z.object({ loader: loaderNameSchema, number: z.number().int().nonnegative() }).strict();
export type DriveRef = z.infer<typeof driveRefSchema>;

/** One run in a location's calendar: a past job, a planned fire, or a fire missed while the agent was down. */
export const calendarRunSchema = z
  .object({
    id: z.string().min(1).max(256),
    kind: calendarRunKindSchema,
    jobId: z.string().max(128).nullable(),
    task: scheduleTaskNameSchema,
    schedule: scheduleNameSchema.nullable(),
    type: scheduleTypeSchema,
    status: calendarRunStatusSchema,
    start: z.iso.datetime(),
    /** Actual end of a past run, the estimated end of a planned one, null while unknown. */
    end: z.iso.datetime().nullable(),
    bytes: z.number().int().nonnegative().nullable(),
    backupDay: backupDaySchema,
    drive: driveRefSchema.nullable(),
    /** Ids of runs that need the same drive at an overlapping time. */
    overlaps: z.array(z.string().min(1).max(256)).max(1000),
  })
  .strict();
export type CalendarRun = z.infer<typeof calendarRunSchema>;

export const calendarQuerySchema = z
  .object({ from: z.iso.datetime(), to: z.iso.datetime() })
  .strict()
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: '"from" must be before "to"', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_CALENDAR_SPAN_DAYS * DAY_MS, {
    message: `a calendar query spans at most ${MAX_CALENDAR_SPAN_DAYS} days; ask in several pages`,
    path: ['to'],
  });
export type CalendarQuery = z.infer<typeof calendarQuerySchema>;

/** The pre-flight check (Amanda's amcheck): what would stop the next runs. */
export const checkProblemSchema = z.object({
  severity: z.enum(['error', 'warning']),
  /** What the problem is about: `task home`, `pool DAILY`, `license`, `disk`. */
  subject: z.string().max(256),
  message: z.string().max(2048),
});
export const checkReportSchema = z.object({
  at: z.iso.datetime(),
  ok: z.boolean(),
  problems: z.array(checkProblemSchema).max(1000),
});
export type CheckReport = z.infer<typeof checkReportSchema>;

/** The schedules part of a location's snapshot. */
export const schedulesStateSchema = z.object({
  schedules: z.array(scheduleSchema),
  backupDayConfig: backupDayConfigSchema,
  /** The current backup day. */
  backupDay: backupDaySchema,
  lastCheck: checkReportSchema.nullable(),
});
export type SchedulesState = z.infer<typeof schedulesStateSchema>;

/** The calendar's past runs: the backups among these jobs queued in [from, to), as the agent's calendar lists them. */
export function pastRunsOf(jobs: readonly Job[], from: Date, to: Date): CalendarRun[] {
  return jobs
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
