/** The fleet overview: what needs attention, then every location as cards or as a table (sorted by health). */
import { lazy, memo, Suspense, useEffect, useMemo, useRef, useState, type ReactNode, type RefObject } from 'react';
import { STATUS_WORDS } from '../../../../shared/fleet-status';
import type { LocationView } from '../../../../shared/fleet';
import type { LocationDetail } from '../../../../shared/console-api';
import { openLocation } from '../../bridge';
import { EmptyState } from '../../components/EmptyState';
import { LicenseWord } from '../../components/LicenseWord';
import { LocationCard } from '../../components/LocationCard';
import { StatusBadge } from '../../components/StatusBadge';
import { VirtualRows } from '../../components/VirtualRows';
import { formatAgo } from '../../format';
import { isLicenseWarning, isProblemLink, jobCounts, licenseTone, summarizeDevices } from '../../health';
import { useActions, useFleetLayout, useFleetLoaded, useFleetMaps, useHealthOrder, useLocation, useLocationDetail } from '../../store/store';
import { useNow } from '../../use-now';
import { useAfterPaint } from '../../after-paint';

const CARD_WIDTH = 270;
const CARD_ROW_HEIGHT = 172;

function useWidth(): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(1000);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = (): void => setWidth(element.clientWidth || 1000);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

/** Memoised (like TableRow): it follows its own location and detail, so other locations' pushes skip it. */
const Card = memo(function Card({ id, now }: Readonly<{ id: string; now: number }>) {
  const location = useLocation(id);
  const detail = useLocationDetail(id);
  if (!location) return null;
  return <LocationCard location={location} detail={detail} now={now} onOpen={openLocation} />;
});

const TableRow = memo(function TableRow({ id, now }: Readonly<{ id: string; now: number }>) {
  const location = useLocation(id);
  const detail = useLocationDetail(id);
  if (!location) return null;
  const summary = summarizeDevices(detail?.devices);
  const jobs = jobCounts(detail);
  return (
    <div className={`fleet-row${location.status === 'online' ? '' : ' stale'}`} role="row" aria-label={location.name}>
      <span role="cell">
        <button type="button" className="link strong" onClick={() => openLocation(id)}>
          {location.name}
        </button>
      </span>
      <span role="cell">
        <StatusBadge status={location.status} />
      </span>
      <span role="cell">{location.status === 'online' ? 'now' : formatAgo(location.lastSeen, now)}</span>
      <span role="cell">{location.agent?.version ?? '—'}</span>
      <span role="cell" className="num">
        {jobs ? jobs.running : '—'}
      </span>
      <span role="cell" className={`num${jobs && jobs.failed > 0 ? ' tone-bad' : ''}`}>
        {jobs ? jobs.failed : '—'}
      </span>
      <span role="cell" className="num">
        {summary ? `${summary.drivesBusy}/${summary.drivesTotal}` : '—'}
      </span>
      <span role="cell" className="num">
        {summary ? summary.media : '—'}
      </span>
      <span role="cell" className={`num${summary && summary.mismatches > 0 ? ' tone-warn' : ''}`}>
        {summary ? summary.mismatches : '—'}
      </span>
      <span role="cell">
        <LicenseWord license={detail?.license} withDays />
      </span>
    </div>
  );
});

type AttentionItem = { key: string; glyph: string; tone: string; text: string; id: string; tab?: 'License' | 'Drives & loaders' | 'Jobs' };

/** What a location's detail asks attention for; cached per detail object (a push replaces it), so a render does not rescan every job of the fleet. */
const detailItemsCache = new WeakMap<LocationDetail, AttentionItem[]>();

function detailItems(id: string, detail: LocationDetail): AttentionItem[] {
  const cached = detailItemsCache.get(detail);
  if (cached) return cached;
  const found: AttentionItem[] = [];
  if (isLicenseWarning(detail.license) && detail.license) {
    const license = detail.license;
    found.push({ key: `${id}-license`, glyph: '⚑', tone: licenseTone(license), id, tab: 'License', text: license.status === 'expired' || license.status === 'invalid' ? `license ${license.status}` : `license ${license.status}, ${license.daysLeft} days left` });
  }
  const jobs = detail.jobs;
  const waiting = jobs?.active.filter((job) => job.state === 'waiting-media') ?? [];
  if (waiting.length > 0) found.push({ key: `${id}-media`, glyph: '⏏', tone: 'warn', id, tab: 'Jobs', text: `${waiting.length === 1 ? `${waiting[0]?.task ?? 'a job'} is` : `${waiting.length} jobs are`} waiting for media` });
  const today = detail.schedules?.backupDay;
  const failed = jobs?.recent.filter((job) => job.state === 'error' && (today === undefined || job.backupDay === today)) ?? [];
  if (failed.length > 0) found.push({ key: `${id}-failed`, glyph: '✖', tone: 'bad', id, tab: 'Jobs', text: failed.length === 1 ? `${failed[0]?.kind ?? 'job'} ${failed[0]?.task ?? ''} failed` : `${failed.length} jobs failed this backup day` });
  const mismatches = summarizeDevices(detail.devices)?.mismatches ?? 0;
  if (mismatches > 0) found.push({ key: `${id}-slots`, glyph: '⚑', tone: 'warn', id, tab: 'Drives & loaders', text: `${mismatches} slot${mismatches === 1 ? '' : 's'} disagree with the catalog` });
  detailItemsCache.set(detail, found);
  return found;
}

type NamedAttentionItem = AttentionItem & { readonly name: string };

