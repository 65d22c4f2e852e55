/** Pure helpers of the Calendar tab: which backup days a week or month sheet shows, and what to ask for. */
import type { CalendarRun } from '../../../../../shared/schedule';
import { MAX_CALENDAR_SPAN_DAYS } from '../../../../../shared/calendar-limits';

export type SheetKind = 'week' | 'month';
const DAY_MS = 86_400_000;

const toDate = (day: string): Date => new Date(`${day}T00:00:00Z`);
const toDay = (date: Date): string => date.toISOString().slice(0, 10);
export const addDays = (day: string, days: number): string => toDay(new Date(toDate(day).getTime() + days * DAY_MS));
/** Monday = 0 … Sunday = 6. */
const weekday = (day: string): number => (toDate(day).getUTCDay() + 6) % 7;

/** The backup days of the sheet that holds `anchor`: Monday to Sunday, whole weeks for a month. */
export function sheetDays(kind: SheetKind, anchor: string): string[] {
  if (kind === 'week') {
    const monday = addDays(anchor, -weekday(anchor));
    return Array.from({ length: 7 }, (_, n) => addDays(monday, n));
  }
  const first = `${anchor.slice(0, 8)}01`;
  const start = addDays(first, -weekday(first));
  const nextMonth = toDate(first);
  nextMonth.setUTCMonth(nextMonth.getUTCMonth() + 1);
  const last = addDays(toDay(nextMonth), -1);
  const end = addDays(last, 6 - weekday(last));
  const count = Math.round((toDate(end).getTime() - toDate(start).getTime()) / DAY_MS) + 1;
  return Array.from({ length: count }, (_, n) => addDays(start, n));
}

/** The anchor one sheet earlier (-1) or later (+1). */
export function shiftAnchor(kind: SheetKind, anchor: string, direction: -1 | 1): string {
  if (kind === 'week') return addDays(anchor, 7 * direction);
  const date = toDate(`${anchor.slice(0, 8)}01`);
  date.setUTCMonth(date.getUTCMonth() + direction);
  return toDay(date);
}

/**
 * The instant range of one calendarQuery: a backup day can begin the evening before (a boundary
 * in another time zone) and end the next morning, so a day of margin on each side, within the limit.
 */
export function queryRange(days: readonly string[]): { from: string; to: string } {
  const first = days[0] ?? toDay(new Date());
  const last = days.at(-1) ?? first;
  const from = toDate(addDays(first, -1));
  let to = toDate(addDays(last, 2));
  const limit = from.getTime() + MAX_CALENDAR_SPAN_DAYS * DAY_MS;
  if (to.getTime() > limit) to = new Date(limit);
  return { from: from.toISOString(), to: to.toISOString() };
}

/** Runs per backup day, earliest first. */
export function runsByDay(runs: readonly CalendarRun[]): ReadonlyMap<string, readonly CalendarRun[]> {
  const days = new Map<string, CalendarRun[]>();
  for (const run of runs) {
    const list = days.get(run.backupDay) ?? [];
    list.push(run);
    days.set(run.backupDay, list);
  }
  for (const list of days.values()) list.sort((a, b) => a.start.localeCompare(b.start));
  return days;
}

/** The status colour family of a run. */
export function runTone(run: CalendarRun): 'ok' | 'warn' | 'bad' | 'active' | 'planned' | 'missed' | 'cancelled' {
  switch (run.status) {
    case 'successful':
      return 'ok';
    case 'warning':
      return 'warn';
    case 'error':
      return 'bad';
    case 'running':
    case 'queued':
      return 'active';
    case 'planned':
      return 'planned';
    case 'missed':
      return 'missed';
    case 'cancelled':
      return 'cancelled';
  }
}

const hhmm = (iso: string): string => {
  const date = new Date(iso);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
};

/** The tooltip of a run: what, when, and what it overlaps (names, not ids). */
export function describeRun(run: CalendarRun, byId: ReadonlyMap<string, CalendarRun>): string {
  const what = `${run.task} · ${run.type} · ${run.status}${run.kind === 'planned' ? ' (planned)' : run.kind === 'missed' ? ' (missed while the agent was down)' : ''}`;
  const when = `${hhmm(run.start)}${run.end ? `–${hhmm(run.end)}` : ''}`;
  const drive = run.drive ? ` · ${run.drive.loader} drive ${run.drive.number}` : '';
  const schedule = run.schedule ? ` · schedule ${run.schedule}` : '';
  const lines = [`${what}`, `${when}${drive}${schedule}`];
  if (run.overlaps.length > 0) {
    const names = run.overlaps.map((id) => {
      const other = byId.get(id);
      return other ? `${other.task} ${other.type} ${hhmm(other.start)}${other.end ? `–${hhmm(other.end)}` : ''}` : id;
    });
    lines.push(`Overlaps on the same drive with: ${names.join(', ')}`);
  }
  return lines.join('\n');
}

export { toDay };
