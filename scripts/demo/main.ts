/**
 * `npm run demo`: a populated fleet on loopback in two minutes. Three real agents (see fleet.ts),
 * registered in a demo console profile through the web host, then the console: the Electron app
 * when it can start, else the web host, whose URL is printed. Ctrl+C (or closing the Electron
 * window) stops everything and removes the temporary data. Runs the built output (`npm run build`).
 *
 *   node --import tsx scripts/demo/main.ts [--console auto|electron|web]   (FLOE_DEMO_CONSOLE too)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import { writePrivateFile } from '../../main/core/secret-store.js';
import {
  chooseDemoConsole,
  CONSOLE_REQUESTS,
  demoSafeTokenFile,
  describeEarlyExit,
  ELECTRON_GRACE_MS,
  electronBinaryPath,
  electronDemoEnv,
  type ConsoleRequest,
} from './console-choice.js';
import { DEMO_LOCATIONS, runNode, startDemoLocation, waitForOutput, type DemoLocation, type Tools } from './fleet.js';

const ROOT = join(import.meta.dirname, '../..');
const SERVE = join(ROOT, 'dist/main/web/serve.js');
const ELECTRON_PACKAGE = join(ROOT, 'node_modules/electron');
const USAGE = `usage: npm run demo [-- --console auto|electron|web]
  auto      the Electron app when it can start, else the web host (default; FLOE_DEMO_CONSOLE sets it too)
  electron  the Electron app or nothing
  web       the web host: open the printed URL in a browser`;

const say = (text: string): void => void process.stdout.write(`${text}\n`);

function parseRequest(): ConsoleRequest {
  const { values } = parseArgs({ options: { console: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    say(USAGE);
    process.exit(0);
  }
  const request = values.console ?? process.env.FLOE_DEMO_CONSOLE ?? 'auto';
  if (!(CONSOLE_REQUESTS as readonly string[]).includes(request)) {
    process.stderr.write(`floe demo: --console ${request} is not one of ${CONSOLE_REQUESTS.join(', ')}\n${USAGE}\n`);
    process.exit(2);
  }
  return request as ConsoleRequest;
}

const request = parseRequest();
const data = mkdtempSync(join(tmpdir(), 'floe-demo-'));
const configDir = join(data, 'console');
const tools: Tools = { agentCli: join(ROOT, 'dist/agent/cli/main.js'), licenseCli: join(ROOT, 'dist/agent/license/vendor-cli.js'), children: [] };
let stopping = false;

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('\nstopping the demo fleet…');
  // Until no new child appears: a location still starting (Ctrl+C during the start) may spawn its
  // agent while the others stop; the check after the last await runs before anything else can.
  for (let stopped = 0; stopped < tools.children.length; ) {
    const batch = tools.children.slice(stopped);
    stopped = tools.children.length;
    await Promise.all(batch.map(stopChild));
  }
  try {
    // Retries: a helper process (floe-license) may still be writing when Ctrl+C comes during start.
    rmSync(data, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    say(`removed ${data}`);
  } catch (error) {
    process.stderr.write(`floe demo: could not remove ${data} (${error instanceof Error ? error.message : String(error)}); remove it by hand\n`);
    code = code === 0 ? 1 : code;
  }
  process.exit(code);
}

// `on`, not `once`: a terminal's Ctrl+C reaches npm and this process both, and a second Ctrl+C
// must not kill the demo before it removed its data.
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

async function startWebHost(): Promise<{ url: string; host: ChildProcess }> {
  const host = spawn(process.execPath, [SERVE, '--config', configDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  tools.children.push(host);
  const [, url = ''] = await waitForOutput(host, 'stdout', /Floe console: (http:\/\/\S+)/, 'the web host');
  return { url, host };
}

/** Adds the locations through the web host's console API, checking each fingerprint first. */
async function register(url: string, locations: readonly DemoLocation[]): Promise<void> {
  const parsed = new URL(url);
  const token = new URLSearchParams(parsed.hash.slice(1)).get('token');
  const socket = io(parsed.origin, { path: '/api/socket.io', transports: ['websocket'], auth: { token }, extraHeaders: { origin: parsed.origin } });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  try {
    for (const location of locations) {
      const probe = (await socket.emitWithAck('floe:call:probeLocation', { host: '127.0.0.1', port: location.port })) as { ok: boolean; data?: { fingerprint: string } };
      if (!probe.ok || probe.data?.fingerprint !== location.fingerprint) throw new Error(`${location.name}: unexpected certificate ${JSON.stringify(probe)}`);
      const added = (await socket.emitWithAck('floe:call:addLocation', { name: location.name, host: '127.0.0.1', port: location.port, token: location.token, fingerprint: location.fingerprint })) as {
        ok: boolean;
        error?: { message: string };
      };
      if (!added.ok) throw new Error(`${location.name}: ${added.error?.message ?? 'refused'}`);
    }
  } finally {
    socket.close();
  }
}

