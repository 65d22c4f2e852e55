/**
 * Edit a registered location: name, host, port, token (blank keeps the stored one). A new host or
 * port, or "Check certificate", shows the certificate the agent presents there; saving then pins it
 * ("Trust and save"). The console refuses a certificate another location already has.
 */
import { useState, type FormEvent } from 'react';
import type { ProbeResult } from '../../../../shared/console-api';
import type { LocationView } from '../../../../shared/fleet';
import { consoleApi } from '../../bridge';
import { ConnectionFields, portNumber } from '../../components/ConnectionFields';
import { ErrorAlert } from '../../components/ErrorAlert';

export interface EditLocationFormProps {
  readonly location: LocationView;
  readonly onDone: () => void;
}

export function EditLocationForm({ location, onDone }: Readonly<EditLocationFormProps>) {
  const [fields, setFields] = useState({ name: location.name, host: location.host, port: String(location.port), token: '' });
  const [probe, setProbe] = useState<ProbeResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const edit = (key: keyof typeof fields) => (event: { target: { value: string } }) => {
    setFields({ ...fields, [key]: event.target.value });
    if (key === 'host' || key === 'port') setProbe(null);
  };
  const run = (work: () => Promise<void>): void => {
    setBusy(true);
    setError('');
    work()
      .catch((caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)))
      .finally(() => setBusy(false));
  };
  const host = fields.host.trim();
  const addressChanged = host !== location.host || fields.port.trim() !== String(location.port);
  const checkCertificate = (): void => {
    const port = portNumber(fields.port);
    if (port === null) return setError('Port must be a number from 1 to 65535');
    run(async () => setProbe(await consoleApi().probeLocation({ host, port })));
  };
  const save = (event: FormEvent): void => {
    event.preventDefault();
    const port = portNumber(fields.port);
    if (port === null) return setError('Port must be a number from 1 to 65535');
    if (addressChanged && !probe) return checkCertificate();
    const name = fields.name.trim();
    const token = fields.token.trim();
    run(async () => {
      await consoleApi().editLocation({
        id: location.id,
        ...(name === location.name ? {} : { name }),
        ...(addressChanged ? { host, port } : {}),
        ...(token ? { token } : {}),
        ...(probe && (addressChanged || probe.fingerprint !== location.fingerprint) ? { fingerprint: probe.fingerprint } : {}),
      });
      onDone();
    });
  };
  const refused = probe?.knownAs && probe.knownAs !== location.name ? probe.knownAs : null;
  return (
    <form className="form edit-location" onSubmit={save} aria-label={`Edit ${location.name}`}>
      <h3>Edit {location.name}</h3>
      <ConnectionFields fields={fields} edit={edit} tokenOptional />
      {probe ? (
        <section className="fingerprint" aria-label="Agent certificate">
          <p>
            The agent at {host}:{fields.port} presents a certificate for <strong>{probe.subject || '(no name)'}</strong>:
          </p>
          <code className="fingerprint-value">{probe.fingerprint}</code>
          {probe.fingerprint === location.fingerprint ? (
            <p className="muted small">This is the certificate pinned now.</p>
          ) : (
            <p className="warning small">
              This is not the pinned certificate ({location.fingerprint}). Compare it with the one <code>floe-agent init</code> printed before you trust it.
            </p>
          )}
          {refused ? <p className="error">This certificate is already registered as “{refused}”.</p> : null}
        </section>
      ) : null}
      <ErrorAlert message={error} />
      <div className="actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="button" onClick={checkCertificate} disabled={busy}>
          Check certificate
        </button>
        <button type="submit" className="primary" disabled={busy || refused !== null}>
          {probe && probe.fingerprint !== location.fingerprint ? 'Trust and save' : addressChanged && !probe ? 'Connect' : 'Save'}
        </button>
      </div>
    </form>
  );
}
