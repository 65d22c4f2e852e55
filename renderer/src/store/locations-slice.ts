import type { StateCreator } from 'zustand';
import type { LocationDetail } from '../../../shared/console-api';
import type { Store } from './store';

/** Why a location's detail is not (yet) shown: being fetched, or the fetch failed. */
export type DetailFetch = { readonly state: 'loading' } | { readonly state: 'error'; readonly message: string };

/** Each location's replicated state (devices, license), as the console pushes it. */
export interface LocationsSlice {
  readonly details: ReadonlyMap<string, LocationDetail>;
  readonly detailFetches: ReadonlyMap<string, DetailFetch>;
  /** A `location` push: replaces the whole detail of that location. */
  locationDetailReceived(detail: LocationDetail): void;
  /** getLocationDetail was sent for this location. */
  locationDetailRequested(id: string): void;
  /** getLocationDetail answered; a newer push that arrived meanwhile wins. */
  locationDetailFetched(detail: LocationDetail): void;
  locationDetailFailed(id: string, message: string): void;
}

function without<K, V>(map: ReadonlyMap<K, V>, key: K): ReadonlyMap<K, V> {
  if (!map.has(key)) return map;
  const next = new Map(map);
  next.delete(key);
  return next;
}

export const createLocationsSlice: StateCreator<Store, [], [], LocationsSlice> = (set) => ({
  details: new Map(),
  detailFetches: new Map(),
  locationDetailReceived: (detail) =>
    set((s) => ({ details: new Map(s.details).set(detail.id, detail), detailFetches: without(s.detailFetches, detail.id) })),
  locationDetailRequested: (id) =>
    set((s) => (s.details.has(id) ? {} : { detailFetches: new Map(s.detailFetches).set(id, { state: 'loading' }) })),
  locationDetailFetched: (detail) =>
    set((s) => {
      const current = s.details.get(detail.id);
      const stale = current !== undefined && current.seq !== null && (detail.seq === null || detail.seq < current.seq);
      return {
        details: stale ? s.details : new Map(s.details).set(detail.id, detail),
        detailFetches: without(s.detailFetches, detail.id),
      };
    }),
  locationDetailFailed: (id, message) =>
    set((s) => (s.details.has(id) ? { detailFetches: without(s.detailFetches, id) } : { detailFetches: new Map(s.detailFetches).set(id, { state: 'error', message }) })),
});
