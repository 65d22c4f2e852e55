import type { KeyboardEvent } from 'react';

export interface TabsProps<T extends string> {
  readonly tabs: readonly T[];
  readonly active: T;
  readonly onChoose: (tab: T) => void;
  readonly label: string;
  readonly idPrefix: string;
}

/** A tab strip (←/→ move between tabs). The panel is rendered by the caller with `${idPrefix}-panel`. */
export function Tabs<T extends string>({ tabs, active, onChoose, label, idPrefix }: Readonly<TabsProps<T>>) {
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const index = tabs.indexOf(active);
    const next = tabs[(index + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    if (next === undefined) return;
    event.preventDefault();
    onChoose(next);
    event.currentTarget.querySelector<HTMLElement>(`[data-tab="${CSS.escape(next)}"]`)?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
      {tabs.map((tab) => (
        <button
          key={tab}
          type="button"
          role="tab"
          data-tab={tab}
          aria-selected={tab === active}
          aria-controls={`${idPrefix}-panel`}
          tabIndex={tab === active ? 0 : -1}
          className={tab === active ? 'tab active' : 'tab'}
          onClick={() => onChoose(tab)}
        >
          {tab}
        </button>
      ))}
    </div>
  );
}
