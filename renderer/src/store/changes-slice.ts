import type { StateCreator } from 'zustand';
import type { Change, ChangesView } from '../../../shared/provisioning';
import type { Store } from './store';

/** The provisioning journal as main pushes it: pending changes first, then applying, then applied. */
export interface ChangesSlice {
  readonly changes: readonly Change[];
  /** 'loading' until the first list or push arrives; 'failed' keeps the reason. */
  readonly changesLoad: 'loading' | 'loaded' | 'failed';
  readonly changesError: string;
  changesReceived(view: ChangesView): void;
  changesFailed(message: string): void;
}

export const createChangesSlice: StateCreator<Store, [], [], ChangesSlice> = (set) => ({
  changes: [],
  changesLoad: 'loading',
  changesError: '',
  changesReceived: (view) => set({ changes: view.changes, changesLoad: 'loaded', changesError: '' }),
  changesFailed: (changesError) => set((s) => (s.changesLoad === 'loaded' ? {} : { changesLoad: 'failed', changesError })),
});
