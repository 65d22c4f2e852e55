/** The location's calendar: a week or month sheet of backup days, runs as small status-coloured bars. */
import { useMemo, useState } from 'react';
import type { JobsState } from '../../../../../shared/engine';
import type { CalendarRun, SchedulesState } from '../../../../../shared/schedule';
import { consoleApi } from '../../../bridge';
import { EmptyState } from '../../../components/EmptyState';
import { useQuery } from '../../../use-query';
import { SheetLegend, SheetNavigation } from './SheetControls';
import { describeRun, queryRange, runsByDay, runTone, sheetDays, shiftAnchor, toDay, type SheetKind } from './calendar-sheet';

export interface CalendarTabProps {
  readonly locationId: string;
  readonly jobs: JobsState | null;
  readonly schedules: SchedulesState | null;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * What makes the calendar stale: jobs starting or ending, schedules changing, a new backup day.
 * Progress pushes of a running job change none of it, so they do not refetch.
 */
function revisionOf(jobs: JobsState | null, schedules: SchedulesState | null): string {
  const active = jobs?.active.map((job) => `${job.id}:${job.state}`).join(',') ?? '';
  const recent = jobs?.recent.map((job) => job.id).join(',') ?? '';
  const plan = schedules ? `${schedules.backupDay}|${schedules.schedules.map((s) => `${s.name}:${s.cron}:${s.enabled}:${s.type}:${s.tasks.join('+')}`).join(',')}` : '';
  return `${active}|${recent}|${plan}`;
}

function RunBar({ run, byId }: Readonly<{ run: CalendarRun; byId: ReadonlyMap<string, CalendarRun> }>) {
  const classes = ['run', `run-${runTone(run)}`, `kind-${run.kind}`, run.overlaps.length > 0 ? 'overlap' : ''].filter(Boolean).join(' ');
  const label = describeRun(run, byId);
  return (
    <li className={classes} title={label} aria-label={label} data-run={run.id} data-status={run.status} data-kind={run.kind}>
      <span className="run-text">
        {run.kind === 'missed' ? '✕ ' : ''}
        {run.task}
      </span>
      {run.overlaps.length > 0 ? (
        <span className="run-flag" aria-hidden="true">
          ⚠
        </span>
      ) : null}
    </li>
  );
}

export function CalendarTab({ locationId, jobs, schedules }: Readonly<CalendarTabProps>) {
  const today = schedules?.backupDay ?? toDay(new Date());
  const [kind, setKind] = useState<SheetKind>('week');
  const [anchor, setAnchor] = useState(today);
  const days = useMemo(() => sheetDays(kind, anchor), [kind, anchor]);
  const range = useMemo(() => queryRange(days), [days]);
  const revision = revisionOf(jobs, schedules);
  const runs = useQuery(`${locationId}|${range.from}|${range.to}|${revision}`, () => consoleApi().calendarQuery({ id: locationId, args: range }));
  const byDay = useMemo(() => (runs.state === 'ok' ? runsByDay(runs.data) : new Map<string, readonly CalendarRun[]>()), [runs]);
  const byId = useMemo(() => new Map(runs.state === 'ok' ? runs.data.map((run) => [run.id, run] as const) : []), [runs]);
  const month = Number(anchor.slice(5, 7)) - 1;
  const title = kind === 'month' ? `${MONTHS[month]} ${anchor.slice(0, 4)}` : `Week of ${days[0]} – ${days.at(-1)}`;
  const total = runs.state === 'ok' ? runs.data.length : 0;

  return (
    <div className="calendar-tab">
      <div className="view-header">
        <SheetNavigation kind={kind} title={title} onKind={setKind} onShift={(step) => setAnchor((current) => shiftAnchor(kind, current, step))} onToday={() => setAnchor(today)} />
        <span className="spacer" />
        <SheetLegend />
      </div>
      {runs.state === 'error' ? (
        <EmptyState title="Could not read the calendar" tone="error">
          <p>{runs.message}</p>
          <button type="button" onClick={runs.reload}>
            Try again
          </button>
        </EmptyState>
      ) : (
        <>
          {runs.state === 'loading' ? (
            <p className="muted" role="status">
              Reading the calendar…
            </p>
          ) : total === 0 ? (
            <p className="muted" role="status">
              No runs and nothing planned in these days. Schedules (floe-agent schedule add) plan runs; backups appear as they happen.
            </p>
          ) : null}
          <div className={`sheet sheet-${kind}`} role="grid" aria-label={`Calendar ${title}`}>
            <div className="sheet-row sheet-head" role="row">
              {WEEKDAYS.map((day) => (
                <span key={day} role="columnheader">
                  {day}
                </span>
              ))}
            </div>
            {Array.from({ length: Math.ceil(days.length / 7) }, (_, week) => (
              <div key={week} className="sheet-row" role="row">
                {days.slice(week * 7, week * 7 + 7).map((day) => {
                  const dayRuns = byDay.get(day) ?? [];
                  const outside = kind === 'month' && Number(day.slice(5, 7)) - 1 !== month;
                  return (
                    <div key={day} role="gridcell" aria-label={day} data-day={day} className={`day-cell${day === today ? ' today' : ''}${outside ? ' outside' : ''}`}>
                      <span className="day-number">{kind === 'week' ? day : Number(day.slice(8, 10))}</span>
                      <ul className="runs">
                        {dayRuns.map((run) => (
                          <RunBar key={run.id} run={run} byId={byId} />
                        ))}
                      </ul>
                    </div>
                  );
                })}
              </div>
            ))}
          </div>
        </>
      )}
    </div>
  );
}
