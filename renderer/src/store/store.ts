/** One zustand store made of typed slices. Components use the hooks below, never the store itself. */
import { useEffect, useMemo, useRef, useState } from 'react';
import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { createConsoleSlice, type ConsoleSlice } from './console-slice';
import { createFleetSlice, type FleetSlice } from './fleet-slice';
import { createLocationsSlice, type DetailFetch, type LocationsSlice } from './locations-slice';
import { createAlarmsSlice, type AlarmsSlice } from './alarms-slice';
import { createChangesSlice, type ChangesSlice } from './changes-slice';
import { createUiSlice, type FleetLayout, type Selection, type ThemeChoice, type UiSlice } from './ui-slice';
import type { LocationDetail, UiCommandName } from '../../../shared/console-api';
import type { LocationView } from '../../../shared/fleet';
import type { Alarm } from '../../../shared/alarms';
import type { FleetSummary } from '../../../shared/fleet-summary';
import { byName, healthRank } from '../health';
import { jobsPerDay, type DayBar } from '../jobs-per-day';
import { mediaUse, successRates, volumePerDay, type LocationRate, type MediaUse, type VolumeBar } from '../fleet-charts';

export type Store = FleetSlice & ConsoleSlice & LocationsSlice & UiSlice & AlarmsSlice & ChangesSlice;

export const createStore = () =>
  create<Store>()((...a) => ({
    ...createFleetSlice(...a),
    ...createConsoleSlice(...a),
    ...createLocationsSlice(...a),
    ...createUiSlice(...a),
    ...createAlarmsSlice(...a),
    ...createChangesSlice(...a),
  }));

const useStore = createStore();

type ActionName = {
  [K in keyof Store]: Store[K] extends (...args: never[]) => unknown ? K : never;
}[keyof Store];
export type StoreActions = Pick<Store, ActionName>;

/** Every store action (stable functions), for the bridge, the keyboard shortcuts and event handlers. */
export const storeActions = (): StoreActions => {
  const state = useStore.getState();
  return Object.fromEntries(Object.entries(state).filter(([, value]) => typeof value === 'function')) as unknown as StoreActions;
};
/** The actions, for components' event handlers. */
export const useActions = (): StoreActions => useMemo(storeActions, []);

export const useLocationOrder = (): readonly string[] => useStore((s) => s.locationOrder);
export const useLocation = (id: string): LocationView | undefined => useStore((s) => s.locations.get(id));
export const useFleetLoaded = (): boolean => useStore((s) => s.fleetLoaded);
export const useFleetSummary = (): FleetSummary | null => useStore((s) => s.summary);
export const useAlarms = (): readonly Alarm[] => useStore((s) => s.alarms);
export const useAlarmsOpen = (): boolean => useStore((s) => s.alarmsOpen);
export const useOpenAlarmCount = (): number => useStore((s) => s.alarms.filter((alarm) => !alarm.acknowledged).length);
export const useChanges = () => useStore(useShallow((s) => ({ changes: s.changes, load: s.changesLoad, error: s.changesError })));
export const usePendingChangeCount = (): number => useStore((s) => s.changes.filter((change) => change.state === 'add' || change.state === 'modify' || change.state === 'delete').length);
export const useRequestedDialog = (): UiCommandName | null => useStore((s) => s.requestedDialog);
export const useSelection = (): Selection => useStore((s) => s.selection);
export const useTheme = (): ThemeChoice => useStore((s) => s.theme);
export const useSearchOpen = (): boolean => useStore((s) => s.searchOpen);
export const useFleetLayout = (): FleetLayout => useStore((s) => s.fleetLayout);
export const useLocationDetail = (id: string): LocationDetail | undefined => useStore((s) => s.details.get(id));
export const useDetailFetch = (id: string): DetailFetch | undefined => useStore((s) => s.detailFetches.get(id));
export const useConsoleLink = () => useStore(useShallow((s) => ({ state: s.consoleLink, detail: s.consoleLinkDetail })));
export const useFleetCounts = () =>
  useStore(
    useShallow((s) => {
      let online = 0;
      for (const location of s.locations.values()) if (location.status === 'online') online += 1;
      return { total: s.locations.size, online };
    }),
  );

