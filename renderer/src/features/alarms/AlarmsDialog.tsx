/** The fleet's alarm feed: problems first, each acknowledgeable; agent text shown as text only. */
import { useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { consoleApi } from '../../bridge';
import { useAlarms } from '../../store/store';
import { ErrorAlert } from '../../components/ErrorAlert';

export interface AlarmsDialogProps {
  readonly onClose: () => void;
}

export function AlarmsDialog({ onClose }: Readonly<AlarmsDialogProps>) {
  const alarms = useAlarms();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const acknowledge = (id: string): void => {
    setBusy(id);
    setError('');
    consoleApi()
      .acknowledgeAlarm({ id })
      .catch((caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)))
      .finally(() => setBusy(null));
  };
  return (
    <Dialog title="Alarms" onClose={onClose}>
      {alarms.length === 0 ? (
        <p className="empty">No alarms: every location is fine.</p>
      ) : (
        <ul className="alarm-list" aria-label="Alarms">
          {alarms.map((alarm) => (
            <li key={alarm.id} className={`alarm alarm-${alarm.severity}${alarm.acknowledged ? ' acknowledged' : ''}`} aria-label={`${alarm.location}: ${alarm.text}`}>
              <span className="alarm-severity">{alarm.severity === 'critical' ? '✖' : '⚑'}</span>
              <span className="alarm-location">{alarm.location}</span>
              <span className="alarm-text">{alarm.text}</span>
              <time className="alarm-time" dateTime={alarm.at} title={alarm.at}>
                {new Date(alarm.at).toLocaleString()}
              </time>
              {alarm.acknowledged ? (
                <span className="muted">acknowledged</span>
              ) : (
                <button type="button" onClick={() => acknowledge(alarm.id)} disabled={busy === alarm.id}>
                  Acknowledge
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <ErrorAlert message={error} />
      <div className="actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
