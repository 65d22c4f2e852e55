/** Drives & loaders: each changer drawn as its elements; select a cartridge or a drive to act on it. */
import { useMemo, useState, type ReactNode } from 'react';
import type { DevicesState, Drive, Loader, LoaderElement, Media } from '../../../../shared/devices';
import { isCleaningBarcode } from '../../../../shared/barcode';
import { consoleApi } from '../../bridge';
import { EmptyState } from '../../components/EmptyState';
import { LoaderDiagram, type ElementRef } from '../../components/LoaderDiagram';
import { useNow } from '../../use-now';
import { outcomeOfError, type ActionOutcome } from './action-outcome';
import { ActionOutcomeLine } from './ActionOutcomeLine';

export interface DrivesTabProps {
  readonly locationId: string;
  readonly devices: DevicesState;
  /** Actions need the location online. */
  readonly canAct: boolean;
  readonly focus: string | null;
}

interface Runner {
  readonly running: string | null;
  run(name: string, work: () => Promise<unknown>, done: string): void;
}

function Field({ label, children }: Readonly<{ label: string; children: ReactNode }>) {
  return (
    <label className="inline-field">
      <span>{label}</span>
      {children}
    </label>
  );
}

interface Choice {
  readonly value: string;
  readonly text: string;
}

/** A labelled drop-down; `blank` is the option for the empty value (a default, or "none available"). */
function ChoiceField({ label, value, onChange, disabled, blank, choices }: Readonly<{ label: string; value: string; onChange: (value: string) => void; disabled: boolean; blank: string | null; choices: readonly Choice[] }>) {
  return (
    <Field label={label}>
      <select value={value} onChange={(event) => onChange(event.target.value)} disabled={disabled}>
        {blank !== null ? <option value="">{blank}</option> : null}
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.text}
          </option>
        ))}
      </select>
    </Field>
  );
}

function elementsOf(loader: Loader, kind: LoaderElement['kind'], full: boolean): LoaderElement[] {
  return loader.elements.filter((element) => element.kind === kind && element.full === full).sort((a, b) => a.number - b.number);
}

