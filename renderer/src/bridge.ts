/**
 * The renderer's one way to the console: the preload's `window.floe` in Electron, the web bridge in
 * a browser. Subscribes once at startup and feeds the store; components never listen themselves.
 */
import type { ConsoleApi } from '../../shared/console-api';
import { createWebConsoleApi } from './bridges/web-bridge';
import { storeActions } from './store/store';

declare global {
  interface Window {
    floe?: ConsoleApi;
  }
}

let api: ConsoleApi | undefined;

export function consoleApi(): ConsoleApi {
  if (!api) throw new Error('the console bridge has not started');
  return api;
}

export function startBridge(): void {
  if (api) return;
  const actions = storeActions();
  const refresh = (): void => {
    void consoleApi()
      .getFleet({})
      .then(actions.fleetReceived)
      .catch(() => undefined);
  };
  if (window.floe) {
    api = window.floe;
    actions.consoleLinkChanged('connected', '');
  } else {
    api = createWebConsoleApi((state, detail) => {
      actions.consoleLinkChanged(state, detail);
      // After (re)connecting, fetch the whole fleet: pushes missed while away are covered by it.
      if (state === 'connected') refresh();
    });
  }
  api.subscribe('fleet', actions.fleetReceived);
  api.subscribe('uiCommand', ({ command }) => actions.dialogRequested(command));
  if (window.floe) refresh();
}
