import type { StateCreator } from 'zustand';
import type { FleetView, LocationView } from '../../../shared/fleet';
import type { FleetSummary } from '../../../shared/fleet-summary';
import type { Store } from './store';

export interface FleetSlice {
  /** Location ids in display order (problems first). */
  readonly locationOrder: readonly string[];
  readonly locations: ReadonlyMap<string, LocationView>;
  readonly fleetLoaded: boolean;
  /** The console's fleet-wide aggregates (jobs by state, running jobs, drive and media use, licenses). */
  readonly summary: FleetSummary | null;
  fleetReceived(view: FleetView): void;
  summaryReceived(summary: FleetSummary): void;
}

export const createFleetSlice: StateCreator<Store, [], [], FleetSlice> = (set) => ({
  locationOrder: [],
  locations: new Map(),
  fleetLoaded: false,
  summary: null,
  summaryReceived: (summary) => set({ summary }),
  fleetReceived: (view) =>
    set({
      locationOrder: view.locations.map((location) => location.id),
      locations: new Map(view.locations.map((location) => [location.id, location])),
      fleetLoaded: true,
    }),
});
