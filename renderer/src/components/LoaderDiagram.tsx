import type { Drive, ElementKind, Loader, LoaderElement, Media, SlotMismatch } from '../../../shared/devices';
import { isCleaningBarcode } from '../../../shared/barcode';
import { formatAgo, utcTitle } from '../format';
import { VirtualRows } from './VirtualRows';

/** One element of one loader, as the administrator selected it. */
export interface ElementRef {
  readonly loader: string;
  readonly kind: ElementKind;
  readonly number: number;
}

export interface LoaderDiagramProps {
  readonly loader: Loader;
  readonly drives: readonly Drive[];
  readonly mediaByBarcode: ReadonlyMap<string, Media>;
  readonly selected: ElementRef | null;
  readonly onSelect: (element: ElementRef) => void;
  readonly onRefresh: () => void;
  readonly refreshing: boolean;
  readonly now: number;
  /** Actions are impossible (location offline, or another action runs). */
  readonly disabled: boolean;
}

/** Slots per row of the slot grid. */
const SLOTS_PER_ROW = 8;
const SLOT_ROW_HEIGHT = 58;

const mismatchKey = (kind: ElementKind, element: number): string => `${kind}:${element}`;
const describe = (barcode: string | null): string => barcode ?? 'empty';

function SlotTile({
  loader,
  element,
  media,
  mismatch,
  homeOf,
  selected,
  onSelect,
}: Readonly<{ loader: string; element: LoaderElement; media: Media | undefined; mismatch: SlotMismatch | undefined; homeOf: number | null; selected: boolean; onSelect: (element: ElementRef) => void }>) {
  const cleaning = isCleaningBarcode(element.barcode);
  const kindWord = element.kind === 'ie' ? 'I/E' : 'Slot';
  const classes = ['tile', 'slot-tile', element.full ? 'full' : 'empty', cleaning ? 'cleaning' : '', mismatch ? 'mismatch' : '', selected ? 'selected' : ''];
  return (
    <button
      type="button"
      className={classes.filter(Boolean).join(' ')}
      aria-pressed={selected}
      aria-label={`${kindWord} ${element.number}`}
      data-element={`${element.kind}-${element.number}`}
      title={mismatch ? `Catalog: ${describe(mismatch.expected)} · changer: ${describe(mismatch.found)}` : homeOf !== null ? `home of drive ${homeOf}` : undefined}
      onClick={() => onSelect({ loader, kind: element.kind, number: element.number })}
    >
      <span className="tile-number">
        {element.number}
        {mismatch ? (
          <span className="flag" aria-label="mismatch">
            {' '}⚑
          </span>
        ) : null}
      </span>
      <span className="tile-main">{element.full ? (element.barcode ?? '(no barcode)') : homeOf !== null ? `→ drive ${homeOf}` : '—'}</span>
      <span className="tile-sub">{cleaning ? 'cleaning' : media ? media.label : element.full ? 'unlabelled' : homeOf !== null ? 'home slot' : ''}</span>
    </button>
  );
}

