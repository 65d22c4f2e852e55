/**
 * The security catalogue of the Electron shell, with a mocked `electron` module: the window factory,
 * CSP (header and index.html), navigation, permissions, every IPC channel, external links, the
 * safeStorage token store, the menu's UI commands and the single-instance lock.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const electron = await vi.hoisted(async () => (await import('../helpers/fake-electron.js')).createFakeElectron());
vi.mock('electron', () => electron.module);

const { createMainWindow, hardenDefaultSession, hardenWebContents } = await import('../../main/shell/window.js');
const { appSenderCheck, forwardTopics, registerConsoleIpc } = await import('../../main/shell/ipc.js');
const { checkExternalUrl, openExternalSafely } = await import('../../main/shell/external-links.js');
const { SafeStorageSecretStore, allowPlaintextFromEnv, decideTokenStorage } = await import('../../main/shell/safe-storage-store.js');
const { acquireSingleInstance, focusWindow, openSecretStoreOrQuit, SECRET_STORE_ERROR_TITLE } = await import('../../main/shell/startup.js');
const { buildMenuTemplate } = await import('../../main/shell/menu.js');
const { createUiCommandSource, withUiCommands } = await import('../../main/shell/ui-commands.js');
const { callChannel, CONSOLE_CALL_NAMES, CONSOLE_TOPIC_NAMES, topicChannel } = await import('../../shared/console-api.js');
const { FloeError } = await import('../../shared/errors.js');
type ConsoleService = import('../../shared/console-api.js').ConsoleService;
type ConsoleCallName = import('../../shared/console-api.js').ConsoleCallName;
type MenuItem = import('electron').MenuItemConstructorOptions;

const APP_URL = 'file:///opt/floe/out/renderer/index.html';
const isAppUrl = (url: string): boolean => url === APP_URL;

/** `a b; c d` → Map { a → [b], c → [d] }. */
function parseCsp(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

function headerCsp(): string {
  hardenDefaultSession();
  let header: string[] | undefined;
  electron.sessionHooks.headers?.({ responseHeaders: { 'X-Other': ['1'] } }, ({ responseHeaders }) => {
    header = responseHeaders['Content-Security-Policy'];
    expect(responseHeaders['X-Other']).toEqual(['1']);
  });
  expect(header).toHaveLength(1);
  return header?.[0] ?? '';
}

describe('window factory', () => {
  it('writes out every security flag of the main window', () => {
    electron.windows.splice(0);
    createMainWindow({ preloadPath: '/opt/floe/out/preload/index.cjs', isAppUrl });
    expect(electron.windows).toHaveLength(1);
    expect(electron.windows[0]?.options.webPreferences).toEqual({
      preload: '/opt/floe/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick',
    });
    expect(electron.windows[0]?.options.show).toBe(false);
  });
});

describe('content security policy', () => {
  it('is sent with every response and is strict', () => {
    const csp = parseCsp(headerCsp());
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    const objectSrc = csp.get('object-src');
    if (objectSrc) expect(objectSrc).toEqual(["'none'"]);
    for (const [directive, sources] of csp) {
      for (const forbidden of ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'", '*', 'http:', 'https:']) {
        expect(sources, `${directive} allows ${forbidden}`).not.toContain(forbidden);
      }
    }
  });

  it('matches the meta policy of renderer/index.html (a page loaded without the header is as strict)', () => {
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html)?.[1];
    expect(meta, 'index.html carries a CSP meta tag').toBeDefined();
    const fromMeta = parseCsp(meta ?? '');
    const fromHeader = parseCsp(headerCsp());
    for (const directive of ['default-src', 'script-src', 'style-src']) {
      expect(fromMeta.get(directive), directive).toEqual(fromHeader.get(directive));
    }
    // Meta policies ignore frame-ancestors; every other header directive must be there too.
    for (const [directive, sources] of fromHeader) {
      if (directive !== 'frame-ancestors') expect(fromMeta.get(directive), directive).toEqual(sources);
    }
  });

  it('denies every permission request and check', () => {
    hardenDefaultSession();
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read']) {
      const callback = vi.fn();
      electron.sessionHooks.permissionRequest?.({}, permission, callback);
      expect(callback, permission).toHaveBeenCalledWith(false);
    }
    expect(electron.sessionHooks.permissionCheck?.({}, 'media', APP_URL, {})).toBe(false);
  });
});

