import type { StateCreator } from 'zustand';
import type { FleetView, LocationView } from '../../../shared/fleet';
import type { Store } from './store';

export interface FleetSlice {
  /** Location ids in display order (problems first). */
  readonly locationOrder: readonly string[];
  readonly locations: ReadonlyMap<string, LocationView>;
  readonly fleetLoaded: boolean;
  fleetReceived(view: FleetView): void;
}

export const createFleetSlice: StateCreator<Store, [], [], FleetSlice> = (set) => ({
  locationOrder: [],
  locations: new Map(),
  fleetLoaded: false,
  fleetReceived: (view) =>
    set({
      locationOrder: view.locations.map((location) => location.id),
      locations: new Map(view.locations.map((location) => [location.id, location])),
      fleetLoaded: true,
    }),
});
