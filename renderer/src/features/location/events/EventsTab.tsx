/** Events: the location's recent failures and warnings, from what the replica holds; filter by severity. */
import { useMemo, useState } from 'react';
import type { LocationDetail } from '../../../../../shared/console-api';
import type { CheckReport } from '../../../../../shared/schedule';
import { consoleApi } from '../../../bridge';
import { EmptyState } from '../../../components/EmptyState';
import { formatDateTime, utcTitle } from '../../../format';
import { outcomeOfError, type ActionOutcome } from '../action-outcome';
import { ActionOutcomeLine } from '../ActionOutcomeLine';
import { locationEvents, newestCheck, type EventSeverity } from './location-events';

export interface EventsTabProps {
  readonly locationId: string;
  readonly detail: LocationDetail | undefined;
  readonly canAct: boolean;
}

type Filter = 'all' | EventSeverity;
const SOURCE_WORDS = { job: 'job', media: 'media', check: 'pre-flight check', license: 'license' } as const;

export function EventsTab({ locationId, detail, canAct }: Readonly<EventsTabProps>) {
  const [filter, setFilter] = useState<Filter>('all');
  const [ran, setRan] = useState<CheckReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const check = newestCheck(detail?.schedules?.lastCheck, ran);
  const events = useMemo(() => locationEvents(detail, check), [detail, check]);
  const shown = filter === 'all' ? events : events.filter((event) => event.severity === filter);
  const errors = events.filter((event) => event.severity === 'error').length;

  const runCheck = (): void => {
    setBusy(true);
    setOutcome(null);
    consoleApi()
      .checkRun({ id: locationId, args: {} })
      .then((report) => {
        setRan(report);
        setOutcome({ kind: 'done', text: report.ok ? 'Pre-flight check: ready for the next runs.' : `Pre-flight check: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}.` })
      })
      .catch((caught: unknown) => setOutcome(outcomeOfError(caught)))
      .finally(() => setBusy(false));
  };

  return (
    <div className="events-tab">
      <div className="view-header">
        <div className="segmented" role="group" aria-label="Severity">
          <button type="button" aria-pressed={filter === 'all'} onClick={() => setFilter('all')}>
            All {events.length}
          </button>
          <button type="button" aria-pressed={filter === 'error'} onClick={() => setFilter('error')}>
            Errors {errors}
          </button>
          <button type="button" aria-pressed={filter === 'warning'} onClick={() => setFilter('warning')}>
            Warnings {events.length - errors}
          </button>
        </div>
        <span className="muted" title={utcTitle(check?.at)}>
          {check ? `last pre-flight check ${formatDateTime(check.at)}: ${check.ok ? 'ready' : 'not ready'}` : 'no pre-flight check yet'}
        </span>
        <span className="spacer" />
        <button type="button" onClick={runCheck} disabled={!canAct || busy}>
          {busy ? 'Checking…' : 'Run check'}
        </button>
      </div>
      <ActionOutcomeLine outcome={outcome} />
      {shown.length === 0 ? (
        <EmptyState title={events.length === 0 ? 'No failures or warnings' : 'Nothing of this severity'}>
          {events.length === 0 ? 'The recent jobs ran clean, nothing waits for media, the last check found nothing and the license is fine.' : null}
        </EmptyState>
      ) : (
        <table className="table events" aria-label="Events">
          <thead>
            <tr>
              <th>Severity</th>
              <th>When</th>
              <th>Source</th>
              <th>Subject</th>
              <th>Message</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((event) => (
              <tr key={event.key} data-severity={event.severity}>
                <td className={event.severity === 'error' ? 'tone-bad' : 'tone-warn'}>{event.severity === 'error' ? '✖ error' : '⚠ warning'}</td>
                <td className="nowrap" title={utcTitle(event.at)}>
                  {formatDateTime(event.at)}
                </td>
                <td>{SOURCE_WORDS[event.source]}</td>
                <td className="strong">{event.subject}</td>
                <td>{event.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="note muted small">
        Assembled from this location’s recent jobs, the last pre-flight check and its license. The whole fleet's alarms, which you can acknowledge, are under Alarms in the header.
      </p>
    </div>
  );
}