/** Each location's health rank, cached per (location view, detail) pair: both are replaced when they change. */
const rankCache = new WeakMap<LocationView, { readonly detail: LocationDetail | undefined; readonly rank: number }>();

function cachedRank(location: LocationView, detail: LocationDetail | undefined): number {
  const cached = rankCache.get(location);
  if (cached && cached.detail === detail) return cached.rank;
  const rank = healthRank(location, detail);
  rankCache.set(location, { detail, rank });
  return rank;
}

/** The last health order, shared by every view that shows it (the tree and the overview). */
let healthMemo: {
  readonly locations: ReadonlyMap<string, LocationView>;
  readonly details: ReadonlyMap<string, LocationDetail>;
  readonly keys: ReadonlyMap<string, { readonly rank: number; readonly name: string }>;
  readonly order: readonly string[];
} | null = null;

/** The last name order (ids sorted by name): sorted again only when a member or a name changes, not per fleet push. */
let nameMemo: { readonly members: ReadonlyArray<readonly [string, string]>; readonly order: readonly string[] } | null = null;

function nameOrderOf(locations: ReadonlyMap<string, LocationView>): readonly string[] {
  const previous = nameMemo;
  let same = previous !== null && previous.members.length === locations.size;
  const members: Array<readonly [string, string]> = [];
  for (const location of locations.values()) {
    const held = previous?.members[members.length];
    if (same && (held === undefined || held[0] !== location.id || held[1] !== location.name)) same = false;
    members.push([location.id, location.name]);
  }
  if (same && previous) return previous.order;
  // A stable sort: equal names keep the fleet's order, as sortByHealth does.
  const order = members
    .map(([id, name], index) => ({ id, name, index }))
    .sort((a, b) => byName(a.name, b.name) || a.index - b.index)
    .map(({ id }) => id);
  nameMemo = { members, order };
  return order;
}

/**
 * The health order (sortByHealth's): rank first, then name. Ranks are a few values, so the ids, already
 * in name order, are grouped by rank rather than sorted again with name comparisons (a 1000-location
 * sort per detail batch was the largest item of the profile while the fleet loads).
 */
function byRankThenName(nameOrder: readonly string[], keys: ReadonlyMap<string, { readonly rank: number }>): readonly string[] {
  const groups = new Map<number, string[]>();
  for (const id of nameOrder) {
    const rank = keys.get(id)?.rank ?? 0;
    const group = groups.get(rank);
    if (group) group.push(id);
    else groups.set(rank, [id]);
  }
  return [...groups.keys()].sort((a, b) => a - b).flatMap((rank) => groups.get(rank) ?? []);
}

/** Location ids by health (sortByHealth's order), memoised across calls; exported for tests. */
export function healthOrderOf(locations: ReadonlyMap<string, LocationView>, details: ReadonlyMap<string, LocationDetail>): readonly string[] {
  const previous = healthMemo;
  if (previous && previous.locations === locations && previous.details === details) return previous.order;
  const keys = new Map<string, { rank: number; name: string }>();
  let same = previous !== null && previous.keys.size === locations.size;
  const before = previous?.keys.entries();
  for (const location of locations.values()) {
    const key = { rank: cachedRank(location, details.get(location.id)), name: location.name };
    keys.set(location.id, key);
    if (!same) continue;
    const [id, held] = before?.next().value ?? [];
    if (id !== location.id || held === undefined || held.rank !== key.rank || held.name !== key.name) same = false;
  }
  // The same members in the same order with the same ranks and names: the sorted order is the same (no re-sort, same array).
  const order = same && previous ? previous.order : byRankThenName(nameOrderOf(locations), keys);
  healthMemo = { locations, details, keys, order };
  return order;
}

/**
 * Location ids sorted by health (broken links, license warnings, mismatching slots first). Ranks are
 * cached per location and detail, the order is sorted again only when a rank, a name or the members
 * change, and the array stays the same otherwise, so a progress push neither rescans every
 * location's jobs nor re-renders the lists that use the order.
 */
export const useHealthOrder = (): readonly string[] => {
  const { locations, details } = useStore(useShallow((s) => ({ locations: s.locations, details: s.details })));
  return useMemo(() => healthOrderOf(locations, details), [locations, details]);
};