/** A changer drawn as its elements: drives, storage slots (virtualised), import/export slots. */
export function LoaderDiagram({ loader, drives, mediaByBarcode, selected, onSelect, onRefresh, refreshing, now, disabled }: Readonly<LoaderDiagramProps>) {
  const mismatches = new Map(loader.mismatches.map((mismatch) => [mismatchKey(mismatch.kind, mismatch.element), mismatch]));
  const slots = loader.elements.filter((element) => element.kind === 'slot').sort((a, b) => a.number - b.number);
  const ies = loader.elements.filter((element) => element.kind === 'ie').sort((a, b) => a.number - b.number);
  const homes = new Map<number, number>();
  for (const element of loader.elements) if (element.kind === 'drive' && element.full && element.homeSlot !== null) homes.set(element.homeSlot, element.number);
  const isSelected = (kind: ElementKind, number: number): boolean => selected?.loader === loader.name && selected.kind === kind && selected.number === number;
  const tile = (element: LoaderElement) => (
    <SlotTile
      key={`${element.kind}-${element.number}`}
      loader={loader.name}
      element={element}
      media={element.barcode ? mediaByBarcode.get(element.barcode) : undefined}
      mismatch={mismatches.get(mismatchKey(element.kind, element.number))}
      homeOf={homes.get(element.number) ?? null}
      selected={isSelected(element.kind, element.number)}
      onSelect={onSelect}
    />
  );
  const rowCount = Math.ceil(slots.length / SLOTS_PER_ROW);
  return (
    <section className="loader card" aria-label={`Loader ${loader.name}`}>
      <header className="loader-head">
        <h3>{loader.name}</h3>
        <span className="muted">
          {loader.kind === 'vtl' ? 'virtual library' : 'mtx changer'} · {loader.drives} drives · {loader.slots} slots · {loader.ieSlots} I/E
        </span>
        <span className="spacer" />
        <span className="muted" title={utcTitle(loader.inventoryAt)}>
          {loader.inventoryAt ? `inventory read ${formatAgo(loader.inventoryAt, now)}` : 'inventory never read'}
        </span>
        <button type="button" onClick={onRefresh} disabled={disabled || refreshing}>
          {refreshing ? 'Reading…' : 'Refresh'}
        </button>
      </header>
      {loader.mismatches.length > 0 ? (
        <div className="mismatches tone-warn" role="note" aria-label="Mismatching slots">
          <strong>⚑ {loader.mismatches.length === 1 ? '1 slot disagrees' : `${loader.mismatches.length} slots disagree`} with the catalog</strong>
          <ul>
            {loader.mismatches.map((mismatch) => (
              <li key={mismatchKey(mismatch.kind, mismatch.element)}>
                {mismatch.kind === 'ie' ? 'I/E' : mismatch.kind === 'drive' ? 'Drive' : 'Slot'} {mismatch.element}: catalog {describe(mismatch.expected)}, changer {describe(mismatch.found)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <h4>Drives</h4>
      <div className="drive-row">
        {drives.map((drive) => {
          const media = drive.barcode ? mediaByBarcode.get(drive.barcode) : undefined;
          const chosen = isSelected('drive', drive.number);
          return (
            <button
              key={drive.number}
              type="button"
              className={`tile drive-tile drive-${drive.state}${chosen ? ' selected' : ''}${drive.barcode ? ' full' : ' empty'}`}
              aria-pressed={chosen}
              aria-label={`Drive ${drive.number}`}
              onClick={() => onSelect({ loader: loader.name, kind: 'drive', number: drive.number })}
            >
              <span className="tile-number">
                [{drive.number}] <span className={`drive-state state-${drive.state}`}>{drive.state}</span>
              </span>
              <span className="tile-main">{drive.barcode ?? 'empty'}</span>
              <span className="tile-sub">{drive.media ?? media?.label ?? (drive.barcode ? 'unlabelled' : '')}</span>
              {drive.job ? <span className="tile-sub">{drive.job}</span> : null}
              {drive.progress !== null ? (
                <span className="usage-bar" role="meter" aria-label="Job progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(drive.progress * 100)}>
                  <span className="usage-fill" style={{ width: `${Math.round(drive.progress * 100)}%` }} />
                </span>
              ) : null}
              {drive.detail ? <span className="tile-sub tone-bad">{drive.detail}</span> : null}
            </button>
          );
        })}
      </div>
      <h4>Slots</h4>
      <VirtualRows
        className="slot-grid"
        label={`Slots of ${loader.name}`}
        count={rowCount}
        rowHeight={SLOT_ROW_HEIGHT}
        renderRow={(row) => <div className="slot-row">{slots.slice(row * SLOTS_PER_ROW, row * SLOTS_PER_ROW + SLOTS_PER_ROW).map(tile)}</div>}
      />
      {ies.length > 0 ? (
        <>
          <h4>Import/export</h4>
          <div className="slot-row">{ies.map(tile)}</div>
        </>
      ) : null}
    </section>
  );
}
