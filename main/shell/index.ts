/** The Electron entry: the thin shell around the console core. No logic lives here. */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow } from 'electron';
import { defaultConfigDir } from '../core/config-dir.js';
import { createConsoleCore } from '../core/console-core.js';
import { appSenderCheck, forwardTopics, registerConsoleIpc } from './ipc.js';
import { createMainWindow, hardenDefaultSession, hardenWebContents } from './window.js';

const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const rendererFile = join(import.meta.dirname, '../renderer/index.html');
const appUrl = devServerUrl ?? pathToFileURL(rendererFile).href;
const isAppUrl = (url: string): boolean => url === appUrl || url.startsWith(`${appUrl}#`) || url.startsWith(`${appUrl}?`);

app.enableSandbox();

app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, isAppUrl));

void app.whenReady().then(() => {
  hardenDefaultSession();
  const core = createConsoleCore({ configDir: defaultConfigDir(app.getPath('appData')) });
  let window: BrowserWindow | undefined;
  const ipc = registerConsoleIpc(core.service, appSenderCheck(isAppUrl, () => window?.webContents));

  const open = (): void => {
    window = createMainWindow({ preloadPath: join(import.meta.dirname, '../preload/index.cjs'), isAppUrl });
    const topics = forwardTopics(core.service, window.webContents);
    window.on('closed', () => {
      topics.dispose();
      window = undefined;
    });
    void (devServerUrl ? window.loadURL(devServerUrl) : window.loadFile(rendererFile));
  };
  open();

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) open();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    ipc.dispose();
    core.dispose();
  });
});