/** The fleet's location views by id (for views that look locations up themselves, such as the topology tree). */
export const useLocationsById = (): ReadonlyMap<string, LocationView> => useStore((s) => s.locations);

const NO_DETAILS: ReadonlyMap<string, LocationDetail> = new Map();

/**
 * The details the topology tree needs: every one while it filters (devices and media match too),
 * otherwise only the open location's (its loaders and pools show), so other details arriving do not
 * rebuild the tree's rows.
 */
export const useTreeDetails = (selectedId: string | null, filtering: boolean): ReadonlyMap<string, LocationDetail> => {
  const all = useStore((s) => (filtering ? s.details : null));
  const selected = useStore((s) => (selectedId === null ? undefined : s.details.get(selectedId)));
  return useMemo(() => all ?? (selectedId !== null && selected ? new Map([[selectedId, selected]]) : NO_DETAILS), [all, selected, selectedId]);
};

/** Same rows with the same fields (flat records of strings and numbers); no allocation, it runs over the whole tree per change. */
export function sameRows<T extends object>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1) {
    const row = a[index] as Record<string, unknown>;
    const other = b[index] as Record<string, unknown> | undefined;
    if (row === other) continue;
    if (other === undefined) return false;
    let fields = 0;
    for (const key in row) {
      fields += 1;
      if (row[key] !== other[key]) return false;
    }
    for (const key in other) if (Object.hasOwn(other, key)) fields -= 1;
    if (fields !== 0) return false;
  }
  return true;
}

/** The fleet's display order, views and details (for views that walk the fleet themselves without a row per location). */
export const useFleetMaps = (): { readonly order: readonly string[]; readonly locations: ReadonlyMap<string, LocationView>; readonly details: ReadonlyMap<string, LocationDetail> } =>
  useStore(useShallow((s) => ({ order: s.locationOrder, locations: s.locations, details: s.details })));

/** Every location with its detail (for the License info dialog and the fleet table). */
export const useFleetRows = (): ReadonlyArray<{ readonly location: LocationView; readonly detail: LocationDetail | undefined }> => {
  const { order, locations, details } = useStore(useShallow((s) => ({ order: s.locationOrder, locations: s.locations, details: s.details })));
  return useMemo(
    () => order.flatMap((id) => {
      const location = locations.get(id);
      return location ? [{ location, detail: details.get(id) }] : [];
    }),
    [order, locations, details],
  );
};

/** How often the overview's charts follow the store at most: their series sum every location, and 14 days of bars need no faster updates. */
export const CHART_REFRESH_MS = 1000;

type FleetMaps = Pick<Store, 'locationOrder' | 'locations' | 'details'>;
const fleetMapsOf = (s: Store): FleetMaps => ({ locationOrder: s.locationOrder, locations: s.locations, details: s.details });
const sameFleetMaps = (a: FleetMaps, b: FleetMaps): boolean => a.locationOrder === b.locationOrder && a.locations === b.locations && a.details === b.details;

/**
 * The fleet's order, views and details, taken at most once per `ms`: the first change after a quiet
 * spell at once (in the next task), later ones together at the end of the spell. While 1000 details
 * stream in, the charts then sum the fleet once a second instead of once per frame.
 */
function useThrottledFleetMaps(ms: number): FleetMaps {
  const [maps, setMaps] = useState(() => fleetMapsOf(useStore.getState()));
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const take = (): void => {
      timer = undefined;
      last = Date.now();
      const next = fleetMapsOf(useStore.getState());
      setMaps((held) => (sameFleetMaps(held, next) ? held : next));
    };
    const changed = (): void => {
      if (timer === undefined) timer = setTimeout(take, Math.max(0, last + ms - Date.now()));
    };
    changed(); // changes between the first render and this subscription
    const unsubscribe = useStore.subscribe(changed);
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [ms]);
  return maps;
}

const sameBar = (a: DayBar, b: DayBar | undefined): boolean =>
  b !== undefined && a.day === b.day && a.successful === b.successful && a.warning === b.warning && a.error === b.error && a.cancelled === b.cancelled;

