/**
 * The fleet state: every registered location with its link status. Main owns this truth; the
 * renderer gets a replica through the `fleet` topic. Problems sort first, then by name.
 *
 * Views are kept, not rebuilt: each location's view object changes only with its entry, names are
 * sorted again only when a location comes, goes or is renamed (a turn into or out of a problem
 * only splits the sorted names again), and the fleet view is the same (frozen) object until
 * something changes. So a push of the fleet costs O(locations) pointer work and its diff skips
 * every unchanged location by identity (every delta refreshes "last seen"; sorting and rebuilding
 * 1000 views per push blocked the loop in the reconnect storm, docs/benchmarks.md).
 */
import { isProblemStatus, type FleetView, type LocationView } from '../../shared/fleet.js';
import { toDisposable, type Disposable } from './disposable.js';
import { applyLinkEvent, INITIAL_LINK_STATUS, type LinkEvent, type LinkStatus } from './link-status.js';
import type { Registration } from './registry.js';

interface Entry {
  readonly registration: Registration;
  readonly link: LinkStatus;
  readonly view: LocationView;
}

const entryOf = (registration: Registration, link: LinkStatus): Entry => ({ registration, link, view: toView(registration, link) });

export class FleetState {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(view: FleetView) => void>();
  private readonly locationListeners = new Set<(id: string, before: LocationView | undefined, after: LocationView | undefined) => void>();
  /** Location ids in display order; null when it must be put in order again. */
  private sorted: readonly string[] | null = null;
  /** Location ids by name alone; null when a location came, went or was renamed. */
  private byName: readonly string[] | null = null;
  /** The fleet view as of the last change; null after a change. */
  private cachedView: FleetView | null = null;

  /**
   * Adds a location, or adds it again when its link is replaced (a relink after an edit): it starts
   * Connecting but keeps when it was last seen (`lastSeen`, default: the time already known).
   */
  add(registration: Registration, lastSeen: string | null = this.entries.get(registration.id)?.link.lastSeen ?? null): void {
    const before = this.entries.get(registration.id)?.view;
    this.entries.set(registration.id, entryOf(registration, lastSeen === null ? INITIAL_LINK_STATUS : { ...INITIAL_LINK_STATUS, lastSeen }));
    this.sorted = null;
    this.byName = null;
    this.changed(registration.id, before);
  }

  remove(id: string): void {
    const before = this.entries.get(id)?.view;
    if (!this.entries.delete(id)) return;
    this.sorted = null;
    this.byName = null;
    this.changed(id, before);
  }

  apply(id: string, event: LinkEvent): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    const link = applyLinkEvent(entry.link, event);
    if (link === entry.link) return;
    // In place: every delta refreshes `lastSeen`, so a copy of the map per event costs O(locations).
    this.entries.set(id, entryOf(entry.registration, link));
    if (isProblemStatus(link.status) !== isProblemStatus(entry.link.status)) this.sorted = null;
    this.changed(id, entry.view);
  }

  location(id: string): LocationView | undefined {
    return this.entries.get(id)?.view;
  }

  view(): FleetView {
    if (!this.cachedView) {
      const locations = this.order().map((id) => (this.entries.get(id) as Entry).view);
      this.cachedView = Object.freeze({ locations: Object.freeze(locations) as LocationView[] });
    }
    return this.cachedView;
  }

  onChange(listener: (view: FleetView) => void): Disposable {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  }

  /** Called with the id of each location that was added, removed or changed, and its view before and after (undefined: not there). */
  onLocationChange(listener: (id: string, before: LocationView | undefined, after: LocationView | undefined) => void): Disposable {
    this.locationListeners.add(listener);
    return toDisposable(() => this.locationListeners.delete(listener));
  }

  /**
   * Location ids in display order (problems first, then by name). Names are sorted only when a
   * location comes, goes or is renamed; a status turning into or out of a problem only splits that
   * list again, in O(locations) without a comparison (in a reconnect storm every push saw such a
   * turn, and sorting 1000 names with the collator each time held the loop for milliseconds).
   */
  order(): readonly string[] {
    if (this.sorted) return this.sorted;
    this.byName ??= [...this.entries.values()].map((entry) => entry.view).sort(byNameOnly).map((view) => view.id);
    const problems: string[] = [];
    const others: string[] = [];
    for (const id of this.byName) (isProblemStatus((this.entries.get(id) as Entry).link.status) ? problems : others).push(id);
    this.sorted = Object.freeze(problems.concat(others));
    return this.sorted;
  }

  private changed(id: string, before: LocationView | undefined): void {
    this.cachedView = null;
    const after = this.entries.get(id)?.view;
    for (const listener of this.locationListeners) listener(id, before, after);
    if (this.listeners.size === 0) return;
    const view = this.view();
    for (const listener of this.listeners) listener(view);
  }
}

function toView(registration: Registration, link: LinkStatus): LocationView {
  return Object.freeze({
    id: registration.id,
    name: registration.name,
    host: registration.host,
    port: registration.port,
    fingerprint: registration.fingerprint,
    status: link.status,
    detail: link.detail,
    lastSeen: link.lastSeen,
    agent: link.agent,
  });
}

/** The same order as `localeCompare` without arguments, without building a collator per comparison. */
const byName = new Intl.Collator();

/** By name; equal names keep the order they were added in (Array.prototype.sort is stable). */
function byNameOnly(a: LocationView, b: LocationView): number {
  return byName.compare(a.name, b.name);
}