function SlotActions({ id, loader, element, media, pools, drives, runner, disabled }: Readonly<{ id: string; loader: Loader; element: LoaderElement; media: Media | undefined; pools: readonly string[]; drives: readonly Drive[]; runner: Runner; disabled: boolean }>) {
  const emptyDrives = drives.filter((drive) => drive.barcode === null);
  const emptySlots = elementsOf(loader, 'slot', false);
  const emptyIes = elementsOf(loader, 'ie', false);
  const fullIes = elementsOf(loader, 'ie', true);
  const [drive, setDrive] = useState(String(emptyDrives[0]?.number ?? ''));
  const [to, setTo] = useState(String(emptySlots[0]?.number ?? ''));
  const [exportTo, setExportTo] = useState('');
  const [importFrom, setImportFrom] = useState(String(fullIes[0]?.number ?? ''));
  const [pool, setPool] = useState(media?.pool ?? pools[0] ?? '');
  const [label, setLabel] = useState('');
  const api = consoleApi();
  const name = loader.name;
  const off = disabled || runner.running !== null;
  if (element.kind === 'ie') {
    if (!element.full) return <p className="muted">Empty import/export slot. Put a cartridge into the mail slot, then Refresh.</p>;
    return (
      <div className="action-forms">
        <div className="action-line">
          <Field label="Import to">
            <select value={to} onChange={(event) => setTo(event.target.value)} disabled={off}>
              <option value="">first empty slot</option>
              {emptySlots.map((slot) => (
                <option key={slot.number} value={slot.number}>
                  slot {slot.number}
                </option>
              ))}
            </select>
          </Field>
          <button type="button" disabled={off} onClick={() => runner.run('import', () => api.loaderImport({ id, args: { loader: name, from: element.number, ...(to ? { to: Number(to) } : {}) } }), `Imported ${element.barcode ?? 'the cartridge'}.`)}>
            Import
          </button>
        </div>
      </div>
    );
  }
  if (!element.full) {
    return (
      <div className="action-forms">
        <p className="muted">Empty slot.</p>
        {fullIes.length > 0 ? (
          <div className="action-line">
            <Field label="Import from">
              <select value={importFrom} onChange={(event) => setImportFrom(event.target.value)} disabled={off}>
                {fullIes.map((ie) => (
                  <option key={ie.number} value={ie.number}>
                    I/E {ie.number} · {ie.barcode ?? 'no barcode'}
                  </option>
                ))}
              </select>
            </Field>
            <button type="button" disabled={off || !importFrom} onClick={() => runner.run('import', () => api.loaderImport({ id, args: { loader: name, from: Number(importFrom), to: element.number } }), `Imported into slot ${element.number}.`)}>
              Import
            </button>
          </div>
        ) : null}
      </div>
    );
  }
  const cleaning = isCleaningBarcode(element.barcode);
  return (
    <div className="action-forms">
      {!cleaning ? (
        <div className="action-line">
          <ChoiceField label="Load into drive" value={drive} onChange={setDrive} disabled={off} blank={emptyDrives.length === 0 ? 'no empty drive' : null} choices={emptyDrives.map((d) => ({ value: String(d.number), text: `drive ${d.number}` }))} />
          <button type="button" disabled={off || drive === ''} onClick={() => runner.run('load', () => api.loaderLoad({ id, args: { loader: name, slot: element.number, drive: Number(drive) } }), `Loaded ${element.barcode ?? 'the cartridge'} into drive ${drive}.`)}>
            Load
          </button>
        </div>
      ) : (
        <p className="muted">Cleaning cartridge: Clean drive uses it.</p>
      )}
      <div className="action-line">
        <ChoiceField label="Transfer to slot" value={to} onChange={setTo} disabled={off} blank={emptySlots.length === 0 ? 'no empty slot' : null} choices={emptySlots.map((slot) => ({ value: String(slot.number), text: `slot ${slot.number}` }))} />
        <button type="button" disabled={off || to === ''} onClick={() => runner.run('transfer', () => api.loaderTransfer({ id, args: { loader: name, from: element.number, to: Number(to) } }), `Moved to slot ${to}.`)}>
          Transfer
        </button>
      </div>
      <div className="action-line">
        <ChoiceField label="Export to" value={exportTo} onChange={setExportTo} disabled={off} blank="first empty I/E slot" choices={emptyIes.map((ie) => ({ value: String(ie.number), text: `I/E ${ie.number}` }))} />
        <button type="button" disabled={off} onClick={() => runner.run('export', () => api.loaderExport({ id, args: { loader: name, from: element.number, ...(exportTo ? { to: Number(exportTo) } : {}) } }), `Exported ${element.barcode ?? 'the cartridge'}.`)}>
          Export
        </button>
      </div>
      {!cleaning ? (
        <div className="action-line">
          <ChoiceField label="Pool" value={pool} onChange={setPool} disabled={off} blank={pools.length === 0 ? 'no pools — add one under Media' : null} choices={pools.map((candidate) => ({ value: candidate, text: candidate }))} />
          <Field label="Label (optional)">
            <input value={label} onChange={(event) => setLabel(event.target.value.toUpperCase())} placeholder="next number" maxLength={21} disabled={off} spellCheck={false} />
          </Field>
          <button type="button" disabled={off || pool === ''} onClick={() => runner.run('label', () => api.mediaLabel({ id, args: { loader: name, slot: element.number, pool, ...(label.trim() ? { label: label.trim() } : {}) } }), `Labelled ${element.barcode ?? 'the cartridge'} into ${pool}.`)}>
            Label
          </button>
        </div>
      ) : null}
      {media ? <p className="muted">Labelled {media.label} in {media.pool}; relabelling media that holds data needs the agent CLI (--force).</p> : null}
    </div>
  );
}

function DriveActions({ id, loader, drive, runner, disabled }: Readonly<{ id: string; loader: Loader; drive: Drive; runner: Runner; disabled: boolean }>) {
  const element = loader.elements.find((candidate) => candidate.kind === 'drive' && candidate.number === drive.number);
  const emptySlots = elementsOf(loader, 'slot', false);
  const [slot, setSlot] = useState('');
  const api = consoleApi();
  const off = disabled || runner.running !== null;
  return (
    <div className="action-forms">
      {drive.barcode ? (
        <div className="action-line">
          <ChoiceField label="Unload to" value={slot} onChange={setSlot} disabled={off} blank={element?.homeSlot ? `home slot ${element.homeSlot}` : 'home slot'} choices={emptySlots.map((candidate) => ({ value: String(candidate.number), text: `slot ${candidate.number}` }))} />
          <button type="button" disabled={off} onClick={() => runner.run('unload', () => api.loaderUnload({ id, args: { loader: loader.name, drive: drive.number, ...(slot ? { slot: Number(slot) } : {}) } }), `Unloaded drive ${drive.number}.`)}>
            Unload
          </button>
        </div>
      ) : (
        <p className="muted">The drive is empty. Select a cartridge to load it here.</p>
      )}
      <div className="action-line">
        <button type="button" disabled={off} onClick={() => runner.run('clean', () => api.driveClean({ id, args: { loader: loader.name, drive: drive.number } }), `Cleaned drive ${drive.number}.`)}>
          Clean drive
        </button>
        <span className="muted">uses a cleaning cartridge (CLN…) from the library</span>
      </div>
    </div>
  );
}

