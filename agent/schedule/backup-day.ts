/**
 * The backup day (SEP sesam's "Sesam day"): a day that starts at a configured wall-clock boundary
 * (e.g. 06:00) in the location's time zone, so a night's runs all count for the evening they began.
 * A day is [start, end) where start is the first instant the wall clock reaches the boundary on
 * that date (DST gap: the end of the gap; repeated hour: its first occurrence). Days are therefore
 * contiguous and never overlap, and a day lasts 23, 24 or 25 hours around DST changes.
 */
import type { BackupDayConfig } from '../../shared/schedule.js';
import { addDays, firstInstantOfWallTime, wallDate } from './zoned-time.js';

/** First instant of backup day `day` (YYYY-MM-DD). */
function dayStart(day: string, config: BackupDayConfig): Date {
  return firstInstantOfWallTime(day, config.boundary, config.timezone);
}

/** The backup day (YYYY-MM-DD) that `instant` belongs to. */
export function backupDayOf(instant: Date, config: BackupDayConfig): string {
  const ms = instant.getTime();
  let day = wallDate(ms, config.timezone).date;
  // The calendar date is right or one too late; the loops settle repeated hours around midnight too.
  while (ms < dayStart(day, config).getTime()) day = addDays(day, -1);
  while (ms >= dayStart(addDays(day, 1), config).getTime()) day = addDays(day, 1);
  return day;
}

/** The instants backup day `day` covers: [start, end). */
export function backupDayRange(day: string, config: BackupDayConfig): { start: Date; end: Date } {
  return { start: dayStart(day, config), end: dayStart(addDays(day, 1), config) };
}

/** The first backup-day boundary strictly after `after` (when NEWDAY fires next). */
export function nextNewDay(after: Date, config: BackupDayConfig): Date {
  const current = backupDayOf(after, config);
  return backupDayRange(current, config).end;
}
