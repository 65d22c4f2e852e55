/** Pure helpers of the fleet calendar: the day columns of a sheet, and the rows in health order. */
import type { FleetCalendar, FleetCalendarRow, FleetCalendarRun as CalendarRun } from '../../../../shared/fleet-calendar';
import { addDays, sheetDays, type SheetKind } from '../location/calendar/calendar-sheet';

/** The fleet calendar's columns: a week Monday to Sunday, or every day of the anchor's month. */
export function fleetSheetDays(kind: SheetKind, anchor: string): string[] {
  if (kind === 'week') return sheetDays('week', anchor);
  const first = `${anchor.slice(0, 8)}01`;
  const days: string[] = [];
  for (let day = first; day.slice(0, 7) === first.slice(0, 7); day = addDays(day, 1)) days.push(day);
  return days;
}

export interface FleetSheetRow {
  readonly row: FleetCalendarRow;
  readonly byDay: ReadonlyMap<string, readonly CalendarRun[]>;
  readonly byId: ReadonlyMap<string, CalendarRun>;
  /** Runs of this row that fall on the sheet's days. */
  readonly shown: number;
}

/**
 * The calendar's rows in the given location order (health first), filtered by name; each row's
 * runs grouped by backup day (earliest first). Locations the answer does not know are left out.
 */
export function fleetSheetRows(calendar: FleetCalendar | null, order: readonly string[], days: readonly string[], filter: string): FleetSheetRow[] {
  if (!calendar) return [];
  const byLocation = new Map(calendar.locations.map((row) => [row.id, row] as const));
  const known = new Set(order);
  const ids = [...order, ...calendar.locations.map((row) => row.id).filter((id) => !known.has(id))];
  const wanted = new Set(days);
  const query = filter.trim().toLowerCase();
  return ids.flatMap((id) => {
    const row = byLocation.get(id);
    if (!row || (query && !row.name.toLowerCase().includes(query))) return [];
    const byDay = new Map<string, CalendarRun[]>();
    let shown = 0;
    for (const run of row.runs) {
      if (!wanted.has(run.backupDay)) continue;
      shown += 1;
      const list = byDay.get(run.backupDay) ?? [];
      list.push(run);
      byDay.set(run.backupDay, list);
    }
    for (const list of byDay.values()) list.sort((a, b) => a.start.localeCompare(b.start));
    return [{ row, byDay, byId: new Map(row.runs.map((run) => [run.id, run] as const)), shown }];
  });
}

/** Totals over the shown rows for the header: past runs by outcome, planned, overlapping. */
export function sheetTotals(rows: readonly FleetSheetRow[]): { readonly past: number; readonly failed: number; readonly planned: number; readonly overlaps: number } {
  let past = 0;
  let failed = 0;
  let planned = 0;
  let overlaps = 0;
  for (const { byDay } of rows) {
    for (const runs of byDay.values()) {
      for (const run of runs) {
        if (run.kind === 'planned') planned += 1;
        else past += 1;
        if (run.status === 'error' || run.status === 'missed') failed += 1;
        if (run.overlaps.length > 0 || run.acrossCount > 0) overlaps += 1;
      }
    }
  }
  return { past, failed, planned, overlaps };
}