describe('navigation and new windows', () => {
  beforeEach(() => electron.openExternal.mockClear());

  it.each(['https://evil.example/', 'file:///etc/passwd', `${APP_URL}.evil`, 'javascript:alert(1)', 'about:blank'])('denies navigating to %s', (url) => {
    const contents = new electron.FakeContents();
    hardenWebContents(contents as never, isAppUrl);
    for (const event of ['will-navigate', 'will-redirect']) {
      const navigation = { preventDefault: vi.fn() };
      contents.listeners.get(event)?.(navigation, url);
      expect(navigation.preventDefault, event).toHaveBeenCalled();
    }
  });

  it('denies every new window, even for allow-listed links (those go to the system browser)', () => {
    const contents = new electron.FakeContents();
    hardenWebContents(contents as never, isAppUrl);
    for (const url of [APP_URL, 'https://floe.example/docs/', 'https://evil.example/', 'about:blank']) {
      expect(contents.windowOpenHandler?.({ url }), url).toEqual({ action: 'deny' });
    }
    expect(electron.openExternal.mock.calls).toEqual([['https://floe.example/docs/']]);
  });

  it('refuses to attach webviews', () => {
    const contents = new electron.FakeContents();
    hardenWebContents(contents as never, isAppUrl);
    const attach = { preventDefault: vi.fn() };
    contents.listeners.get('will-attach-webview')?.(attach, '');
    expect(attach.preventDefault).toHaveBeenCalled();
  });
});

