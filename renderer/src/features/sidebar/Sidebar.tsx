/** The topology tree: Fleet → Overview; locations problems first (filter as you type); the open location's devices. */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { openLocation } from '../../bridge';
import { StatusBadge } from '../../components/StatusBadge';
import { formatAgo } from '../../format';
import { isLicenseWarning } from '../../health';
import { SEARCH_INPUT_ID } from '../../keyboard';
import { sameRows, useActions, useHealthOrder, useLocation, useLocationDetail, useLocationsById, useOpenAlarmCount, useSelection, useTreeDetails } from '../../store/store';
import { useNow } from '../../use-now';
import { holdOrder } from './held-order';
import { treeRows, type TreeRow } from './tree-rows';

export interface SidebarProps {
  readonly onAdd: () => void;
}

const ROW_HEIGHT = 28;

/** Memoised: it follows its own location and detail, so other locations' pushes skip it. */
const LocationLine = memo(function LocationLine({ id, now }: Readonly<{ id: string; now: number }>) {
  const location = useLocation(id);
  const detail = useLocationDetail(id);
  if (!location) return null;
  return (
    <>
      <span className="tree-name">{location.name}</span>
      {isLicenseWarning(detail?.license) ? (
        <span className="tone-warn" title="license needs attention">
          ⚑
        </span>
      ) : null}
      <span className="tree-status">
        {location.status === 'offline' && location.lastSeen ? <span className="muted small">{formatAgo(location.lastSeen, now).replace(' ago', '')} </span> : null}
        <StatusBadge status={location.status} />
      </span>
    </>
  );
});

function rowLabel(row: TreeRow): string {
  switch (row.kind) {
    case 'overview':
      return 'Overview';
    case 'fleet-calendar':
      return 'Calendar';
    case 'alarms':
      return 'Alarms';
    case 'loader':
      return `Loader ${row.name}`;
    case 'drive':
      return `Drive ${row.number} of ${row.loader}`;
    case 'pool':
      return `Pool ${row.name}`;
    case 'media':
      return `Media ${row.label}`;
    default:
      return '';
  }
}

/** A printable character typed in the tree; `/` and Space are not (`/` opens the fleet search). */
function isFilterKey(event: KeyboardEvent<HTMLElement>): boolean {
  return [...event.key].length === 1 && event.key !== '/' && event.key !== ' ' && !event.ctrlKey && !event.metaKey && !event.altKey;
}

/** The health order, held while the pointer is over the tree (holdOrder): rows move when the pointer leaves. */
function useTreeOrder(pointerInside: boolean): readonly string[] {
  const order = useHealthOrder();
  const shown = useRef(order);
  shown.current = pointerInside ? holdOrder(shown.current, order) : order;
  return shown.current;
}