/** Starts the Electron app on the demo profile; resolves with the child once it stayed up ELECTRON_GRACE_MS, or the reason it did not. */
async function startElectron(binary: string): Promise<{ ok: true; child: ChildProcess } | { ok: false; reason: string }> {
  const tokens = JSON.parse(readFileSync(join(configDir, 'tokens.json'), 'utf8')) as Record<string, string>;
  writePrivateFile(join(configDir, 'tokens.safe.json'), demoSafeTokenFile(tokens));
  const electronHome = join(data, 'electron');
  mkdirSync(electronHome, { mode: 0o700 });
  const child = spawn(binary, [ROOT], { stdio: ['ignore', 'ignore', 'pipe'], env: electronDemoEnv(process.env, configDir, electronHome, process.platform) });
  tools.children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.removeAllListeners('exit');
      resolve({ ok: true, child });
    }, ELECTRON_GRACE_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: describeEarlyExit({ code: null, signal: null, spawnError: error.message, stderr }) });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: describeEarlyExit({ code, signal, stderr }) });
    });
  });
}

function readPathTxt(): string | undefined {
  try {
    return readFileSync(join(ELECTRON_PACKAGE, 'path.txt'), 'utf8');
  } catch {
    return undefined;
  }
}

async function openConsole(webUrl: string, webHost: ChildProcess): Promise<void> {
  const electronBinary = electronBinaryPath(ELECTRON_PACKAGE, readPathTxt(), process.env.ELECTRON_OVERRIDE_DIST_PATH);
  const choice = chooseDemoConsole({
    request,
    platform: process.platform,
    hasDisplay: Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY),
    electronBinary,
    electronBinaryExists: electronBinary !== undefined && existsSync(electronBinary),
    builtMainExists: existsSync(join(ROOT, 'out/main/index.js')),
  });
  if (choice.kind === 'web') {
    if (request === 'electron') throw new Error(`cannot open the Electron app: ${choice.reason}`);
    if (request === 'auto') say(`\nNot opening the Electron app: ${choice.reason}.`);
    say(`Floe console: ${webUrl}`);
    say('Open it in a browser. Press Ctrl+C to stop the demo and remove its data.');
    return;
  }
  // One console at a time on the demo profile: the Electron app takes over from the web host.
  await stopChild(webHost);
  say(`\nStarting the Electron app (${choice.binary})…`);
  const started = await startElectron(choice.binary);
  if (started.ok) {
    say(`Floe console: the Electron app (pid ${started.child.pid ?? '?'}), demo profile ${configDir}`);
    say('Close its window or press Ctrl+C to stop the demo and remove its data.');
    started.child.once('exit', () => {
      if (stopping) return;
      say('The console window was closed.');
      void stop(0);
    });
    return;
  }
  if (request === 'electron') throw new Error(started.reason);
  say(`${started.reason}; falling back to the web host.`);
  const { url } = await startWebHost();
  say(`Floe console: ${url}`);
  say('Open it in a browser. Press Ctrl+C to stop the demo and remove its data.');
}

try {
  say(`Floe demo: data in ${data}`);
  const vendor = join(data, 'vendor');
  await runNode(tools.licenseCli, ['keygen', '--out', vendor]);
  const locations = await Promise.all(DEMO_LOCATIONS.map((name) => startDemoLocation(tools, data, name, vendor)));
  for (const location of locations) say(`  ${location.name.padEnd(12)} 127.0.0.1:${location.port}  ${location.fingerprint}`);
  const { url, host } = await startWebHost();
  await register(url, locations);
  await openConsole(url, host);
  say('demo ready');
} catch (error) {
  process.stderr.write(`floe demo: ${error instanceof Error ? error.message : String(error)}\n`);
  await stop(1);
}