describe('IPC: every ConsoleApi call channel', () => {
  const ID = '00000000-0000-4000-8000-000000000001';
  const notCalled = async (): Promise<never> => {
    throw new Error('the service must not be called');
  };
  const service = {
    getFleet: vi.fn(notCalled),
    probeLocation: vi.fn(notCalled),
    addLocation: vi.fn(notCalled),
    removeLocation: vi.fn(notCalled),
    getLocationDetail: vi.fn(notCalled),
    listAlarms: vi.fn(notCalled),
    getFleetSummary: vi.fn(notCalled),
    acknowledgeAlarm: vi.fn(notCalled),
    search: vi.fn(notCalled),
    topicSnapshot: vi.fn(notCalled),
    getFleetCalendar: vi.fn(notCalled),
    jobRerun: vi.fn(notCalled),
    loaderInventory: vi.fn(notCalled),
    loaderLoad: vi.fn(notCalled),
    loaderUnload: vi.fn(notCalled),
    loaderTransfer: vi.fn(notCalled),
    loaderImport: vi.fn(notCalled),
    loaderExport: vi.fn(notCalled),
    driveClean: vi.fn(notCalled),
    poolAdd: vi.fn(notCalled),
    mediaLabel: vi.fn(notCalled),
    taskList: vi.fn(notCalled),
    backupStart: vi.fn(notCalled),
    jobCancel: vi.fn(notCalled),
    jobLog: vi.fn(notCalled),
    savesetList: vi.fn(notCalled),
    savesetBrowse: vi.fn(notCalled),
    savesetSearch: vi.fn(notCalled),
    restoreStart: vi.fn(notCalled),
    verifyStart: vi.fn(notCalled),
    scheduleList: vi.fn(notCalled),
    calendarQuery: vi.fn(notCalled),
    checkRun: vi.fn(notCalled),
    licenseInstall: vi.fn(notCalled),
    editLocation: vi.fn(notCalled),
    reconnectLocation: vi.fn(notCalled),
    changeTask: vi.fn(notCalled),
    changeSchedule: vi.fn(notCalled),
    listChanges: vi.fn(notCalled),
    retryChange: vi.fn(notCalled),
    discardChange: vi.fn(notCalled),
    onTopic: vi.fn(() => () => undefined),
  } satisfies ConsoleService;
  const appContents = new electron.FakeContents();
  const trusted = { sender: appContents, senderFrame: { url: APP_URL, parent: null } };
  const foreign = [
    { sender: new electron.FakeContents(), senderFrame: { url: APP_URL, parent: null } },
    { sender: appContents, senderFrame: { url: 'https://evil.example/', parent: null } },
    { sender: appContents, senderFrame: { url: APP_URL, parent: {} } },
    { sender: appContents, senderFrame: null },
  ];
  /** Arguments each call must refuse; `satisfies` makes a new call fail to compile until it is listed here. */
  const malformed = {
    getFleet: [{ unexpected: 1 }, 42, 'x', []],
    probeLocation: [{}, { host: '', port: 7443 }, { host: 'agent.example', port: 0 }, { host: 'agent.example', port: 70000 }, { host: 'agent.example', port: '7443' }],
    addLocation: [{}, { name: 'x', host: 'h', port: 1, token: '', fingerprint: 'nope' }, 42],
    removeLocation: [{}, { id: 'not-a-uuid' }, { id: '00000000-0000-4000-8000-000000000000', extra: true }, 'id'],
    getLocationDetail: [{}, { id: 'x' }, { id: ID, more: 1 }],
    listAlarms: [{ all: true }, 'x'],
    getFleetSummary: [{ everything: true }, 42],
    acknowledgeAlarm: [{}, { id: '' }, { id: 'x'.repeat(600) }],
    search: [{}, { query: '' }, { query: '   ' }, { query: 'x'.repeat(200) }, { query: 'home', limit: 500 }, { query: 'home', more: 1 }],
    topicSnapshot: [{}, { topic: 'location' }, { topic: 'uiCommand' }, { topic: 'fleet', extra: 1 }],
    getFleetCalendar: [{}, { from: 'yesterday', to: 'today' }, { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, { from: '2026-01-01T00:00:00Z', to: '2026-04-01T00:00:00Z' }, { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', locations: ['x'] }],
    jobRerun: [{ id: ID }, { id: ID, args: {} }, { id: ID, args: { job: '' } }, { id: 'x', args: { job: 'j' } }],
    loaderInventory: [{}, { id: ID }, { id: ID, args: { name: '' } }, { id: 'x', args: { name: 'lib1' } }],
    loaderLoad: [{ id: ID, args: { loader: 'lib1', slot: 0, drive: 0 } }, { id: ID, args: { loader: 'lib1', slot: 1 } }, { id: ID, args: { loader: 'lib1', slot: 1, drive: 0, x: 1 } }],
    loaderUnload: [{ id: ID, args: { loader: 'lib1', drive: -1 } }, { id: ID, args: {} }],
    loaderTransfer: [{ id: ID, args: { loader: 'lib1', from: 1 } }, { id: ID, args: { loader: 'lib1', from: 1, to: 'two' } }],
    loaderImport: [{ id: ID, args: { loader: '../x' } }, { id: ID }],
    loaderExport: [{ id: ID, args: { loader: 'lib1' } }, { id: ID, args: { loader: 'lib1', from: 1.5 } }],
    driveClean: [{ id: ID, args: { loader: 'lib1' } }, { id: ID, args: { loader: 'lib1', drive: '0' } }],
    poolAdd: [{ id: ID, args: { name: 'daily' } }, { id: ID, args: { name: 'DAILY', retentionDays: -1 } }],
    mediaLabel: [{ id: ID, args: { loader: 'lib1', slot: 1, pool: 'DAILY', label: '<b>' } }, { id: ID, args: { loader: 'lib1', slot: 1 } }],
    taskList: [{ id: ID, args: { x: 1 } }, { id: 'x', args: {} }],
    backupStart: [{ id: ID, args: { task: '../x' } }, { id: ID, args: { task: 'docs', type: 'everything' } }],
    jobCancel: [{ id: ID, args: {} }, { id: ID, args: { id: '' } }],
    jobLog: [{ id: ID, args: { id: 'j', limit: 0 } }, { id: ID, args: {} }],
    savesetList: [{ id: ID, args: { task: '' } }, { id: ID }],
    savesetBrowse: [{ id: ID, args: { id: 's', dir: 'relative' } }, { id: ID, args: { id: 's' } }],
    savesetSearch: [{ id: ID, args: { id: 's', text: '' } }, { id: ID, args: { id: 's', text: 'x', limit: 5000 } }],
    restoreStart: [{ id: ID, args: { saveset: 's', to: 'relative' } }, { id: ID, args: { saveset: 's' } }],
    verifyStart: [{ id: ID, args: {} }, { id: ID, args: { saveset: 's', readData: 'yes' } }],
    scheduleList: [{ id: ID, args: { x: 1 } }, {}],
    calendarQuery: [{ id: ID, args: { from: 'yesterday', to: 'today' } }, { id: ID, args: { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' } }],
    checkRun: [{ id: ID, args: { now: true } }, { id: 'x', args: {} }],
    licenseInstall: [{ id: ID, args: {} }, { id: ID, args: { text: 'x'.repeat(70_000) } }],
    editLocation: [{}, { id: ID, host: 'evil host' }, { id: ID, port: 0 }, { id: ID, token: '' }, { id: ID, fingerprint: 'nope' }, { id: ID, extra: 1 }],
    reconnectLocation: [{}, { id: 'x' }],
    changeTask: [{ id: ID, mode: 'add' }, { id: ID, mode: 'rename', name: 'x' }, { id: ID, mode: 'add', task: { name: '../x', sources: ['/a'], pool: 'DAILY' } }, { id: ID, mode: 'delete', name: '' }],
    changeSchedule: [{ id: ID, mode: 'modify' }, { id: ID, mode: 'delete' }, { id: ID, mode: 'add', schedule: { name: 'n', cron: 'never', tasks: [], type: 'full' } }],
    listChanges: [{ pending: true }, 42],
    retryChange: [{}, { change: 'x' }],
    discardChange: [{}, { change: ID, extra: 1 }],
  } satisfies Record<ConsoleCallName, unknown[]>;

  let ipc: { dispose(): void } | undefined;
  beforeEach(() => {
    electron.handlers.clear();
    for (const name of CONSOLE_CALL_NAMES) service[name].mockClear();
    ipc = registerConsoleIpc(service, appSenderCheck(isAppUrl, () => appContents as never));
  });
  afterEach(() => ipc?.dispose());

  it('has a handler for every call and nothing else', () => {
    expect([...electron.handlers.keys()].sort()).toEqual(CONSOLE_CALL_NAMES.map(callChannel).sort());
  });

  it.each(CONSOLE_CALL_NAMES)('%s: refuses every foreign sender without calling the service', async (name) => {
    for (const event of foreign) {
      const outcome = await electron.handlers.get(callChannel(name))?.(event, malformed[name][0]);
      expect(outcome).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
    }
    expect(service[name]).not.toHaveBeenCalled();
  });

  it.each(CONSOLE_CALL_NAMES)('%s: answers malformed arguments with BAD_REQUEST without calling the service', async (name) => {
    for (const args of malformed[name]) {
      const outcome = await electron.handlers.get(callChannel(name))?.(trusted, args);
      expect(outcome, JSON.stringify(args)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(service[name]).not.toHaveBeenCalled();
  });
});

describe('external links', () => {
  it.each([
    ['https://floe.example/docs/', true],
    ['https://floe.example/docs/license/install?x=1#top', true],
    ['https://floe.example/docs', false],
    ['https://floe.example/docs/../admin', false],
    ['https://floe.example/%2e%2e/admin', false],
    ['https://floe.example/docs/%2e%2e/admin', false],
    ['https://floe.example/admin/', false],
    ['http://floe.example/docs/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)//https://floe.example/docs/', false],
    ['floe://floe.example/docs/', false],
    ['ms-settings:', false],
    ['smb://floe.example/docs/', false],
    ['https://floe.example.evil.com/docs/', false],
    ['https://evil.com/floe.example/docs/', false],
    ['https://user:pass@floe.example/docs/', false],
    ['https://evil.com@floe.example/docs/', false],
    ['https://floe.example:8443/docs/', false],
    ['https://floe.example\\@evil.com/docs/', false],
    ['https://xn--floe-example/docs/', false],
    ['not a url', false],
    ['', false],
  ])('%s → allowed: %s', async (url, allowed) => {
    expect(checkExternalUrl(url).allowed).toBe(allowed);
    electron.openExternal.mockClear();
    const log = vi.fn();
    await expect(openExternalSafely(url, { log })).resolves.toBe(allowed);
    expect(electron.openExternal).toHaveBeenCalledTimes(allowed ? 1 : 0);
    expect(log).toHaveBeenCalledTimes(allowed ? 0 : 1);
  });
});

describe('safeStorage token store', () => {
  let dir: string;
  const path = (): string => join(dir, 'tokens.safe.json');
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'floe-safe-'));
    electron.safeStorage.available = true;
    electron.safeStorage.backend = 'gnome_libsecret';
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips tokens encrypted, in a 0600 file, across instances', () => {
    const store = new SafeStorageSecretStore({ path: path(), platform: 'linux' });
    store.set('a', 'floe_secret_token_a');
    store.set('b', 'floe_secret_token_b');
    expect(statSync(path()).mode & 0o777).toBe(0o600);
    const onDisk = readFileSync(path(), 'utf8');
    expect(onDisk).not.toContain('floe_secret_token_a');
    expect(onDisk).not.toContain(Buffer.from('floe_secret_token_a').toString('base64'));
    const reopened = new SafeStorageSecretStore({ path: path(), platform: 'linux' });
    expect(reopened.get('a')).toBe('floe_secret_token_a');
    reopened.delete('a');
    expect(new SafeStorageSecretStore({ path: path(), platform: 'linux' }).get('a')).toBeUndefined();
    expect(new SafeStorageSecretStore({ path: path(), platform: 'linux' }).get('b')).toBe('floe_secret_token_b');
  });

  it('refuses the Linux basic_text backend without the opt-in, and says how to fix it', () => {
    electron.safeStorage.backend = 'basic_text';
    const open = () => new SafeStorageSecretStore({ path: path(), platform: 'linux' });
    expect(open).toThrow(FloeError);
    expect(open).toThrow(/secret service.*FLOE_ALLOW_PLAINTEXT_TOKENS=1/);
  });

  it('accepts basic_text with the opt-in, with a warning', () => {
    electron.safeStorage.backend = 'basic_text';
    const warn = vi.fn();
    const store = new SafeStorageSecretStore({ path: path(), platform: 'linux', allowPlaintext: true, warn });
    store.set('a', 'token');
    expect(store.get('a')).toBe('token');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('FLOE_ALLOW_PLAINTEXT_TOKENS=1'));
  });

  it('refuses when encryption is unavailable, and stores plain base64 only with the opt-in', () => {
    electron.safeStorage.available = false;
    expect(() => new SafeStorageSecretStore({ path: path(), platform: 'win32' })).toThrow(/no encryption/);
    const store = new SafeStorageSecretStore({ path: path(), platform: 'win32', allowPlaintext: true, warn: () => undefined });
    store.set('a', 'token');
    expect(store.get('a')).toBe('token');
    electron.safeStorage.available = true;
    const warn = vi.fn();
    expect(new SafeStorageSecretStore({ path: path(), platform: 'win32', warn }).get('a')).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('unencrypted'));
  });

  it('ignores basic_text on other platforms (the backend is Linux only)', () => {
    electron.safeStorage.backend = 'basic_text';
    expect(decideTokenStorage({ platform: 'darwin', encryptionAvailable: true, backend: 'os', allowPlaintext: false })).toEqual({ ok: true, scheme: 'safeStorage' });
    expect(() => new SafeStorageSecretStore({ path: path(), platform: 'darwin' })).not.toThrow();
  });

  it('refuses a token file other users can read', () => {
    writeFileSync(path(), JSON.stringify({ format: 1, tokens: {} }), { mode: 0o644 });
    expect(() => new SafeStorageSecretStore({ path: path(), platform: 'linux' })).toThrow(/chmod 600/);
  });

  it('reads a token it cannot decrypt as missing, with a warning', () => {
    writeFileSync(path(), JSON.stringify({ format: 1, tokens: { a: { scheme: 'safeStorage', data: Buffer.from('garbage').toString('base64') } } }), { mode: 0o600 });
    const warn = vi.fn();
    expect(new SafeStorageSecretStore({ path: path(), platform: 'linux', warn }).get('a')).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('cannot be decrypted'));
  });

  it('takes the opt-in from FLOE_ALLOW_PLAINTEXT_TOKENS=1 only', () => {
    expect(allowPlaintextFromEnv({ FLOE_ALLOW_PLAINTEXT_TOKENS: '1' })).toBe(true);
    for (const value of [undefined, '', '0', 'true', 'yes']) expect(allowPlaintextFromEnv({ FLOE_ALLOW_PLAINTEXT_TOKENS: value })).toBe(false);
  });

  it('on refusal shows an error dialog and quits', () => {
    electron.safeStorage.backend = 'basic_text';
    const app = { quit: vi.fn() };
    const dialog = { showErrorBox: vi.fn() };
    expect(openSecretStoreOrQuit(() => new SafeStorageSecretStore({ path: path(), platform: 'linux' }), app, dialog)).toBeUndefined();
    expect(dialog.showErrorBox).toHaveBeenCalledWith(SECRET_STORE_ERROR_TITLE, expect.stringContaining('FLOE_ALLOW_PLAINTEXT_TOKENS=1'));
    expect(app.quit).toHaveBeenCalledTimes(1);
    electron.safeStorage.backend = 'gnome_libsecret';
    expect(openSecretStoreOrQuit(() => new SafeStorageSecretStore({ path: path(), platform: 'linux' }), app, dialog)).toBeInstanceOf(SafeStorageSecretStore);
    expect(app.quit).toHaveBeenCalledTimes(1);
  });
});

describe('application menu', () => {
  const find = (items: readonly MenuItem[], id: string): MenuItem | undefined => items.find((item) => item.id === id);
  const submenu = (item: MenuItem | undefined): MenuItem[] => (Array.isArray(item?.submenu) ? (item.submenu as MenuItem[]) : []);
  const roles = (items: readonly MenuItem[]): string[] => items.flatMap((item) => [item.role ?? '', ...roles(submenu(item))]).filter(Boolean);

  it('has Help → License info on Alt+L; clicking it pushes uiCommand open-license-info to the window', () => {
    const commands = createUiCommandSource();
    const template = buildMenuTemplate({ isMac: false, developerTools: false, raise: commands.emit });
    const licenseInfo = find(submenu(find(template, 'help')), 'license-info');
    expect(licenseInfo).toMatchObject({ label: 'License info', accelerator: 'Alt+L' });

    const core = { ...({} as ConsoleService), onTopic: vi.fn(() => () => undefined) };
    const contents = new electron.FakeContents();
    const topics = forwardTopics(withUiCommands(core, commands), contents as never);
    licenseInfo?.click?.({} as never, undefined, {} as never);
    submenu(find(template, 'configuration'))[0]?.click?.({} as never, undefined, {} as never);
    expect(contents.sent).toEqual([
      [topicChannel('uiCommand'), { command: 'open-license-info' }],
      [topicChannel('uiCommand'), { command: 'open-remote-servers' }],
    ]);
    // The core is asked for its own topics only, never for uiCommand.
    expect(core.onTopic.mock.calls.map((call: unknown[]) => call[0])).toEqual(CONSOLE_TOPIC_NAMES.filter((topic) => topic !== 'uiCommand'));
    topics.dispose();
    commands.emit('open-license-info');
    expect(contents.sent).toHaveLength(2);
  });

  it('has View → Search the fleet on CmdOrCtrl+K; clicking it pushes uiCommand open-search to the window', () => {
    const commands = createUiCommandSource();
    const template = buildMenuTemplate({ isMac: false, developerTools: true, raise: commands.emit });
    const search = find(submenu(find(template, 'view')), 'search');
    expect(search).toMatchObject({ label: 'Search the fleet…', accelerator: 'CmdOrCtrl+K' });
    const core = { ...({} as ConsoleService), onTopic: vi.fn(() => () => undefined) };
    const contents = new electron.FakeContents();
    const topics = forwardTopics(withUiCommands(core, commands), contents as never);
    search?.click?.({} as never, undefined, {} as never);
    expect(contents.sent).toEqual([[topicChannel('uiCommand'), { command: 'open-search' }]]);
    topics.dispose();
  });

  it('has Configuration → Remote servers and the standard Edit and Window menus', () => {
    const template = buildMenuTemplate({ isMac: true, developerTools: false, raise: () => undefined });
    expect(submenu(find(template, 'configuration')).map((item) => item.label)).toEqual(['Remote servers…']);
    expect(roles(template)).toEqual(expect.arrayContaining(['appMenu', 'editMenu', 'windowMenu', 'help']));
  });

  it('offers the developer tools and reload in development builds only', () => {
    const production = roles(buildMenuTemplate({ isMac: false, developerTools: false, raise: () => undefined }));
    expect(production).not.toContain('toggleDevTools');
    expect(production).not.toContain('reload');
    expect(production).not.toContain('viewMenu');
    expect(roles(buildMenuTemplate({ isMac: false, developerTools: true, raise: () => undefined }))).toContain('toggleDevTools');
  });
});

describe('single instance', () => {
  it('quits when the lock is not obtained', () => {
    const app = { requestSingleInstanceLock: vi.fn(() => false), quit: vi.fn(), on: vi.fn() };
    const focus = vi.fn();
    expect(acquireSingleInstance(app as never, focus)).toBe(false);
    expect(app.quit).toHaveBeenCalledTimes(1);
    expect(app.on).not.toHaveBeenCalled();
  });

  it('focuses the existing window when a second instance starts', () => {
    const app = { requestSingleInstanceLock: vi.fn(() => true), quit: vi.fn(), on: vi.fn() };
    const focus = vi.fn();
    expect(acquireSingleInstance(app as never, focus)).toBe(true);
    expect(app.quit).not.toHaveBeenCalled();
    expect(app.on).toHaveBeenCalledWith('second-instance', focus);
  });

  it('focusWindow restores a minimised window and brings it to the front', () => {
    const window = { isMinimized: vi.fn(() => true), restore: vi.fn(), show: vi.fn(), focus: vi.fn() };
    focusWindow(window);
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    expect(() => focusWindow(undefined)).not.toThrow();
  });

  it('the Electron entry quits and starts nothing when another console holds the lock', async () => {
    electron.app.lock = false;
    await import('../../main/shell/index.js');
    expect(electron.app.requestSingleInstanceLock).toHaveBeenCalledTimes(1);
    expect(electron.app.quit).toHaveBeenCalledTimes(1);
    expect(electron.app.whenReady).not.toHaveBeenCalled();
    expect(electron.app.enableSandbox).not.toHaveBeenCalled();
  });
});
