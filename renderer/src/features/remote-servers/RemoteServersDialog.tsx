/**
 * Configuration → Remote servers: every registered location with its status word, address and
 * pinned fingerprint; edit, reconnect and remove (after a confirmation); and the provisioning
 * journal's pending changes with Retry and Discard. Agent-supplied strings are rendered as text.
 */
import { useState } from 'react';
import type { LocationView } from '../../../../shared/fleet';
import { Dialog } from '../../components/Dialog';
import { StatusBadge } from '../../components/StatusBadge';
import { consoleApi } from '../../bridge';
import { useChanges, useConsoleLink, useFleetLoaded, useFleetRows } from '../../store/store';
import { EditLocationForm } from './EditLocationForm';
import { PendingChanges } from './PendingChanges';
import { isOpenChange } from './change-words';
import { ErrorAlert } from '../../components/ErrorAlert';

export interface RemoteServersDialogProps {
  readonly onClose: () => void;
  /** Opens the Add location dialog. */
  readonly onAdd: () => void;
}

function RemoveConfirmation({ location, pending, onDone }: Readonly<{ location: LocationView; pending: number; onDone: () => void }>) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const remove = (): void => {
    setBusy(true);
    consoleApi()
      .removeLocation({ id: location.id })
      .then(onDone, (caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)))
      .finally(() => setBusy(false));
  };
  return (
    <section className="confirm" role="group" aria-label={`Remove ${location.name}?`}>
      <p>
        Remove <strong>{location.name}</strong> from this console? The console disconnects and forgets its token; the backup server itself is not changed.
        {pending > 0 ? ` Its ${pending} pending change${pending === 1 ? '' : 's'} to tasks or schedules stay listed until you discard them.` : ''}
      </p>
      <ErrorAlert message={error} />
      <div className="actions">
        <button type="button" onClick={onDone}>
          Keep it
        </button>
        <button type="button" className="danger" onClick={remove} disabled={busy}>
          Remove {location.name}
        </button>
      </div>
    </section>
  );
}

type Mode = { readonly kind: 'list' } | { readonly kind: 'edit'; readonly id: string } | { readonly kind: 'remove'; readonly id: string };

export function RemoteServersDialog({ onClose, onAdd }: Readonly<RemoteServersDialogProps>) {
  const rows = useFleetRows();
  const loaded = useFleetLoaded();
  const link = useConsoleLink();
  const { changes } = useChanges();
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const pendingOf = (id: string): number => changes.filter((change) => change.location === id && isOpenChange(change)).length;
  const target = mode.kind === 'list' ? undefined : rows.find(({ location }) => location.id === mode.id)?.location;
  const reconnect = (location: LocationView): void => {
    setError('');
    consoleApi()
      .reconnectLocation({ id: location.id })
      .then(
        () => setNotice(`Reconnecting to ${location.name}…`),
        (caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)),
      );
  };
  const back = (): void => setMode({ kind: 'list' });
  return (
    <Dialog title="Remote servers" onClose={onClose} wide>
      {link.state === 'lost' || link.state === 'refused' ? (
        <p className="error" role="alert">
          The console is not reachable, so this list may be out of date: {link.detail}
        </p>
      ) : null}
      {!loaded ? (
        <p className="muted" role="status">
          Loading remote servers…
        </p>
      ) : rows.length === 0 ? (
        <p className="muted">No remote servers yet. Add one with its host, port and the token that floe-agent init printed.</p>
      ) : (
        <div className="license-table-wrap">
          <table className="table remote-servers" aria-label="Remote servers">
            <thead>
              <tr>
                <th>Name</th>
                <th>Status</th>
                <th>Address</th>
                <th>Fingerprint</th>
                <th className="num">Pending</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ location }) => (
                <tr key={location.id} aria-label={location.name} data-location={location.name}>
                  <td className="strong">{location.name}</td>
                  <td>
                    <StatusBadge status={location.status} />
                    {location.detail && location.status !== 'online' ? <div className="muted small reason">{location.detail}</div> : null}
                  </td>
                  <td className="nowrap">
                    {location.host}:{location.port}
                  </td>
                  <td>
                    <code className="fingerprint-value">{location.fingerprint}</code>
                  </td>
                  <td className="num">{pendingOf(location.id) || '—'}</td>
                  <td className="nowrap">
                    <div className="row-actions">
                      <button type="button" onClick={() => setMode({ kind: 'edit', id: location.id })} aria-label={`Edit ${location.name}`}>
                        Edit
                      </button>
                      <button type="button" onClick={() => reconnect(location)} aria-label={`Reconnect ${location.name}`}>
                        Reconnect
                      </button>
                      <button type="button" onClick={() => setMode({ kind: 'remove', id: location.id })} aria-label={`Remove ${location.name}`}>
                        Remove
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {notice ? (
        <p className="muted small" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorAlert message={error} />
      {mode.kind === 'edit' && target ? <EditLocationForm key={target.id} location={target} onDone={back} /> : null}
      {mode.kind === 'remove' && target ? <RemoveConfirmation location={target} pending={pendingOf(target.id)} onDone={back} /> : null}
      <PendingChanges />
      <div className="actions">
        <button type="button" onClick={onAdd}>
          Add location
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
