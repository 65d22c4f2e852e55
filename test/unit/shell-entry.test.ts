/**
 * The Electron entry and the preload, wired with a mocked `electron` module: the preload exposes
 * exactly the ConsoleApi, and main/shell/index.ts refuses unsafe token storage or opens one
 * hardened window with the menu and every IPC handler.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const electron = await vi.hoisted(async () => (await import('../helpers/fake-electron.js')).createFakeElectron());
vi.mock('electron', () => electron.module);

const { SECRET_STORE_ERROR_TITLE } = await import('../../main/shell/startup.js');
const { callChannel, CONSOLE_CALL_NAMES, topicChannel } = await import('../../shared/console-api.js');
type ConsoleApi = import('../../shared/console-api.js').ConsoleApi;
type MenuItem = import('electron').MenuItemConstructorOptions;

describe('preload', () => {
  it('exposes exactly the ConsoleApi calls and subscribe, nothing generic', async () => {
    await import('../../main/preload/index.js');
    expect([...electron.exposed.keys()]).toEqual(['floe']);
    const api = electron.exposed.get('floe') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...CONSOLE_CALL_NAMES, 'subscribe'].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
  });

  it('invokes one channel per call and turns a refusal back into a coded error', async () => {
    const api = electron.exposed.get('floe') as ConsoleApi;
    await expect(api.getFleet({})).resolves.toEqual({ locations: [] });
    await expect(api.removeLocation({ id: 'x' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(electron.invoked.map(([channel]) => channel)).toEqual([callChannel('getFleet'), callChannel('removeLocation')]);
  });

  it('subscribes to known topics only, and unsubscribes', () => {
    const api = electron.exposed.get('floe') as ConsoleApi;
    const listener = vi.fn();
    const unsubscribe = api.subscribe('uiCommand', listener);
    for (const handler of electron.rendererListeners.get(topicChannel('uiCommand')) ?? []) handler({}, { command: 'open-license-info' });
    expect(listener).toHaveBeenCalledWith({ command: 'open-license-info' });
    unsubscribe();
    expect(electron.rendererListeners.get(topicChannel('uiCommand'))?.size).toBe(0);
    expect(() => api.subscribe('ipc:raw' as never, listener)).toThrow(/unknown topic/);
  });
});

describe('the Electron entry (main/shell/index.ts), wired with fakes', () => {
  let configDir: string;
  const previousConfigDir = process.env.FLOE_CONFIG_DIR;
  const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
  beforeEach(() => {
    configDir = mkdtempSync(join(tmpdir(), 'floe-entry-'));
    process.env.FLOE_CONFIG_DIR = configDir;
    vi.resetModules();
    electron.app.lock = true;
    electron.app.ready = true;
    electron.app.quit.mockClear();
    electron.app.on.mockClear();
    electron.showErrorBox.mockClear();
    electron.handlers.clear();
    electron.windows.splice(0);
    electron.safeStorage.available = true;
  });
  afterEach(() => {
    process.env.FLOE_CONFIG_DIR = previousConfigDir;
    if (previousConfigDir === undefined) delete process.env.FLOE_CONFIG_DIR;
    rmSync(configDir, { recursive: true, force: true });
  });
  const appHandler = (event: string): (() => void) | undefined =>
    electron.app.on.mock.calls.find((call: unknown[]) => call[0] === event)?.[1] as (() => void) | undefined;

  it.runIf(process.platform === 'linux')('shows an error dialog and quits when only basic_text is available, opening no window', async () => {
    electron.safeStorage.backend = 'basic_text';
    await import('../../main/shell/index.js');
    await flush();
    expect(electron.showErrorBox).toHaveBeenCalledWith(SECRET_STORE_ERROR_TITLE, expect.stringContaining('FLOE_ALLOW_PLAINTEXT_TOKENS=1'));
    expect(electron.app.quit).toHaveBeenCalledTimes(1);
    expect(electron.windows).toHaveLength(0);
    expect(electron.handlers.size).toBe(0);
  });

  it('opens one hardened window with the menu, every IPC handler and second-instance focus', async () => {
    electron.safeStorage.backend = 'gnome_libsecret';
    await import('../../main/shell/index.js');
    await flush();
    expect(electron.showErrorBox).not.toHaveBeenCalled();
    expect(electron.windows).toHaveLength(1);
    expect([...electron.handlers.keys()].sort()).toEqual(CONSOLE_CALL_NAMES.map(callChannel).sort());
    const menu = vi.mocked(electron.module.Menu.setApplicationMenu).mock.calls.at(-1)?.[0] as MenuItem[];
    // A packaged build: no developer tools in the menu.
    expect(JSON.stringify(menu)).not.toContain('toggleDevTools');
    expect(appHandler('second-instance')).toBeTypeOf('function');
    expect(appHandler('web-contents-created')).toBeTypeOf('function');
    appHandler('will-quit')?.();
  });
});
