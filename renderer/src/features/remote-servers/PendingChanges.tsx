/** The provisioning journal: changes not yet applied (with Retry and Discard) and the recently applied ones. */
import { useState } from 'react';
import type { Change } from '../../../../shared/provisioning';
import { consoleApi } from '../../bridge';
import { utcTitle } from '../../format';
import { useChanges } from '../../store/store';
import { changePhaseWord, changeSubject, isOpenChange, isPendingChange } from './change-words';
import { ErrorAlert } from '../../components/ErrorAlert';

const RECENT_APPLIED = 10;

function ChangeRow({ change, busy, onRetry, onDiscard }: Readonly<{ change: Change; busy: boolean; onRetry: () => void; onDiscard: () => void }>) {
  const subject = changeSubject(change);
  return (
    <li className={`change change-${changePhaseWord(change).replace(' ', '-')}`} aria-label={`${change.locationName}: ${subject} ${change.state}`}>
      <span className="change-state" data-state={change.state}>
        {change.state}
      </span>
      <span className="change-location">{change.locationName}</span>
      <span className="change-subject">{subject}</span>
      <time className="change-time muted small" dateTime={change.updatedAt} title={utcTitle(change.updatedAt)}>
        {new Date(change.updatedAt).toLocaleString()}
      </time>
      <span className="change-phase muted small">{changePhaseWord(change)}</span>
      {change.lastError && isOpenChange(change) ? <span className="change-error error small">{change.lastError.message}</span> : null}
      {isOpenChange(change) ? (
        <span className="change-actions">
          {isPendingChange(change) ? (
            <button type="button" onClick={onRetry} disabled={busy} aria-label={`Retry ${subject} on ${change.locationName}`}>
              Retry
            </button>
          ) : null}
          <button type="button" onClick={onDiscard} disabled={busy || (!isPendingChange(change) && change.kind !== 'register')} aria-label={`Discard ${subject} on ${change.locationName}`}>
            Discard
          </button>
        </span>
      ) : null}
    </li>
  );
}

export function PendingChanges() {
  const { changes, load, error } = useChanges();
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState('');
  const act = (id: string, work: () => Promise<unknown>): void => {
    setBusy(id);
    setFailure('');
    work()
      .catch((caught: unknown) => setFailure(caught instanceof Error ? caught.message : String(caught)))
      .finally(() => setBusy(null));
  };
  const open = changes.filter(isOpenChange);
  const applied = changes.filter((change) => !isOpenChange(change)).slice(0, RECENT_APPLIED);
  const row = (change: Change) => (
    <ChangeRow
      key={change.id}
      change={change}
      busy={busy === change.id}
      onRetry={() => act(change.id, () => consoleApi().retryChange({ change: change.id }))}
      onDiscard={() => act(change.id, () => consoleApi().discardChange({ change: change.id }))}
    />
  );
  return (
    <section className="changes" aria-labelledby="changes-title">
      <h3 id="changes-title">Pending changes</h3>
      {load === 'loading' ? (
        <p className="muted" role="status">
          Loading changes…
        </p>
      ) : load === 'failed' ? (
        <p className="error" role="alert">
          Could not load the changes: {error}
        </p>
      ) : open.length === 0 ? (
        <p className="muted">Nothing pending: every change reached its location.</p>
      ) : (
        <ul className="change-list" aria-label="Pending changes">
          {open.map(row)}
        </ul>
      )}
      <ErrorAlert message={failure} />
      {applied.length > 0 ? (
        <details className="changes-applied">
          <summary>Recently applied ({applied.length})</summary>
          <ul className="change-list" aria-label="Recently applied changes">
            {applied.map(row)}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
