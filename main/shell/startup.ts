/**
 * Startup decisions of the Electron shell, kept apart from `index.ts` so tests can drive them with
 * fakes: the single-instance lock, and opening the token store (or explaining why not, and quitting).
 */
import type { App, Dialog } from 'electron';
import type { SecretStore } from '../core/secret-store.js';

type LockApp = Pick<App, 'requestSingleInstanceLock' | 'quit'> & { on(event: 'second-instance', listener: () => void): unknown };

/**
 * Takes the single-instance lock. Without it another Floe console already runs: this one quits
 * (the other one is told through 'second-instance'). With it, later launches call `focusExisting`.
 */
export function acquireSingleInstance(app: LockApp, focusExisting: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', focusExisting);
  return true;
}

/** Restores a minimised window and brings it to the front. */
export function focusWindow(window: { isMinimized(): boolean; restore(): void; show(): void; focus(): void } | undefined): void {
  if (!window) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

export const SECRET_STORE_ERROR_TITLE = 'Floe cannot keep agent tokens safely';

/** Opens the token store; if it refuses, shows why in an error dialog, quits and returns undefined. */
export function openSecretStoreOrQuit(
  create: () => SecretStore,
  app: Pick<App, 'quit'>,
  dialog: Pick<Dialog, 'showErrorBox'>,
): SecretStore | undefined {
  try {
    return create();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    dialog.showErrorBox(SECRET_STORE_ERROR_TITLE, message);
    app.quit();
    return undefined;
  }
}
