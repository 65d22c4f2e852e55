import type { StateCreator } from 'zustand';
import type { LocationDetail, LocationsPush } from '../../../shared/console-api';
import { applyPatch, PatchMismatchError } from '../../../shared/topic-patch';
import type { Store } from './store';

/** Why a location's detail is not (yet) shown: being fetched, or the fetch failed. */
export type DetailFetch = { readonly state: 'loading' } | { readonly state: 'error'; readonly message: string };

/** Each location's replicated state (devices, license, jobs, schedules), kept current by versioned patches. */
export interface LocationsSlice {
  readonly details: ReadonlyMap<string, LocationDetail>;
  /** The `location` topic version each detail is at (patches apply only on top of it). */
  readonly detailVersions: ReadonlyMap<string, number>;
  readonly detailFetches: ReadonlyMap<string, DetailFetch>;
  /** A whole detail from outside the topic (tests, older pushes): replaces that location's detail. */
  locationDetailReceived(detail: LocationDetail): void;
  /**
   * A `location` push: each member's patch applies on top of the version held. Returns the ids whose
   * patch did not follow on (unknown location, missed version): the caller fetches their detail.
   */
  locationsPushed(push: LocationsPush): string[];
  /** getLocationDetail was sent for this location. */
  locationDetailRequested(id: string): void;
  /** getLocationDetail answered; a newer version (or, without versions, a newer seq) held already wins. */
  locationDetailFetched(detail: LocationDetail): void;
  locationDetailFailed(id: string, message: string): void;
  /** Several getLocationDetail answers (background fetches) applied in one store change, each as locationDetailFetched / locationDetailFailed would. */
  locationDetailsSettled(details: readonly LocationDetail[], failures: ReadonlyArray<{ readonly id: string; readonly message: string }>): void;
}

function without<K, V>(map: ReadonlyMap<K, V>, key: K): ReadonlyMap<K, V> {
  if (!map.has(key)) return map;
  const next = new Map(map);
  next.delete(key);
  return next;
}

/** The detail as stored: without the transport's `version` field (that lives in detailVersions). */
function bare(detail: LocationDetail): LocationDetail {
  if (detail.version === undefined) return detail;
  const { version: _version, ...rest } = detail;
  return rest;
}

type DetailMaps = Pick<LocationsSlice, 'details' | 'detailVersions' | 'detailFetches'>;

/** Whether a fetched detail is older than the one held: a newer version (or, without versions, a newer seq) wins. */
function isStale(s: DetailMaps, detail: LocationDetail): boolean {
  const current = s.details.get(detail.id);
  const held = s.detailVersions.get(detail.id);
  return held !== undefined && detail.version !== undefined
    ? detail.version < held
    : current !== undefined && current.seq !== null && (detail.seq === null || detail.seq < current.seq);
}

export const createLocationsSlice: StateCreator<Store, [], [], LocationsSlice> = (set, get) => ({
  details: new Map(),
  detailVersions: new Map(),
  detailFetches: new Map(),
  locationDetailReceived: (detail) =>
    set((s) => ({ details: new Map(s.details).set(detail.id, bare(detail)), detailVersions: without(s.detailVersions, detail.id), detailFetches: without(s.detailFetches, detail.id) })),
  locationsPushed: (push) => {
    const s = get();
    const details = new Map(s.details);
    const versions = new Map(s.detailVersions);
    let fetches = s.detailFetches;
    const gaps: string[] = [];
    let changed = push.removed.length > 0;
    for (const member of push.locations) {
      const held = versions.get(member.id);
      const current = details.get(member.id);
      if (held !== undefined && member.version <= held) continue;
      if (member.base === null) {
        details.set(member.id, applyPatch<LocationDetail>(current as LocationDetail, member.patch));
      } else if (held === member.base && current) {
        try {
          details.set(member.id, applyPatch(current, member.patch));
        } catch (error) {
          if (!(error instanceof PatchMismatchError)) throw error;
          gaps.push(member.id);
          continue;
        }
      } else {
        gaps.push(member.id);
        continue;
      }
      versions.set(member.id, member.version);
      fetches = without(fetches, member.id);
      changed = true;
    }
    for (const id of push.removed) {
      details.delete(id);
      versions.delete(id);
      fetches = without(fetches, id);
    }
    if (changed) set({ details, detailVersions: versions, detailFetches: fetches });
    return gaps;
  },
  locationDetailRequested: (id) =>
    set((s) => (s.details.has(id) ? {} : { detailFetches: new Map(s.detailFetches).set(id, { state: 'loading' }) })),
  locationDetailFetched: (detail) =>
    set((s) => {
      if (isStale(s, detail)) return { detailFetches: without(s.detailFetches, detail.id) };
      return {
        details: new Map(s.details).set(detail.id, bare(detail)),
        detailVersions: detail.version === undefined ? without(s.detailVersions, detail.id) : new Map(s.detailVersions).set(detail.id, detail.version),
        detailFetches: without(s.detailFetches, detail.id),
      };
    }),
  locationDetailFailed: (id, message) =>
    set((s) => (s.details.has(id) ? { detailFetches: without(s.detailFetches, id) } : { detailFetches: new Map(s.detailFetches).set(id, { state: 'error', message }) })),
  locationDetailsSettled: (fetched, failures) =>
    set((s) => {
      const details = new Map(s.details);
      const versions = new Map(s.detailVersions);
      const fetches = new Map(s.detailFetches);
      for (const detail of fetched) {
        fetches.delete(detail.id);
        if (isStale({ details, detailVersions: versions, detailFetches: fetches }, detail)) continue;
        details.set(detail.id, bare(detail));
        if (detail.version === undefined) versions.delete(detail.id);
        else versions.set(detail.id, detail.version);
      }
      for (const { id, message } of failures) {
        if (details.has(id)) fetches.delete(id);
        else fetches.set(id, { state: 'error', message });
      }
      return { details, detailVersions: versions, detailFetches: fetches };
    }),
});