/** The overview's chart series (jobs per day, volume, success rates, media use), following the store at most once per CHART_REFRESH_MS. */
export const useOverviewChartData = (): { readonly perDay: readonly DayBar[]; readonly volume: readonly VolumeBar[]; readonly rates: readonly LocationRate[]; readonly media: readonly MediaUse[] } => {
  const { locationOrder, locations, details } = useThrottledFleetMaps(CHART_REFRESH_MS);
  const perDay = useJobsPerDay(details);
  const charts = useFleetCharts(locationOrder, locations, details);
  return useMemo(() => ({ perDay, ...charts }), [perDay, charts]);
};

/** Jobs per backup day by status across the fleet; recomputed only when some location's recent jobs change (not on device pushes). */
function useJobsPerDay(details: ReadonlyMap<string, LocationDetail>): readonly DayBar[] {
  const memo = useRef<{ recents: ReadonlyArray<unknown>; data: readonly DayBar[] } | null>(null);
  return useMemo(() => {
    const recents = [...details.values()].map((detail) => detail.jobs?.recent);
    const previous = memo.current;
    if (previous && previous.recents.length === recents.length && recents.every((recent, index) => recent === previous.recents[index])) return previous.data;
    const data = jobsPerDay(details.values());
    // Same bars (a push re-sent unchanged recent jobs): keep the old array, so the memoised chart does not re-render.
    const same = previous !== null && previous.data.length === data.length && data.every((bar, index) => sameBar(bar, previous.data[index]));
    memo.current = { recents, data: same ? previous.data : data };
    return memo.current.data;
  }, [details]);
}

/**
 * What makes the fleet calendar stale: a location coming or going online, jobs starting or ending,
 * schedules or the backup day changing (progress pushes change none of it). Also the newest backup day.
 */
export const useFleetCalendarRevision = (): { readonly key: string; readonly backupDay: string | null } =>
  useStore(
    useShallow((s) => {
      const parts: string[] = [];
      let backupDay: string | null = null;
      for (const location of s.locations.values()) {
        const detail = s.details.get(location.id);
        const jobs = detail?.jobs;
        const schedules = detail?.schedules;
        if (schedules && (backupDay === null || schedules.backupDay > backupDay)) backupDay = schedules.backupDay;
        const plan = schedules ? `${schedules.backupDay}/${schedules.schedules.map((x) => `${x.name}:${x.cron}:${x.enabled}:${x.type}:${x.tasks.join('+')}`).join(',')}` : '';
        parts.push(`${location.id}:${location.status === 'online' ? 1 : 0}:${jobs?.active.map((job) => `${job.id}.${job.state}`).join(',') ?? ''}:${jobs?.recent[0]?.id ?? ''}:${plan}`);
      }
      return { key: parts.join('|'), backupDay };
    }),
  );

/** The overview's other series; recomputed only when some location's recent jobs, media or name/status change. */
function useFleetCharts(
  order: readonly string[],
  locations: ReadonlyMap<string, LocationView>,
  details: ReadonlyMap<string, LocationDetail>,
): { readonly volume: readonly VolumeBar[]; readonly rates: readonly LocationRate[]; readonly media: readonly MediaUse[] } {
  const memo = useRef<{ parts: ReadonlyArray<unknown>; data: { volume: VolumeBar[]; rates: LocationRate[]; media: MediaUse[] } } | null>(null);
  return useMemo(() => {
    const rows = order.flatMap((id) => {
      const location = locations.get(id);
      return location ? [{ location, detail: details.get(id) }] : [];
    });
    const parts = rows.flatMap(({ location, detail }) => [location.name, detail?.jobs?.recent, detail?.devices?.media]);
    const previous = memo.current;
    if (previous && previous.parts.length === parts.length && parts.every((part, index) => part === previous.parts[index])) return previous.data;
    const withDetail = rows.flatMap(({ detail }) => (detail ? [detail] : []));
    const next = { volume: volumePerDay(withDetail), rates: successRates(rows), media: mediaUse(rows) };
    // Series with the same rows keep their old array, so their memoised charts do not re-render.
    const data = previous
      ? { volume: sameRows(next.volume, previous.data.volume) ? previous.data.volume : next.volume, rates: sameRows(next.rates, previous.data.rates) ? previous.data.rates : next.rates, media: sameRows(next.media, previous.data.media) ? previous.data.media : next.media }
      : next;
    memo.current = { parts, data };
    return data;
  }, [order, locations, details]);
}
