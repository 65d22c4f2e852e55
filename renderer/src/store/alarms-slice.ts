import type { StateCreator } from 'zustand';
import type { Alarm, AlarmsView } from '../../../shared/alarms';
import type { Store } from './store';

/** The fleet's alarm feed, as main pushes it (unacknowledged first). */
export interface AlarmsSlice {
  readonly alarms: readonly Alarm[];
  readonly alarmsOpen: boolean;
  alarmsReceived(view: AlarmsView): void;
  alarmsOpened(): void;
  alarmsClosed(): void;
}

export const createAlarmsSlice: StateCreator<Store, [], [], AlarmsSlice> = (set) => ({
  alarms: [],
  alarmsOpen: false,
  alarmsReceived: (view) => set({ alarms: view.alarms }),
  alarmsOpened: () => set({ alarmsOpen: true }),
  alarmsClosed: () => set({ alarmsOpen: false }),
});
