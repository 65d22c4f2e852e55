import type { StateCreator } from 'zustand';
import type { Store } from './store';

export type ConsoleLink = 'connecting' | 'connected' | 'lost' | 'refused';

/** The renderer's own link to the console (only the web bridge can lose it). */
export interface ConsoleSlice {
  readonly consoleLink: ConsoleLink;
  readonly consoleLinkDetail: string;
  consoleLinkChanged(state: ConsoleLink, detail: string): void;
}

export const createConsoleSlice: StateCreator<Store, [], [], ConsoleSlice> = (set) => ({
  consoleLink: 'connecting',
  consoleLinkDetail: '',
  consoleLinkChanged: (consoleLink, consoleLinkDetail) => set({ consoleLink, consoleLinkDetail }),
});
