/**
 * The application menu. `buildMenuTemplate` is pure (tests read the template); items that open a
 * dialog (or the search palette) only raise a UI command, which reaches the renderer as the `uiCommand` topic.
 */
import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { UiCommandName } from '../../shared/console-api.js';

export interface MenuOptions {
  readonly isMac: boolean;
  /** Development builds get reload and the developer tools; packaged builds do not. */
  readonly developerTools: boolean;
  readonly raise: (command: UiCommandName) => void;
}

export function buildMenuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    // The renderer also answers Ctrl/⌘+K and `/` (outside text fields) with the same palette.
    { id: 'search', label: 'Search the fleet…', accelerator: 'CmdOrCtrl+K', click: () => options.raise('open-search') },
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  if (options.developerTools) view.unshift({ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' });
  return [
    ...(options.isMac ? [{ role: 'appMenu' } satisfies MenuItemConstructorOptions] : [{ role: 'fileMenu' } satisfies MenuItemConstructorOptions]),
    {
      id: 'configuration',
      label: 'Configuration',
      submenu: [{ id: 'remote-servers', label: 'Remote servers…', click: () => options.raise('open-remote-servers') }],
    },
    { role: 'editMenu' },
    { id: 'view', label: 'View', submenu: view },
    { role: 'windowMenu' },
    {
      id: 'help',
      role: 'help',
      submenu: [{ id: 'license-info', label: 'License info', accelerator: 'Alt+L', click: () => options.raise('open-license-info') }],
    },
  ];
}

export function installApplicationMenu(options: MenuOptions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(options)));
}