export function DrivesTab({ locationId, devices, canAct, focus }: Readonly<DrivesTabProps>) {
  const now = useNow(30_000);
  const [selected, setSelected] = useState<ElementRef | null>(null);
  const [running, setRunning] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const mediaByBarcode = useMemo(() => new Map(devices.media.flatMap((media) => (media.barcode ? [[media.barcode, media] as const] : []))), [devices.media]);
  const pools = useMemo(() => devices.pools.map((pool) => pool.name), [devices.pools]);

  const runner: Runner = {
    running,
    run(name, work, done) {
      setRunning(name);
      setOutcome(null);
      work()
        .then(() => setOutcome({ kind: 'done', text: done }))
        .catch((caught: unknown) => setOutcome(outcomeOfError(caught)))
        .finally(() => setRunning(null));
    },
  };

  if (devices.loaders.length === 0) {
    return (
      <EmptyState title="No loaders at this location">
        Create one on the backup server with <code>floe-agent loader create</code> (a virtual library or an mtx changer); it appears here at once.
      </EmptyState>
    );
  }
  const loaders = focus && devices.loaders.some((loader) => loader.name === focus) ? [...devices.loaders].sort((a) => (a.name === focus ? -1 : 1)) : devices.loaders;
  const selectedLoader = selected ? devices.loaders.find((loader) => loader.name === selected.loader) : undefined;
  const selectedElement = selected && selectedLoader ? selectedLoader.elements.find((element) => element.kind === selected.kind && element.number === selected.number) : undefined;
  const selectedDrive = selected?.kind === 'drive' ? devices.drives.find((drive) => drive.loader === selected.loader && drive.number === selected.number) : undefined;
  const panelKey = selected ? `${selected.loader}/${selected.kind}/${selected.number}/${selectedElement?.barcode ?? ''}/${selectedDrive?.barcode ?? ''}` : 'none';

  let title = '';
  if (selected && selectedLoader) {
    if (selected.kind === 'drive') title = `Drive ${selected.number} · ${selectedDrive?.barcode ?? 'empty'}${selectedDrive?.media ? ` · ${selectedDrive.media}` : ''}`;
    else {
      const media = selectedElement?.barcode ? mediaByBarcode.get(selectedElement.barcode) : undefined;
      title = `${selected.kind === 'ie' ? 'I/E' : 'Slot'} ${selected.number} · ${selectedElement?.full ? (selectedElement.barcode ?? 'no barcode') : 'empty'}${media ? ` · ${media.label}` : ''}`;
    }
  }

  return (
    <div className="drives-tab">
      <div className="loaders">
        {loaders.map((loader) => (
          <LoaderDiagram
            key={loader.name}
            loader={loader}
            drives={devices.drives.filter((drive) => drive.loader === loader.name).sort((a, b) => a.number - b.number)}
            mediaByBarcode={mediaByBarcode}
            selected={selected}
            onSelect={setSelected}
            refreshing={running === `inventory:${loader.name}`}
            disabled={!canAct || running !== null}
            now={now}
            onRefresh={() => runner.run(`inventory:${loader.name}`, () => consoleApi().loaderInventory({ id: locationId, args: { name: loader.name, refresh: true } }), `Read the inventory of ${loader.name}.`)}
          />
        ))}
      </div>
      <aside className="action-panel card" aria-label="Actions">
        <h3>{selected && selectedLoader ? title : 'Select a cartridge or a drive'}</h3>
        {!canAct ? <p className="note tone-warn">The location is not online: actions wait until it is back.</p> : null}
        {selected && selectedLoader && selected.kind !== 'drive' && selectedElement ? (
          <SlotActions
            key={panelKey}
            id={locationId}
            loader={selectedLoader}
            element={selectedElement}
            media={selectedElement.barcode ? mediaByBarcode.get(selectedElement.barcode) : undefined}
            pools={pools}
            drives={devices.drives.filter((drive) => drive.loader === selectedLoader.name)}
            runner={runner}
            disabled={!canAct}
          />
        ) : null}
        {selectedDrive && selectedLoader ? <DriveActions key={panelKey} id={locationId} loader={selectedLoader} drive={selectedDrive} runner={runner} disabled={!canAct} /> : null}
        {running ? (
          <p className="muted" role="status">
            Working: {running.replace(/:.*/, '')}…
          </p>
        ) : null}
        <ActionOutcomeLine outcome={outcome} />
      </aside>
    </div>
  );
}
