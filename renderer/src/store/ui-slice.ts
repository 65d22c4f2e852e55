import type { StateCreator } from 'zustand';
import type { UiCommandName } from '../../../shared/console-api';
import type { Store } from './store';

/** Dialogs asked for by the shell's menu or a keyboard shortcut (the dialogs themselves come later). */
export interface UiSlice {
  readonly requestedDialog: UiCommandName | null;
  dialogRequested(command: UiCommandName): void;
}

export const createUiSlice: StateCreator<Store, [], [], UiSlice> = (set) => ({
  requestedDialog: null,
  dialogRequested: (requestedDialog) => set({ requestedDialog }),
});
