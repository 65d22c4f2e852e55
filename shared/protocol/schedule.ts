/** Schedule, calendar and pre-flight commands of the agent protocol. */
import { z } from 'zod';
import { backupDayConfigSchema, calendarRunSchema, checkReportSchema, scheduleInputSchema, scheduleNameSchema, scheduleSchema, timeOfDaySchema, timeZoneSchema, MAX_CALENDAR_SPAN_DAYS } from '../schedule.js';
import { command } from './command.js';

const DAY_MS = 86_400_000;

export const scheduleCommands = {
  'schedule:add': command(scheduleInputSchema, scheduleSchema, 'admin'),
  /** Replaces an existing schedule's definition (NOT_FOUND when there is none by that name). */
  'schedule:update': command(scheduleInputSchema, scheduleSchema, 'admin'),
  'schedule:list': command(z.object({}).strict(), z.array(scheduleSchema), 'monitor'),
  'schedule:remove': command(z.object({ name: scheduleNameSchema }).strict(), z.object({ removed: z.literal(true) }), 'admin'),
  'schedule:enable': command(z.object({ name: scheduleNameSchema, enabled: z.boolean() }).strict(), scheduleSchema, 'admin'),
  'backupday:set': command(z.object({ boundary: timeOfDaySchema, timezone: timeZoneSchema.optional() }).strict(), backupDayConfigSchema, 'admin'),
  'calendar:query': command(
    z
      .object({ from: z.iso.datetime(), to: z.iso.datetime() })
      .strict()
      .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: '"from" must be before "to"', path: ['to'] })
      .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_CALENDAR_SPAN_DAYS * DAY_MS, { message: `a calendar query spans at most ${MAX_CALENDAR_SPAN_DAYS} days`, path: ['to'] }),
    z.array(calendarRunSchema),
    'monitor',
  ),
  'check:run': command(z.object({}).strict(), checkReportSchema, 'monitor'),
} as const;
