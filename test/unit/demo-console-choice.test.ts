/**
 * `npm run demo`'s console decision: the Electron app when its binary is there and can show a
 * window, else the web host with the reason; the reason printed when Electron dies at start; the
 * demo profile's token file, read back by the Electron app's own token store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const electron = await vi.hoisted(async () => (await import('../helpers/fake-electron.js')).createFakeElectron());
vi.mock('electron', () => electron.module);

const { chooseDemoConsole, demoSafeTokenFile, describeEarlyExit, electronBinaryPath, electronDemoEnv } = await import('../../scripts/demo/console-choice.js');
const { SafeStorageSecretStore } = await import('../../main/shell/safe-storage-store.js');
const { writePrivateFile } = await import('../../main/core/secret-store.js');
type ConsoleFacts = import('../../scripts/demo/console-choice.js').ConsoleFacts;

const ready: ConsoleFacts = {
  request: 'auto',
  platform: 'linux',
  hasDisplay: true,
  electronBinary: '/repo/node_modules/electron/dist/electron',
  electronBinaryExists: true,
  builtMainExists: true,
};

describe('chooseDemoConsole', () => {
  it('opens the Electron app when everything is there', () => {
    expect(chooseDemoConsole(ready)).toEqual({ kind: 'electron', binary: '/repo/node_modules/electron/dist/electron' });
    expect(chooseDemoConsole({ ...ready, request: 'electron' })).toEqual({ kind: 'electron', binary: ready.electronBinary });
  });

  it.each<[string, Partial<ConsoleFacts>, RegExp]>([
    ['never downloaded', { electronBinary: undefined, electronBinaryExists: false }, /never downloaded/],
    ['binary missing', { electronBinaryExists: false }, /binary is missing \(\/repo\/node_modules\/electron\/dist\/electron\)/],
    ['not built', { builtMainExists: false }, /npm run build/],
    ['no display on Linux', { hasDisplay: false }, /no display/],
    ['web asked for', { request: 'web' }, /--console web/],
  ])('falls back to the web host: %s', (_name, change, reason) => {
    const choice = chooseDemoConsole({ ...ready, ...change });
    expect(choice.kind).toBe('web');
    expect(choice.kind === 'web' ? choice.reason : '').toMatch(reason);
  });

  it('needs no display on macOS or Windows', () => {
    expect(chooseDemoConsole({ ...ready, platform: 'darwin', hasDisplay: false }).kind).toBe('electron');
    expect(chooseDemoConsole({ ...ready, platform: 'win32', hasDisplay: false }).kind).toBe('electron');
  });

  it('answers web with the reason even when electron was insisted on (the demo then stops with that reason)', () => {
    expect(chooseDemoConsole({ ...ready, request: 'electron', electronBinaryExists: false })).toMatchObject({ kind: 'web', reason: expect.stringMatching(/missing/) });
  });
});

describe('electronBinaryPath', () => {
  it('follows path.txt inside dist/, or inside ELECTRON_OVERRIDE_DIST_PATH', () => {
    expect(electronBinaryPath('/e', 'electron\n', undefined)).toBe('/e/dist/electron');
    expect(electronBinaryPath('/e', 'Electron.app/Contents/MacOS/Electron', undefined)).toBe('/e/dist/Electron.app/Contents/MacOS/Electron');
    expect(electronBinaryPath('/e', undefined, undefined)).toBeUndefined();
    expect(electronBinaryPath('/e', '', undefined)).toBeUndefined();
    expect(electronBinaryPath('/e', undefined, '/opt/electron')).toBe('/opt/electron/electron');
    expect(electronBinaryPath('/e', 'electron.exe', '/opt/electron')).toBe('/opt/electron/electron.exe');
  });
});

describe('describeEarlyExit', () => {
  it('names the exit and the last lines Electron wrote', () => {
    expect(describeEarlyExit({ code: 1, signal: null, stderr: 'noise\n\n[ERROR:ozone_platform_x11.cc] Missing X server or $DISPLAY\n' })).toBe(
      'Electron exited with code 1 at start: noise | [ERROR:ozone_platform_x11.cc] Missing X server or $DISPLAY',
    );
    expect(describeEarlyExit({ code: null, signal: 'SIGSEGV', stderr: '' })).toBe('Electron was killed by SIGSEGV at start');
    expect(describeEarlyExit({ code: null, signal: null, spawnError: 'spawn /x EACCES', stderr: '' })).toBe('Electron could not be started (spawn /x EACCES)');
  });

  it('keeps only the last three lines', () => {
    expect(describeEarlyExit({ code: 2, signal: null, stderr: 'a\nb\nc\nd\n' })).toBe('Electron exited with code 2 at start: b | c | d');
  });

  it('hints at another running console when Electron quits cleanly at once (single-instance lock)', () => {
    expect(describeEarlyExit({ code: 0, signal: null, stderr: '' })).toMatch(/code 0 at start \(another Floe console may already be running/);
  });
});

describe('electronDemoEnv', () => {
  it('points the app at the demo profile, allows its plain tokens, isolates its user data on Linux, never runs Electron as Node', () => {
    const env = electronDemoEnv({ PATH: '/bin', ELECTRON_RUN_AS_NODE: '1', FLOE_CONFIG_DIR: '/home/ann/.config/floe-console' }, '/tmp/demo/console', '/tmp/demo/electron', 'linux');
    expect(env).toEqual({ PATH: '/bin', FLOE_CONFIG_DIR: '/tmp/demo/console', FLOE_ALLOW_PLAINTEXT_TOKENS: '1', XDG_CONFIG_HOME: '/tmp/demo/electron' });
    expect(electronDemoEnv({}, '/c', '/e', 'darwin')).toEqual({ FLOE_CONFIG_DIR: '/c', FLOE_ALLOW_PLAINTEXT_TOKENS: '1' });
  });
});

describe('demoSafeTokenFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'floe-demo-tokens-'));
    electron.safeStorage.available = true;
    electron.safeStorage.backend = 'gnome_libsecret';
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const tokens = { 'loc-1': 'floe_aaa_secret1', 'loc-2': 'floe_bbb_secret2' };

  it.each([
    ['with a keychain', 'gnome_libsecret'],
    ['without a secret service (basic_text)', 'basic_text'],
  ])('is read by the Electron token store %s, with the opt-in the demo sets', (_name, backend) => {
    electron.safeStorage.backend = backend;
    const path = join(dir, 'tokens.safe.json');
    writePrivateFile(path, demoSafeTokenFile(tokens));
    const store = new SafeStorageSecretStore({ path, platform: 'linux', allowPlaintext: true, warn: () => undefined });
    expect(store.get('loc-1')).toBe('floe_aaa_secret1');
    expect(store.get('loc-2')).toBe('floe_bbb_secret2');
  });

  it('is ignored without the opt-in (plain entries are never read silently)', () => {
    const path = join(dir, 'tokens.safe.json');
    writePrivateFile(path, demoSafeTokenFile(tokens));
    const warn = vi.fn();
    expect(new SafeStorageSecretStore({ path, platform: 'linux', warn }).get('loc-1')).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('unencrypted'));
  });
});
