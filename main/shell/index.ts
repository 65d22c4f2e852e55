/** The Electron entry: the thin shell around the console core. Decisions live in the modules it wires. */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog } from 'electron';
import { defaultConfigDir } from '../core/config-dir.js';
import { createConsoleCore } from '../core/console-core.js';
import { appSenderCheck, forwardTopics, registerConsoleIpc } from './ipc.js';
import { installApplicationMenu } from './menu.js';
import { notifyCriticalAlarms } from './alarm-notifications.js';
import { allowPlaintextFromEnv, SafeStorageSecretStore } from './safe-storage-store.js';
import { acquireSingleInstance, focusWindow, openSecretStoreOrQuit } from './startup.js';
import { createUiCommandSource, withUiCommands } from './ui-commands.js';
import { createMainWindow, hardenDefaultSession, hardenWebContents } from './window.js';

const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const rendererFile = join(import.meta.dirname, '../renderer/index.html');
const appUrl = devServerUrl ?? pathToFileURL(rendererFile).href;
const isAppUrl = (url: string): boolean => url === appUrl || url.startsWith(`${appUrl}#`) || url.startsWith(`${appUrl}?`);

let window: BrowserWindow | undefined;
/** Set once the app is ready: opens the main window (again, on macOS, after it was closed). */
let openWindow: (() => void) | undefined;

function start(): void {
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, isAppUrl));

  void app.whenReady().then(() => {
    hardenDefaultSession();
    const configDir = defaultConfigDir(app.getPath('appData'));
    // safeStorage keeps its own file: the web host's tokens.json holds tokens it can read without Electron.
    const secrets = openSecretStoreOrQuit(
      () => new SafeStorageSecretStore({ path: join(configDir, 'tokens.safe.json'), allowPlaintext: allowPlaintextFromEnv() }),
      app,
      dialog,
    );
    if (!secrets) return;
    const core = createConsoleCore({ configDir, secrets });
    const commands = createUiCommandSource();
    const service = withUiCommands(core.service, commands);
    installApplicationMenu({ isMac: process.platform === 'darwin', developerTools: !app.isPackaged, raise: commands.emit });
    const ipc = registerConsoleIpc(service, appSenderCheck(isAppUrl, () => window?.webContents));
    const notifications = notifyCriticalAlarms(service, () => (window ? focusWindow(window) : openWindow?.()));

    const open = (): void => {
      const opened = createMainWindow({ preloadPath: join(import.meta.dirname, '../preload/index.cjs'), isAppUrl });
      window = opened;
      const topics = forwardTopics(service, opened.webContents);
      opened.on('closed', () => {
        topics.dispose();
        if (window === opened) window = undefined;
      });
      void (devServerUrl ? opened.loadURL(devServerUrl) : opened.loadFile(rendererFile));
    };
    openWindow = open;
    open();

    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) open();
    });
    app.on('window-all-closed', () => {
      if (process.platform !== 'darwin') app.quit();
    });
    app.on('will-quit', () => {
      notifications.dispose();
      ipc.dispose();
      core.dispose();
    });
  });
}

// A second launch focuses the running console (or reopens its window) instead of starting another one.
if (acquireSingleInstance(app, () => (window ? focusWindow(window) : openWindow?.()))) start();
