/** Media: pools with their label pattern and retention, "Add pool", and the cartridges (virtualised). */
import { useState, type FormEvent } from 'react';
import type { DevicesState } from '../../../../shared/devices';
import { consoleApi } from '../../bridge';
import { EmptyState } from '../../components/EmptyState';
import { MediaTable } from '../../components/MediaTable';
import { useActions } from '../../store/store';
import { outcomeOfError, type ActionOutcome } from './action-outcome';
import { ActionOutcomeLine } from './ActionOutcomeLine';

export interface MediaTabProps {
  readonly locationId: string;
  readonly devices: DevicesState;
  readonly canAct: boolean;
  readonly focus: string | null;
}

function AddPoolForm({ locationId, canAct }: Readonly<{ locationId: string; canAct: boolean }>) {
  const [name, setName] = useState('');
  const [retention, setRetention] = useState('');
  const [pattern, setPattern] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const retentionDays = retention.trim() === '' ? undefined : Number(retention);
    if (retentionDays !== undefined && (!Number.isInteger(retentionDays) || retentionDays < 0)) {
      setOutcome({ kind: 'error', code: 'BAD_REQUEST', text: 'Retention is a whole number of days.' });
      return;
    }
    setBusy(true);
    setOutcome(null);
    consoleApi()
      .poolAdd({ id: locationId, args: { name: name.trim(), ...(retentionDays === undefined ? {} : { retentionDays }), ...(pattern.trim() ? { labelPattern: pattern.trim() } : {}) } })
      .then((pool) => {
        setOutcome({ kind: 'done', text: `Added pool ${pool.name}.` });
        setName('');
        setRetention('');
        setPattern('');
      })
      .catch((caught: unknown) => setOutcome(outcomeOfError(caught)))
      .finally(() => setBusy(false));
  };
  return (
    <form className="add-pool" onSubmit={submit} aria-label="Add pool">
      <label className="inline-field">
        <span>Pool name</span>
        <input value={name} onChange={(event) => setName(event.target.value.toUpperCase())} required maxLength={16} placeholder="DAILY" spellCheck={false} disabled={!canAct || busy} />
      </label>
      <label className="inline-field">
        <span>Retention days</span>
        <input value={retention} onChange={(event) => setRetention(event.target.value)} inputMode="numeric" placeholder="default" disabled={!canAct || busy} className="narrow" />
      </label>
      <label className="inline-field">
        <span>Label pattern</span>
        <input value={pattern} onChange={(event) => setPattern(event.target.value)} placeholder="^NAME\d{5}$" spellCheck={false} disabled={!canAct || busy} />
      </label>
      <button type="submit" disabled={!canAct || busy || name.trim() === ''}>
        {busy ? 'Adding…' : 'Add pool'}
      </button>
      <ActionOutcomeLine outcome={outcome} />
    </form>
  );
}

export function MediaTab({ locationId, devices, canAct, focus }: Readonly<MediaTabProps>) {
  const actions = useActions();
  const counts = new Map<string, number>();
  for (const media of devices.media) counts.set(media.pool, (counts.get(media.pool) ?? 0) + 1);
  const cartridge = focus ? devices.media.find((item) => item.label === focus) : undefined;
  const media = cartridge ? [cartridge] : focus && devices.pools.some((pool) => pool.name === focus) ? devices.media.filter((item) => item.pool === focus) : devices.media;
  return (
    <div className="media-tab">
      <section className="card" aria-label="Pools">
        <h3>Pools</h3>
        {devices.pools.length === 0 ? (
          <p className="muted">No pools yet. Add one to label cartridges into it.</p>
        ) : (
          <table className="table pools">
            <thead>
              <tr>
                <th>Pool</th>
                <th>Label pattern</th>
                <th className="num">Retention</th>
                <th>Media type</th>
                <th>Allocation</th>
                <th className="num">Media</th>
              </tr>
            </thead>
            <tbody>
              {devices.pools.map((pool) => (
                <tr key={pool.name} className={pool.name === focus || pool.name === cartridge?.pool ? 'focused' : undefined}>
                  <td className="strong">{pool.name}</td>
                  <td>
                    <code>{pool.labelPattern}</code>
                  </td>
                  <td className="num">{pool.retentionDays} d</td>
                  <td>{pool.mediaType}</td>
                  <td>{pool.allocation}</td>
                  <td className="num">{counts.get(pool.name) ?? 0}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <AddPoolForm locationId={locationId} canAct={canAct} />
      </section>
      <section className="card grow" aria-label="Cartridges">
        <h3>
          Cartridges <span className="muted">{cartridge ? `${cartridge.label} of ${devices.media.length}` : focus && media !== devices.media ? `in ${focus}: ${media.length}` : media.length}</span>
          {cartridge ? (
            <button type="button" className="link small show-all" onClick={() => actions.locationTabChosen('Media')}>
              Show all cartridges
            </button>
          ) : null}
        </h3>
        {media.length === 0 ? (
          <EmptyState title="No labelled cartridges">Select a cartridge under Drives & loaders and choose Label to put it into a pool.</EmptyState>
        ) : (
          <MediaTable media={media} />
        )}
      </section>
    </div>
  );
}
