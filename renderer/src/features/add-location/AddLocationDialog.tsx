/**
 * Add location: Name, Host, Port, Token → Connect shows the agent's certificate fingerprint →
 * Trust and add. The token is sent only after the administrator trusted the fingerprint.
 */
import { useState, type FormEvent } from 'react';
import type { ProbeResult } from '../../../../shared/console-api';
import { Dialog } from '../../components/Dialog';
import { ConnectionFields, portNumber, type ConnectionFieldValues as Fields } from '../../components/ConnectionFields';
import { consoleApi } from '../../bridge';
import { ErrorAlert } from '../../components/ErrorAlert';

export interface AddLocationDialogProps {
  readonly onClose: () => void;
}

export function AddLocationDialog({ onClose }: Readonly<AddLocationDialogProps>) {
  const [fields, setFields] = useState<Fields>({ name: '', host: '', port: '7443', token: '' });
  const [probe, setProbe] = useState<ProbeResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  const edit = (key: keyof Fields) => (event: { target: { value: string } }) => {
    setFields({ ...fields, [key]: event.target.value });
    if (key === 'host' || key === 'port') setProbe(null);
  };

  const run = async (work: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError('');
    try {
      await work();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  const connect = (event: FormEvent): void => {
    event.preventDefault();
    const port = portNumber(fields.port);
    if (port === null) {
      setError('Port must be a number from 1 to 65535');
      return;
    }
    void run(async () => {
      setProbe(await consoleApi().probeLocation({ host: fields.host.trim(), port }));
    });
  };

  const trust = (): void => {
    const port = portNumber(fields.port);
    if (!probe || port === null) return;
    void run(async () => {
      await consoleApi().addLocation({ name: fields.name.trim(), host: fields.host.trim(), port, token: fields.token.trim(), fingerprint: probe.fingerprint });
      onClose();
    });
  };

  return (
    <Dialog title="Add location" onClose={onClose}>
      <form className="form" onSubmit={connect}>
        <ConnectionFields fields={fields} edit={edit} />
        {probe ? (
          <section className="fingerprint" aria-label="Agent certificate">
            <p>
              The agent at {fields.host}:{fields.port} presents a certificate for <strong>{probe.subject || '(no name)'}</strong>.
              Compare its fingerprint with the one <code>floe-agent init</code> printed:
            </p>
            <code className="fingerprint-value">{probe.fingerprint}</code>
            {probe.knownAs ? <p className="error">This certificate is already registered as “{probe.knownAs}”.</p> : null}
          </section>
        ) : null}
        <ErrorAlert message={error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          {probe ? (
            <button type="button" className="primary" onClick={trust} disabled={busy || probe.knownAs !== null}>
              Trust and add
            </button>
          ) : (
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Connecting…' : 'Connect'}
            </button>
          )}
        </div>
      </form>
    </Dialog>
  );
}
