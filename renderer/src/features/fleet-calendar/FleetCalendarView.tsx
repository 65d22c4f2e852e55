/**
 * The fleet calendar: every location as a row on the same days (a week or a month), its runs as
 * status-coloured bars (planned outlined, missed struck, overlaps hatched). Online locations answer
 * from their own calendars; offline ones show their last known runs, greyed, with the reason.
 */
import { useMemo, useState, type ReactNode } from 'react';
import type { FleetCalendarRun } from '../../../../shared/fleet-calendar';
import { consoleApi, openLocation } from '../../bridge';
import { EmptyState } from '../../components/EmptyState';
import { StatusBadge } from '../../components/StatusBadge';
import { VirtualRows } from '../../components/VirtualRows';
import { useFleetCalendarRevision, useFleetLoaded, useHealthOrder } from '../../store/store';
import { useQuery } from '../../use-query';
import { describeRun, queryRange, runTone, shiftAnchor, toDay, type SheetKind } from '../location/calendar/calendar-sheet';
import { SheetLegend, SheetNavigation } from '../location/calendar/SheetControls';
import { fleetSheetDays, fleetSheetRows, sheetTotals, type FleetSheetRow } from './fleet-calendar-model';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** Bars a week cell shows before "+n more"; pips a month cell shows. */
const WEEK_BARS = 3;
const MONTH_PIPS = 6;
const weekdayOf = (day: string): string => WEEKDAYS[(new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7] ?? '';

/** A run overlaps when it needs a drive another run of its location holds, or runs while another location's does. */
function overlapsAny(run: FleetCalendarRun): boolean {
  return run.overlaps.length > 0 || run.acrossCount > 0;
}

function runClasses(run: FleetCalendarRun, base: string): string {
  return [base, `run-${runTone(run)}`, `kind-${run.kind}`, overlapsAny(run) ? 'overlap' : ''].filter(Boolean).join(' ');
}

function DayCell({ runs, byId, kind, day, today, location }: Readonly<{ runs: readonly FleetCalendarRun[]; byId: ReadonlyMap<string, FleetCalendarRun>; kind: SheetKind; day: string; today: boolean; location: string }>) {
  const limit = kind === 'week' ? WEEK_BARS : MONTH_PIPS;
  const more = runs.length - limit;
  const label = `${location} ${day}: ${runs.length === 0 ? 'no runs' : `${runs.length} run${runs.length === 1 ? '' : 's'}`}`;
  return (
    <div role="gridcell" aria-label={label} data-day={day} className={`fleet-cal-cell${today ? ' today' : ''}`}>
      <ul className={kind === 'week' ? 'runs' : 'pips'}>
        {runs.slice(0, limit).map((run) => {
          const across = run.acrossCount > 0 ? `\nat the same time as ${run.acrossCount} run${run.acrossCount === 1 ? '' : 's'} of other locations` : '';
          const text = describeRun(run, byId) + across;
          return kind === 'week' ? (
            <li key={run.id} className={runClasses(run, 'run')} title={text} aria-label={text} data-run={run.id} data-status={run.status} data-kind={run.kind}>
              <span className="run-text">
                {run.kind === 'missed' ? '✕ ' : ''}
                {run.task}
              </span>
              {overlapsAny(run) ? (
                <span className="run-flag" aria-hidden="true">
                  ⚠
                </span>
              ) : null}
            </li>
          ) : (
            <li key={run.id} className={runClasses(run, 'pip')} title={text} aria-label={text} data-run={run.id} data-status={run.status} data-kind={run.kind} />
          );
        })}
      </ul>
      {more > 0 ? (
        <span className="more small muted" title={runs.slice(limit).map((run) => describeRun(run, byId).split('\n')[0]).join('\n')}>
          +{more}
        </span>
      ) : null}
    </div>
  );
}

function LocationRow({ sheet, days, kind, today, columns }: Readonly<{ sheet: FleetSheetRow; days: readonly string[]; kind: SheetKind; today: string; columns: string }>) {
  const { row } = sheet;
  const stale = row.status !== 'online';
  return (
    <div role="row" className={`fleet-cal-row${stale ? ' stale' : ''}`} style={{ gridTemplateColumns: columns }} aria-label={row.name} data-location={row.name}>
      <div role="rowheader" className="fleet-cal-name">
        <button type="button" className="link strong" onClick={() => openLocation(row.id, 'Calendar')} title={`Open the calendar of ${row.name}`}>
          {row.name}
        </button>
        <StatusBadge status={row.status} />
        {row.reason ? (
          <span className="fleet-cal-note small muted" title={row.reason}>
            {row.source === 'replica' ? 'last known runs only' : row.source === 'none' ? 'nothing known yet' : row.reason}
          </span>
        ) : null}
        {row.truncated ? <span className="small tone-warn">some runs left out</span> : null}
      </div>
      {days.map((day) => (
        <DayCell key={day} runs={sheet.byDay.get(day) ?? []} byId={sheet.byId} kind={kind} day={day} today={day === today} location={row.name} />
      ))}
    </div>
  );
}

export function FleetCalendarView() {
  const loaded = useFleetLoaded();
  const order = useHealthOrder();
  const revision = useFleetCalendarRevision();
  const [kind, setKind] = useState<SheetKind>('week');
  const today = revision.backupDay ?? toDay(new Date());
  const [anchor, setAnchor] = useState<string | null>(null);
  const shownAnchor = anchor ?? today;
  const [filter, setFilter] = useState('');
  const days = useMemo(() => fleetSheetDays(kind, shownAnchor), [kind, shownAnchor]);
  const range = useMemo(() => queryRange(days), [days]);
  const calendar = useQuery(loaded && order.length > 0 ? `${range.from}|${range.to}|${revision.key}` : null, () => consoleApi().getFleetCalendar(range));
  const data = calendar.state === 'ok' ? calendar.data : null;
  const rows = useMemo(() => fleetSheetRows(data, order, days, filter), [data, order, days, filter]);
  const totals = useMemo(() => sheetTotals(rows), [rows]);
  const month = Number(shownAnchor.slice(5, 7)) - 1;
  const title = kind === 'month' ? `${MONTHS[month]} ${shownAnchor.slice(0, 4)}` : `Week of ${days[0]} – ${days.at(-1)}`;
  const columns = `minmax(150px, 200px) repeat(${days.length}, minmax(0, 1fr))`;
  const missing = data ? data.locations.filter((row) => row.source !== 'agent') : [];

  let body: ReactNode;
  if (!loaded) body = <EmptyState title="Loading the fleet…" tone="loading" />;
  else if (order.length === 0) {
    body = <EmptyState title="No locations yet">Add a location: its past and planned runs appear here, one row per location.</EmptyState>;
  } else if (calendar.state === 'error') {
    body = (
      <EmptyState title="Could not read the fleet calendar" tone="error">
        <p>{calendar.message}</p>
        <button type="button" onClick={calendar.reload}>
          Try again
        </button>
      </EmptyState>
    );
  } else if (calendar.state === 'loading') {
    body = <EmptyState title="Reading every location’s calendar…" tone="loading" />;
  } else if (rows.length === 0) {
    body = <EmptyState title={`No location matches “${filter}”`}>Clear the filter to see every location.</EmptyState>;
  } else {
    body = (
      <VirtualRows
        className={`fleet-cal fleet-cal-${kind}`}
        role="grid"
        label={`Fleet calendar ${title}`}
        count={rows.length}
        rowHeight={kind === 'week' ? 78 : 46}
        header={
          <div role="row" className="fleet-cal-row fleet-cal-head" style={{ gridTemplateColumns: columns }}>
            <span role="columnheader">Location</span>
            {days.map((day) => (
              <span role="columnheader" key={day} className={day === today ? 'today' : undefined} aria-label={day}>
                {kind === 'week' ? (
                  <>
                    {weekdayOf(day)} <span className="muted">{day.slice(5)}</span>
                  </>
                ) : (
                  <>
                    <span className="muted">{weekdayOf(day).slice(0, 1)}</span>
                    {Number(day.slice(8, 10))}
                  </>
                )}
              </span>
            ))}
          </div>
        }
        renderRow={(index) => {
          const sheet = rows[index];
          return sheet ? <LocationRow sheet={sheet} days={days} kind={kind} today={today} columns={columns} /> : null;
        }}
      />
    );
  }

  return (
    <section className="fleet-calendar" aria-label="Fleet calendar">
      <header className="view-header">
        <h1>Fleet calendar</h1>
        <SheetNavigation kind={kind} title={title} onKind={setKind} onShift={(step) => setAnchor(shiftAnchor(kind, shownAnchor, step))} onToday={() => setAnchor(null)} />
        <span className="spacer" />
        <input className="fleet-cal-filter" type="search" value={filter} onChange={(event) => setFilter(event.target.value)} placeholder="Filter locations…" aria-label="Filter locations by name" spellCheck={false} />
      </header>
      <div className="fleet-cal-summary">
        <span className="small" role="status">
          {data ? `${rows.length} location${rows.length === 1 ? '' : 's'} · ${totals.past} past run${totals.past === 1 ? '' : 's'} · ${totals.failed} failed or missed · ${totals.planned} planned · ${totals.overlaps} overlapping` : '\u00a0'}
        </span>
        <span className="spacer" />
        <SheetLegend />
      </div>
      {missing.length > 0 ? (
        <p className="note tone-warn small" aria-label="Calendars not read">
          Not read from the agent: {missing.slice(0, 4).map((row) => `${row.name} (${row.reason ?? row.source})`).join('; ')}
          {missing.length > 4 ? ` and ${missing.length - 4} more` : ''}. Their rows show the last known runs only.
        </p>
      ) : null}
      {body}
    </section>
  );
}
