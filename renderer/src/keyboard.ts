/**
 * Application-wide keyboard shortcuts, registered once at startup. In Electron the menu carries
 * the same accelerators; handling the key here (and preventing the default) serves the browser.
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

let registered: (() => void) | undefined;

export function registerKeyboardShortcuts(target: Window = window): () => void {
  if (registered) return registered;
  const onKeyDown = (event: KeyboardEvent): void => {
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
