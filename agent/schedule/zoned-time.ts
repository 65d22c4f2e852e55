/**
 * Wall-clock arithmetic in an IANA time zone with nothing but Intl: the offset at an instant,
 * the calendar date at an instant, and the first instant a wall-clock time is reached (which
 * settles DST gaps and repeated hours in one rule).
 */

const SECOND_MS = 1000;
const HOUR_MS = 60 * 60 * SECOND_MS;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, format);
  }
  return format;
}

/** The wall clock at `ms` in `zone`, as if it were UTC milliseconds (whole seconds). */
export function wallMs(ms: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
}

/** UTC offset of `zone` at `ms`, in milliseconds (positive east of Greenwich). */
export function offsetMs(ms: number, zone: string): number {
  const whole = Math.floor(ms / SECOND_MS) * SECOND_MS;
  return wallMs(whole, zone) - whole;
}

/** Calendar date (YYYY-MM-DD) and minutes since local midnight at `ms` in `zone`. */
export function wallDate(ms: number, zone: string): { date: string; minutes: number } {
  const wall = wallMs(ms, zone);
  const iso = new Date(wall).toISOString();
  return { date: iso.slice(0, 10), minutes: Math.floor((wall % (24 * HOUR_MS)) / 60_000) };
}

/** Adds `days` to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const ms = Date.parse(`${date}T00:00:00Z`) + days * 24 * HOUR_MS;
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The first instant at which the wall clock of `zone` shows `date` `hh:mm` or later:
 * - a normal time: that instant;
 * - a time that occurs twice (clocks go back): its first occurrence;
 * - a time skipped by a DST gap: the end of the gap (the first valid instant after it).
 */
export function firstInstantOfWallTime(date: string, hhmm: string, zone: string): Date {
  const target = Date.parse(`${date}T${hhmm}:00Z`);
  // Offsets around the target; a zone changes offset at most once in a day.
  const offsets = new Set([offsetMs(target - 36 * HOUR_MS, zone), offsetMs(target - 12 * HOUR_MS, zone), offsetMs(target + 12 * HOUR_MS, zone), offsetMs(target + 36 * HOUR_MS, zone)]);
  const exact = [...offsets].map((offset) => target - offset).filter((ms) => wallMs(ms, zone) === target);
  if (exact.length > 0) return new Date(Math.min(...exact));
  // In a gap: the wall clock jumps over the target between these two instants; find the jump.
  const candidates = [...offsets].map((offset) => target - offset);
  let lo = Math.min(...candidates);
  let hi = Math.max(...candidates);
  while (hi - lo > SECOND_MS) {
    const mid = Math.floor((lo + hi) / 2 / SECOND_MS) * SECOND_MS;
    if (mid <= lo || mid >= hi) break;
    if (wallMs(mid, zone) >= target) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}
