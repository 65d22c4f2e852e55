/**
 * Application-wide keyboard shortcuts, registered once at startup: `/` (outside text fields) and
 * Ctrl/⌘+K open the fleet search palette, Alt+L License info. In Electron the menu carries the same
 * accelerators; handling the key here (and preventing the default) serves the browser.
 */
import type { UiCommandName } from '../../shared/console-api';
import { storeActions } from './store/store';

interface Shortcut {
  /** KeyboardEvent.code, so Alt+L works on layouts where Alt changes the typed character (macOS). */
  readonly code: string;
  readonly alt: boolean;
  readonly command: UiCommandName;
}

const SHORTCUTS: readonly Shortcut[] = [{ code: 'KeyL', alt: true, command: 'open-license-info' }];

/** The id of the sidebar's filter box (typing a letter in the tree moves there with it; see Sidebar). */
export const SEARCH_INPUT_ID = 'tree-filter';

function isTyping(target: EventTarget | null): boolean {
  const element = target as { tagName?: string; isContentEditable?: boolean } | null;
  return element?.tagName === 'INPUT' || element?.tagName === 'TEXTAREA' || element?.tagName === 'SELECT' || element?.isContentEditable === true;
}

let registered: (() => void) | undefined;

export function registerKeyboardShortcuts(target: Window = window): () => void {
  if (registered) return registered;
  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.code === 'KeyK' && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey) {
      event.preventDefault();
      storeActions().searchOpened();
      return;
    }
    // UI.md: `/` or Ctrl/⌘+K searches everything; `/` only where it would not be typed into a field.
    if (event.key === '/' && !isTyping(event.target) && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      storeActions().searchOpened();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.repeat) return;
    const shortcut = SHORTCUTS.find((candidate) => candidate.code === event.code && candidate.alt === event.altKey);
    if (!shortcut) return;
    event.preventDefault();
    storeActions().dialogRequested(shortcut.command);
  };
  target.addEventListener('keydown', onKeyDown);
  registered = () => {
    target.removeEventListener('keydown', onKeyDown);
    registered = undefined;
  };
  return registered;
}