export function Sidebar({ onAdd }: Readonly<SidebarProps>) {
  const [pointerInside, setPointerInside] = useState(false);
  const order = useTreeOrder(pointerInside);
  const locations = useLocationsById();
  const selection = useSelection();
  const actions = useActions();
  const now = useNow(30_000);
  const [filter, setFilter] = useState('');
  const [active, setActive] = useState(1);
  const scrollRef = useRef<HTMLDivElement>(null);
  const treeRef = useRef<HTMLDivElement>(null);
  const selectedId = selection.kind === 'location' ? selection.id : null;
  const details = useTreeDetails(selectedId, filter.trim() !== '');

  // The same rows as before (a progress push changes none) keep the old array, so the tree does not re-render its rows.
  const previousRows = useRef<TreeRow[]>([]);
  const rows = useMemo(() => {
    const next = treeRows(order, locations, details, selectedId, filter);
    if (!sameRows(next, previousRows.current)) previousRows.current = next;
    return previousRows.current;
  }, [order, locations, details, selectedId, filter]);

  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });
  const activeIndex = Math.min(active, rows.length - 1);
  useEffect(() => {
    virtualizer.scrollToIndex(activeIndex, { align: 'auto' });
  }, [activeIndex, virtualizer]);

  const isSelected = (row: TreeRow): boolean => {
    if (row.kind === 'overview') return selection.kind === 'fleet';
    if (row.kind === 'fleet-calendar') return selection.kind === 'fleet-calendar';
    if (row.kind === 'location') return selectedId === row.id;
    if (row.kind === 'group' || row.kind === 'alarms') return false;
    if (selection.kind !== 'location' || selection.id !== row.id) return false;
    if (row.kind === 'loader') return selection.tab === 'Drives & loaders' && selection.focus === row.name;
    if (row.kind === 'pool') return selection.tab === 'Media' && selection.focus === row.name;
    return false;
  };

  const open = (row: TreeRow): void => {
    switch (row.kind) {
      case 'overview':
        actions.fleetOverviewOpened();
        break;
      case 'fleet-calendar':
        actions.fleetCalendarOpened();
        break;
      case 'alarms':
        actions.alarmsOpened();
        break;
      case 'location':
        openLocation(row.id);
        break;
      case 'loader':
        openLocation(row.id, 'Drives & loaders', row.name);
        break;
      case 'drive':
        openLocation(row.id, 'Drives & loaders', row.loader);
        break;
      case 'pool':
        openLocation(row.id, 'Media', row.name);
        break;
      case 'media':
        openLocation(row.id, 'Media', row.pool);
        break;
      case 'group':
        break;
    }
  };

  const move = (from: number, step: number): number => {
    let index = from;
    for (;;) {
      index += step;
      if (index < 0 || index >= rows.length) return from;
      if (rows[index]?.kind !== 'group') return index;
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLElement>): void => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = move(activeIndex, event.key === 'ArrowDown' ? 1 : -1);
      setActive(next);
      if (event.currentTarget !== treeRef.current) treeRef.current?.focus();
    } else if (event.key === 'Enter' && event.currentTarget === treeRef.current) {
      const row = rows[activeIndex];
      if (row) {
        event.preventDefault();
        open(row);
      }
    } else if (event.key === 'Escape' && event.currentTarget !== treeRef.current && filter) {
      setFilter('');
    } else if (event.currentTarget === treeRef.current && isFilterKey(event)) {
      // Type to filter: a letter typed in the tree goes to the filter box, which keeps the focus.
      event.preventDefault();
      setFilter(filter + event.key);
      setActive(1);
      document.getElementById(SEARCH_INPUT_ID)?.focus();
    }
  };

  const activeRow = rows[activeIndex];
  return (
    <nav className="sidebar" aria-label="Topology">
      <div className="sidebar-search">
        <input
          id={SEARCH_INPUT_ID}
          type="search"
          value={filter}
          placeholder="Filter…"
          aria-label="Filter the topology"
          title="Filter the tree (typing in the tree types here too)"
          onChange={(event) => {
            setFilter(event.target.value);
            setActive(1);
          }}
          onKeyDown={onKeyDown}
          spellCheck={false}
          autoComplete="off"
        />
      </div>
      <div
        className="tree"
        role="tree"
        aria-label="Fleet topology"
        tabIndex={0}
        ref={treeRef}
        aria-activedescendant={activeRow && activeRow.kind !== 'group' ? `tree-${activeIndex}` : undefined}
        onKeyDown={onKeyDown}
        onPointerEnter={() => setPointerInside(true)}
        onPointerLeave={() => setPointerInside(false)}
      >
        <div className="tree-scroll" ref={scrollRef}>
          <div className="virtual-inner" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = rows[item.index];
              if (!row) return null;
              const style = { height: item.size, transform: `translateY(${item.start}px)` };
              if (row.kind === 'group') {
                return (
                  <div key={row.key} className="virtual-row tree-group" role="presentation" style={style}>
                    {row.label}
                    {row.label === 'Locations' && filter ? <span className="muted small"> · filtered</span> : null}
                  </div>
                );
              }
              const depth = row.kind === 'drive' ? 3 : row.kind === 'overview' || row.kind === 'fleet-calendar' || row.kind === 'alarms' || row.kind === 'location' ? 1 : 2;
              return (
                <div
                  key={row.key}
                  id={`tree-${item.index}`}
                  role="treeitem"
                  aria-selected={isSelected(row)}
                  aria-level={depth}
                  aria-label={row.kind === 'location' ? row.name : rowLabel(row)}
                  className={`virtual-row tree-row depth-${depth}${item.index === activeIndex ? ' active' : ''}${isSelected(row) ? ' selected' : ''}`}
                  style={style}
                  onClick={() => {
                    setActive(item.index);
                    open(row);
                  }}
                >
                  {row.kind === 'location' ? (
                    <LocationTreeItem id={row.id} now={now} />
                  ) : row.kind === 'overview' ? (
                    <span className="tree-name">Overview</span>
                  ) : row.kind === 'fleet-calendar' ? (
                    <span className="tree-name">Calendar</span>
                  ) : row.kind === 'alarms' ? (
                    <AlarmsTreeItem />
                  ) : row.kind === 'loader' ? (
                    <span className="tree-name">▤ {row.name}</span>
                  ) : row.kind === 'drive' ? (
                    <span className="tree-name">
                      ▣ drive {row.number} <span className="muted">{row.text}</span>
                    </span>
                  ) : row.kind === 'pool' ? (
                    <span className="tree-name">
                      ◫ {row.name} <span className="muted">{row.count}</span>
                    </span>
                  ) : (
                    <span className="tree-name">⊡ {row.label}</span>
                  )}
                </div>
              );
            })}
          </div>
        </div>
      </div>
      <div className="sidebar-foot">
        <button type="button" onClick={onAdd}>
          Add location
        </button>
      </div>
    </nav>
  );
}

function LocationTreeItem({ id, now }: Readonly<{ id: string; now: number }>) {
  const location = useLocation(id);
  return (
    <span className="tree-location" data-location={location?.name}>
      <LocationLine id={id} now={now} />
    </span>
  );
}

function AlarmsTreeItem() {
  const open = useOpenAlarmCount();
  return (
    <>
      <span className="tree-name">Alarms</span>
      {open > 0 ? <span className="tree-count tone-bad">{open}</span> : null}
    </>
  );
}
