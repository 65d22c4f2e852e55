/** The controls both calendar sheets share: week or month, previous / today / next, the title, the legend. */
import type { SheetKind } from './calendar-sheet';

export interface SheetNavigationProps {
  readonly kind: SheetKind;
  readonly title: string;
  onKind(kind: SheetKind): void;
  /** -1 for the previous sheet, 1 for the next. */
  onShift(step: -1 | 1): void;
  onToday(): void;
}

export function SheetNavigation({ kind, title, onKind, onShift, onToday }: Readonly<SheetNavigationProps>) {
  return (
    <>
      <div className="segmented" role="group" aria-label="Sheet">
        <button type="button" aria-pressed={kind === 'week'} onClick={() => onKind('week')}>
          Week
        </button>
        <button type="button" aria-pressed={kind === 'month'} onClick={() => onKind('month')}>
          Month
        </button>
      </div>
      <button type="button" aria-label="Previous" onClick={() => onShift(-1)}>
        ‹
      </button>
      <button type="button" onClick={onToday}>
        Today
      </button>
      <button type="button" aria-label="Next" onClick={() => onShift(1)}>
        ›
      </button>
      <h2 className="sheet-title">{title}</h2>
    </>
  );
}

export function SheetLegend() {
  return (
    <span className="legend small">
      <span className="swatch run-ok" /> successful <span className="swatch run-warn" /> warning <span className="swatch run-bad" /> error <span className="swatch run-active" /> running/queued{' '}
      <span className="swatch kind-planned" /> planned <span className="swatch run-missed" /> missed <span className="swatch overlap" /> overlap
    </span>
  );
}
