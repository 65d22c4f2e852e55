/**
 * A fake `electron` module for shell tests: windows and web contents that record their handlers,
 * ipcMain/ipcRenderer/contextBridge, the default session's hooks, a reversible safeStorage, app,
 * dialog and Menu. Use it from `vi.hoisted` and hand `module` to `vi.mock('electron', …)`.
 */
import { vi } from 'vitest';

export function createFakeElectron() {
  type Listener = (event: { preventDefault(): void }, url: string) => void;
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const windows: Array<{ options: Record<string, unknown> }> = [];
  class FakeContents {
    readonly listeners = new Map<string, Listener>();
    windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
    sent: Array<[string, unknown]> = [];
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      this.windowOpenHandler = handler;
    }
    on(event: string, listener: Listener) {
      this.listeners.set(event, listener);
      return this;
    }
    isDestroyed() {
      return false;
    }
    send(channel: string, payload: unknown) {
      this.sent.push([channel, payload]);
    }
  }
  class BrowserWindow {
    readonly webContents = new FakeContents();
    constructor(readonly options: Record<string, unknown>) {
      windows.push({ options });
    }
    loaded: string | undefined;
    once() {
      return this;
    }
    on() {
      return this;
    }
    async loadFile(file: string) {
      this.loaded = file;
    }
    async loadURL(url: string) {
      this.loaded = url;
    }
  }
  const sessionHooks: {
    permissionRequest?: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;
    permissionCheck?: (...args: unknown[]) => boolean;
    headers?: (details: { responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders: Record<string, string[]> }) => void) => void;
  } = {};
  const safeStorage = {
    available: true,
    backend: 'gnome_libsecret' as string,
    isEncryptionAvailable: () => safeStorage.available,
    getSelectedStorageBackend: () => safeStorage.backend,
    // A reversible stand-in for OS encryption: prefix and reverse, so the stored bytes differ from the token.
    encryptString: (text: string) => Buffer.from(`enc:${[...text].reverse().join('')}`, 'utf8'),
    decryptString: (data: Buffer) => {
      const text = data.toString('utf8');
      if (!text.startsWith('enc:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return [...text.slice(4)].reverse().join('');
    },
  };
  const app = {
    lock: true,
    requestSingleInstanceLock: vi.fn(() => app.lock),
    quit: vi.fn(),
    on: vi.fn(),
    enableSandbox: vi.fn(),
    ready: false,
    whenReady: vi.fn(() => (app.ready ? Promise.resolve() : new Promise<void>(() => undefined))),
    getPath: vi.fn(() => '/nonexistent-app-data'),
    isPackaged: true,
  };
  const exposed = new Map<string, unknown>();
  const rendererListeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
  const invoked: Array<[string, unknown]> = [];
  const fake = {
    handlers,
    windows,
    exposed,
    rendererListeners,
    invoked,
    FakeContents,
    sessionHooks,
    safeStorage,
    app,
    openExternal: vi.fn(async (_url: string) => undefined),
    showErrorBox: vi.fn(),
    module: {
      app,
      BrowserWindow,
      ipcMain: {
        handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) => handlers.set(channel, handler),
        removeHandler: (channel: string) => handlers.delete(channel),
      },
      shell: { openExternal: (url: string) => fake.openExternal(url) },
      dialog: { showErrorBox: (title: string, content: string) => fake.showErrorBox(title, content) },
      safeStorage,
      Menu: { buildFromTemplate: (template: unknown) => template, setApplicationMenu: vi.fn((_menu: unknown) => undefined) },
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
      ipcRenderer: {
        invoke: async (channel: string, args: unknown) => {
          invoked.push([channel, args]);
          return channel.endsWith(':getFleet') ? { ok: true, data: { locations: [] } } : { ok: false, error: { code: 'BAD_REQUEST', message: 'removeLocation: id: Invalid UUID' } };
        },
        on: (channel: string, listener: (event: unknown, payload: unknown) => void) => {
          const set = rendererListeners.get(channel) ?? new Set();
          set.add(listener);
          rendererListeners.set(channel, set);
        },
        off: (channel: string, listener: (event: unknown, payload: unknown) => void) => rendererListeners.get(channel)?.delete(listener),
      },
      session: {
        defaultSession: {
          setPermissionRequestHandler: (handler: typeof sessionHooks.permissionRequest) => (sessionHooks.permissionRequest = handler),
          setPermissionCheckHandler: (handler: typeof sessionHooks.permissionCheck) => (sessionHooks.permissionCheck = handler),
          webRequest: { onHeadersReceived: (handler: typeof sessionHooks.headers) => (sessionHooks.headers = handler) },
        },
      },
    },
  };
  return fake;
}
