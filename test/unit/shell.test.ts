/** The Electron shell with a mocked `electron` module: window options, hardening, IPC sender checks. */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => {
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const windows: Array<{ options: Record<string, unknown>; contents: FakeContents }> = [];
  class FakeContents {
    readonly listeners = new Map<string, (event: { preventDefault(): void }, url: string) => void>();
    windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
    sent: Array<[string, unknown]> = [];
    destroyed = false;
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      this.windowOpenHandler = handler;
    }
    on(event: string, listener: (event: { preventDefault(): void }, url: string) => void) {
      this.listeners.set(event, listener);
      return this;
    }
    isDestroyed() {
      return this.destroyed;
    }
    send(channel: string, payload: unknown) {
      this.sent.push([channel, payload]);
    }
  }
  class BrowserWindow {
    readonly webContents = new FakeContents();
    constructor(readonly options: Record<string, unknown>) {
      windows.push({ options, contents: this.webContents });
    }
    once() {
      return this;
    }
  }
  return {
    handlers,
    windows,
    FakeContents,
    openExternal: vi.fn(async (_url: string) => undefined),
    module: {
      BrowserWindow,
      ipcMain: {
        handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) => handlers.set(channel, handler),
        removeHandler: (channel: string) => handlers.delete(channel),
      },
      shell: { openExternal: (url: string) => electronOpen(url) },
      session: { defaultSession: {} },
    },
  };
  function electronOpen(url: string) {
    return electron.openExternal(url);
  }
});
vi.mock('electron', () => electron.module);

const { createMainWindow, hardenWebContents } = await import('../../main/shell/window.js');
const { appSenderCheck, forwardTopics, registerConsoleIpc } = await import('../../main/shell/ipc.js');
const { callChannel, topicChannel, CONSOLE_CALL_NAMES, CONSOLE_TOPIC_NAMES } = await import('../../shared/console-api.js');
type ConsoleService = import('../../shared/console-api.js').ConsoleService;

const APP_URL = 'file:///opt/floe/out/renderer/index.html';
const isAppUrl = (url: string): boolean => url === APP_URL;

describe('window factory', () => {
  beforeEach(() => electron.windows.splice(0));

  it('creates sandboxed, context-isolated windows without Node integration', () => {
    createMainWindow({ preloadPath: '/opt/floe/out/preload/index.cjs', isAppUrl });
    const prefs = electron.windows[0]?.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      preload: '/opt/floe/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('denies window.open and hands only allow-listed links to the system browser', () => {
    const contents = new electron.FakeContents();
    hardenWebContents(contents as never, isAppUrl);
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(electron.openExternal).not.toHaveBeenCalled();
    expect(contents.windowOpenHandler?.({ url: 'https://floe.example/docs/license' })).toEqual({ action: 'deny' });
    expect(electron.openExternal).toHaveBeenCalledWith('https://floe.example/docs/license');
  });

  it('prevents navigation and redirects away from the app, and webview attachment', () => {
    const contents = new electron.FakeContents();
    hardenWebContents(contents as never, isAppUrl);
    for (const event of ['will-navigate', 'will-redirect']) {
      const away = { preventDefault: vi.fn() };
      contents.listeners.get(event)?.(away, 'https://evil.example/');
      expect(away.preventDefault, event).toHaveBeenCalled();
      const home = { preventDefault: vi.fn() };
      contents.listeners.get(event)?.(home, APP_URL);
      expect(home.preventDefault, event).not.toHaveBeenCalled();
    }
    const webview = { preventDefault: vi.fn() };
    contents.listeners.get('will-attach-webview')?.(webview, '');
    expect(webview.preventDefault).toHaveBeenCalled();
  });
});

describe('typed IPC', () => {
  const service = {
    getFleet: vi.fn(async () => ({ locations: [] })),
    probeLocation: vi.fn(),
    addLocation: vi.fn(),
    removeLocation: vi.fn(),
    onTopic: vi.fn((topic: string, listener: (payload: unknown) => void) => {
      if (topic === 'fleet') listener({ locations: [] });
      return () => undefined;
    }),
  } as unknown as ConsoleService;
  const appContents = new electron.FakeContents();
  const check = appSenderCheck(isAppUrl, () => appContents as never);
  const topFrame = (url: string) => ({ url, parent: null });

  beforeEach(() => {
    electron.handlers.clear();
    vi.mocked(service.getFleet).mockClear();
  });

  it('serves a call from the app window', async () => {
    registerConsoleIpc(service, check);
    const handler = electron.handlers.get(callChannel('getFleet'));
    await expect(handler?.({ sender: appContents, senderFrame: topFrame(APP_URL) }, {})).resolves.toEqual({ ok: true, data: { locations: [] } });
    expect(service.getFleet).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['another web contents', { sender: new electron.FakeContents(), senderFrame: topFrame(APP_URL) }],
    ['a foreign URL in the app window', { sender: appContents, senderFrame: topFrame('https://evil.example/') }],
    ['a sub-frame of the app', { sender: appContents, senderFrame: { url: APP_URL, parent: {} } }],
    ['a destroyed frame', { sender: appContents, senderFrame: null }],
  ])('refuses a call from %s without running it', async (_label, event) => {
    registerConsoleIpc(service, check);
    const outcome = await electron.handlers.get(callChannel('getFleet'))?.(event, {});
    expect(outcome).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
    expect(service.getFleet).not.toHaveBeenCalled();
  });

  it('validates arguments from a trusted sender too', async () => {
    registerConsoleIpc(service, check);
    const outcome = await electron.handlers.get(callChannel('removeLocation'))?.({ sender: appContents, senderFrame: topFrame(APP_URL) }, { id: 'not-a-uuid' });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(service.removeLocation).not.toHaveBeenCalled();
  });

  it('registers one handler per call and removes them all on dispose', () => {
    const ipc = registerConsoleIpc(service, check);
    expect([...electron.handlers.keys()].sort()).toEqual(CONSOLE_CALL_NAMES.map(callChannel).sort());
    ipc.dispose();
    expect(electron.handlers.size).toBe(0);
  });

  it('forwards topics to a live window only', () => {
    const contents = new electron.FakeContents();
    forwardTopics(service, contents as never);
    expect(contents.sent).toEqual([[topicChannel('fleet'), { locations: [] }]]);
    expect(vi.mocked(service.onTopic).mock.calls.map((call) => call[0]).sort()).toEqual([...CONSOLE_TOPIC_NAMES].sort());
    const gone = new electron.FakeContents();
    gone.destroyed = true;
    forwardTopics(service, gone as never);
    expect(gone.sent).toEqual([]);
  });
});
