/**
 * Which console `npm run demo` opens, decided from facts gathered beforehand (pure, so it is tested
 * without Electron): the Electron app when its binary is there and can show a window, else the web
 * host, with the reason printed. Also the demo profile's token file for the Electron app.
 */
import { join } from 'node:path';

/** `--console`: auto tries Electron and falls back to the web host; the others insist. */
export type ConsoleRequest = 'auto' | 'electron' | 'web';
export const CONSOLE_REQUESTS: readonly ConsoleRequest[] = ['auto', 'electron', 'web'];

export interface ConsoleFacts {
  readonly request: ConsoleRequest;
  readonly platform: NodeJS.Platform;
  /** `DISPLAY` or `WAYLAND_DISPLAY` is set (only Linux and the BSDs need one). */
  readonly hasDisplay: boolean;
  /** Where the Electron binary would be (electronBinaryPath), undefined when Electron never installed one. */
  readonly electronBinary: string | undefined;
  readonly electronBinaryExists: boolean;
  /** `out/main/index.js`, built by `npm run build`. */
  readonly builtMainExists: boolean;
}

export type ConsoleChoice = { readonly kind: 'electron'; readonly binary: string } | { readonly kind: 'web'; readonly reason: string };

const NEEDS_DISPLAY = new Set<NodeJS.Platform>(['linux', 'freebsd', 'openbsd', 'netbsd']);

/**
 * The Electron binary as `node_modules/electron/index.js` would find it, without requiring that
 * module (which tries to download a missing binary): `path.txt` names it inside `dist/`, or inside
 * `ELECTRON_OVERRIDE_DIST_PATH` when that is set.
 */
export function electronBinaryPath(electronPackageDir: string, pathTxt: string | undefined, overrideDistPath: string | undefined): string | undefined {
  const name = pathTxt?.trim();
  if (overrideDistPath) return join(overrideDistPath, name || 'electron');
  return name ? join(electronPackageDir, 'dist', name) : undefined;
}

/** Why Electron cannot be tried, or undefined when it can. */
function electronUnavailable(facts: ConsoleFacts): string | undefined {
  if (!facts.electronBinary) return 'the Electron binary was never downloaded (node_modules/electron has no path.txt)';
  if (!facts.electronBinaryExists) return `the Electron binary is missing (${facts.electronBinary})`;
  if (!facts.builtMainExists) return 'the Electron app is not built (out/main/index.js); run: npm run build';
  if (NEEDS_DISPLAY.has(facts.platform) && !facts.hasDisplay) return 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)';
  return undefined;
}

/** Pure: the console to open. `electron` refused is an error the caller reports (no fallback asked). */
export function chooseDemoConsole(facts: ConsoleFacts): ConsoleChoice {
  if (facts.request === 'web') return { kind: 'web', reason: '--console web' };
  const unavailable = electronUnavailable(facts);
  if (unavailable) return { kind: 'web', reason: unavailable };
  return { kind: 'electron', binary: facts.electronBinary ?? '' };
}

/** How long Electron must stay up to count as started; an earlier exit falls back to the web host. */
export const ELECTRON_GRACE_MS = 5000;

/** Pure: the reason printed when Electron exits (or cannot be spawned) within the grace period. */
export function describeEarlyExit(outcome: { readonly code: number | null; readonly signal: string | null; readonly spawnError?: string; readonly stderr: string }): string {
  if (outcome.spawnError) return `Electron could not be started (${outcome.spawnError})`;
  const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.code ?? '?'}`;
  const lines = outcome.stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const last = lines.slice(-3).join(' | ');
  const hint = outcome.code === 0 && !outcome.signal ? ' (another Floe console may already be running for this user)' : '';
  return `Electron ${how} at start${hint}${last ? `: ${last}` : ''}`;
}

/**
 * Pure: `tokens.safe.json` for the Electron app from the web host's `tokens.json` ({ id: token }).
 * The demo's tokens are throwaway admin tokens of loopback agents deleted on exit, and the Electron
 * app started by the demo runs with FLOE_ALLOW_PLAINTEXT_TOKENS=1, so they are kept as `plain`
 * entries (the format of main/shell/safe-storage-store.ts) that it reads without a keychain.
 */
export function demoSafeTokenFile(tokens: Readonly<Record<string, string>>): string {
  const entries = Object.fromEntries(Object.entries(tokens).map(([id, token]) => [id, { scheme: 'plain', data: Buffer.from(token, 'utf8').toString('base64') }]));
  return `${JSON.stringify({ format: 1, tokens: entries }, null, 2)}\n`;
}

/** The environment of the demo's Electron app: the demo profile, plain tokens allowed, its own user data on Linux. */
export function electronDemoEnv(base: NodeJS.ProcessEnv, configDir: string, electronHome: string, platform: NodeJS.Platform): NodeJS.ProcessEnv {
  const { ELECTRON_RUN_AS_NODE: _runAsNode, ...env } = base;
  return {
    ...env,
    FLOE_CONFIG_DIR: configDir,
    FLOE_ALLOW_PLAINTEXT_TOKENS: '1',
    // Electron's userData (single-instance lock, Chromium profile) follows XDG_CONFIG_HOME on Linux:
    // the demo's app then runs beside an administrator's own Floe console instead of focusing it.
    ...(platform === 'linux' ? { XDG_CONFIG_HOME: electronHome } : {}),
  };
}
