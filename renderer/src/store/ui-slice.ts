import type { StateCreator } from 'zustand';
import type { UiCommandName } from '../../../shared/console-api';
import type { Store } from './store';

export const LOCATION_TABS = ['Overview', 'Jobs', 'Calendar', 'Drives & loaders', 'Media', 'Restore', 'License', 'Events'] as const;
export type LocationTab = (typeof LOCATION_TABS)[number];

/** What the main area shows. */
export type Selection =
  | { readonly kind: 'fleet' }
  | { readonly kind: 'fleet-calendar' }
  | { readonly kind: 'location'; readonly id: string; readonly tab: LocationTab; readonly focus: string | null };

export type ThemeChoice = 'system' | 'light' | 'dark';
export type FleetLayout = 'cards' | 'table';

/** Selection, theme and dialogs asked for by the shell's menu or a keyboard shortcut. */
export interface UiSlice {
  readonly requestedDialog: UiCommandName | null;
  readonly selection: Selection;
  readonly theme: ThemeChoice;
  readonly fleetLayout: FleetLayout;
  /** The fleet-wide search palette (`/` or Ctrl/⌘+K, or the menu's Search) is open. */
  readonly searchOpen: boolean;
  dialogRequested(command: UiCommandName): void;
  dialogClosed(): void;
  fleetOverviewOpened(): void;
  fleetCalendarOpened(): void;
  searchOpened(): void;
  searchClosed(): void;
  /** A location was opened (tree, card, table); `focus` names a loader, drive or pool to show. */
  locationOpened(id: string, tab?: LocationTab, focus?: string | null): void;
  locationTabChosen(tab: LocationTab): void;
  themeChosen(theme: ThemeChoice): void;
  fleetLayoutChosen(layout: FleetLayout): void;
}

export const createUiSlice: StateCreator<Store, [], [], UiSlice> = (set) => ({
  requestedDialog: null,
  selection: { kind: 'fleet' },
  theme: 'system',
  fleetLayout: 'cards',
  searchOpen: false,
  // The search palette is not a dialog of its own kind: the menu's Search opens it like Ctrl/⌘+K does.
  dialogRequested: (command) => set(command === 'open-search' ? { searchOpen: true } : { requestedDialog: command }),
  dialogClosed: () => set({ requestedDialog: null }),
  fleetOverviewOpened: () => set({ selection: { kind: 'fleet' } }),
  fleetCalendarOpened: () => set({ selection: { kind: 'fleet-calendar' } }),
  searchOpened: () => set({ searchOpen: true }),
  searchClosed: () => set({ searchOpen: false }),
  locationOpened: (id, tab, focus = null) =>
    set((s) => ({
      selection: { kind: 'location', id, tab: tab ?? (s.selection.kind === 'location' && s.selection.id === id ? s.selection.tab : 'Overview'), focus },
    })),
  locationTabChosen: (tab) => set((s) => (s.selection.kind === 'location' ? { selection: { ...s.selection, tab, focus: null } } : {})),
  themeChosen: (theme) => set({ theme }),
  fleetLayoutChosen: (fleetLayout) => set({ fleetLayout }),
});