/** A location's items, cached per location view (a push replaces it) with the detail and time they were made for. */
const locationItemsCache = new WeakMap<LocationView, { readonly detail: LocationDetail | undefined; readonly now: number; readonly items: readonly NamedAttentionItem[] }>();

function locationItems(location: LocationView, detail: LocationDetail | undefined, now: number): readonly NamedAttentionItem[] {
  const cached = locationItemsCache.get(location);
  if (cached && cached.detail === detail && cached.now === now) return cached.items;
  const found: AttentionItem[] = [];
  if (isProblemLink(location.status)) {
    found.push({ key: `${location.id}-link`, glyph: '✖', tone: 'bad', id: location.id, text: `${STATUS_WORDS[location.status]}${location.status === 'offline' ? `, last seen ${formatAgo(location.lastSeen, now)}` : location.detail ? ` · ${location.detail}` : ''}` });
  }
  if (detail) found.push(...detailItems(location.id, detail));
  const items = found.map((item) => ({ ...item, name: location.name }));
  locationItemsCache.set(location, { detail, now, items });
  return items;
}

function Attention({ now }: Readonly<{ now: number }>) {
  const { order, locations, details } = useFleetMaps();
  const items = useMemo(() => {
    const found: NamedAttentionItem[] = [];
    for (const id of order) {
      const location = locations.get(id);
      if (location) for (const item of locationItems(location, details.get(id), now)) found.push(item);
    }
    return found;
  }, [order, locations, details, now]);
  return (
    <section className="card attention" aria-label="Needs attention">
      <h3>Needs attention</h3>
      {items.length === 0 ? (
        <p className="muted">Nothing: every location is online with a valid license.</p>
      ) : (
        <ul>
          {items.slice(0, 8).map((item) => (
            <li key={item.key}>
              <span className={`glyph tone-${item.tone}`}>{item.glyph}</span>
              <span className="strong">{item.name}</span>
              <span>{item.text}</span>
              <button type="button" className="link" onClick={() => openLocation(item.id, item.tab)}>
                open
              </button>
            </li>
          ))}
          {items.length > 8 ? <li className="muted">and {items.length - 8} more</li> : null}
        </ul>
      )}
    </section>
  );
}

/** The charts (and recharts) load after the first render: a chunk of their own. */
const OverviewCharts = lazy(async () => ({ default: (await import('./OverviewCharts')).OverviewCharts }));

/** Keeps the charts' place while their chunk loads, so the cards below do not jump. */
function ChartsPlaceholder() {
  return <div className="fleet-charts charts-loading" aria-busy="true" aria-label="Charts loading" />;
}

/**
 * The charts once the fleet's first render is on screen: fetching and evaluating their chunk
 * (recharts) took about 40 ms of the first render's budget (docs/benchmarks.md).
 */
function DeferredCharts() {
  const painted = useAfterPaint();
  return painted ? (
    <Suspense fallback={<ChartsPlaceholder />}>
      <OverviewCharts />
    </Suspense>
  ) : (
    <ChartsPlaceholder />
  );
}

export function FleetOverview() {
  const loaded = useFleetLoaded();
  const order = useHealthOrder();
  const layout = useFleetLayout();
  const actions = useActions();
  const now = useNow(15_000);
  const [ref, width] = useWidth();
  const columns = Math.max(1, Math.floor(width / CARD_WIDTH));

  let body: ReactNode;
  if (!loaded) body = <EmptyState title="Loading the fleet…" tone="loading" />;
  else if (order.length === 0) {
    body = (
      <EmptyState title="No locations yet">
        Run <code>floe-agent init</code> and <code>floe-agent start</code> on a backup server, then choose Add location.
      </EmptyState>
    );
  } else if (layout === 'cards') {
    body = (
      <VirtualRows
        className="card-grid"
        label="Locations"
        count={Math.ceil(order.length / columns)}
        rowHeight={CARD_ROW_HEIGHT}
        renderRow={(row) => (
          <div className="card-row" style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}>
            {order.slice(row * columns, row * columns + columns).map((id) => (
              <Card key={id} id={id} now={now} />
            ))}
          </div>
        )}
      />
    );
  } else {
    body = (
      <VirtualRows
        className="fleet-table"
        role="table"
        label="Locations"
        count={order.length}
        rowHeight={32}
        header={
          <div className="fleet-row table-head" role="row">
            <span role="columnheader">Location</span>
            <span role="columnheader">Status</span>
            <span role="columnheader">Last seen</span>
            <span role="columnheader">Agent</span>
            <span role="columnheader" className="num">Running</span>
            <span role="columnheader" className="num" title="failed in the location's current backup day">Failed</span>
            <span role="columnheader" className="num">Drives busy</span>
            <span role="columnheader" className="num">Media</span>
            <span role="columnheader" className="num">Mismatches</span>
            <span role="columnheader">License</span>
          </div>
        }
        renderRow={(index) => {
          const id = order[index];
          return id ? <TableRow id={id} now={now} /> : null;
        }}
      />
    );
  }

  return (
    <section className="fleet-overview" aria-label="Fleet overview" ref={ref}>
      <header className="view-header">
        <h1>Fleet overview</h1>
        <span className="spacer" />
        <div className="segmented" role="group" aria-label="Layout">
          <button type="button" aria-pressed={layout === 'cards'} onClick={() => actions.fleetLayoutChosen('cards')}>
            Cards
          </button>
          <button type="button" aria-pressed={layout === 'table'} onClick={() => actions.fleetLayoutChosen('table')}>
            Table
          </button>
        </div>
      </header>
      {loaded && order.length > 0 ? <Attention now={now} /> : null}
      {loaded && order.length > 0 ? <DeferredCharts /> : null}
      {body}
    </section>
  );
}
