/** One zustand store made of typed slices. Components use the hooks below, never the store itself. */
import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { createConsoleSlice, type ConsoleSlice } from './console-slice';
import { createFleetSlice, type FleetSlice } from './fleet-slice';
import { createUiSlice, type UiSlice } from './ui-slice';
import type { UiCommandName } from '../../../shared/console-api';
import type { LocationView } from '../../../shared/fleet';

export type Store = FleetSlice & ConsoleSlice & UiSlice;

export const createStore = () =>
  create<Store>()((...a) => ({
    ...createFleetSlice(...a),
    ...createConsoleSlice(...a),
    ...createUiSlice(...a),
  }));

const useStore = createStore();

/** Store actions, for the bridge and the keyboard shortcuts (the only writers). */
export const storeActions = (): Pick<Store, 'fleetReceived' | 'consoleLinkChanged' | 'dialogRequested'> => {
  const { fleetReceived, consoleLinkChanged, dialogRequested } = useStore.getState();
  return { fleetReceived, consoleLinkChanged, dialogRequested };
};

export const useLocationOrder = (): readonly string[] => useStore((s) => s.locationOrder);
export const useLocation = (id: string): LocationView | undefined => useStore((s) => s.locations.get(id));
export const useFleetLoaded = (): boolean => useStore((s) => s.fleetLoaded);
export const useRequestedDialog = (): UiCommandName | null => useStore((s) => s.requestedDialog);
export const useConsoleLink = () => useStore(useShallow((s) => ({ state: s.consoleLink, detail: s.consoleLinkDetail })));
export const useFleetCounts = () =>
  useStore(
    useShallow((s) => {
      let online = 0;
      for (const location of s.locations.values()) if (location.status === 'online') online += 1;
      return { total: s.locations.size, online };
    }),
  );
