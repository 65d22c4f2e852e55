import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { DEMO_START_TIMEOUT_MS, interruptDemo, startDemo, type RunningDemo } from './demo-fixture';
import { ROOT } from './fleet-fixture';

// `npm run demo` (after the build): it tries the Electron app, which here is a stand-in that records
// what it was given and then fails like Electron without an X server; the demo falls back to the web
// host, the populated fleet shows in the browser, and Ctrl+C removes it all.
test.describe.configure({ mode: 'serial', timeout: DEMO_START_TIMEOUT_MS + 60_000 });

let demo: RunningDemo | undefined;
const fakeDist = mkdtempSync(join(tmpdir(), 'floe-fake-electron-'));
const report = join(fakeDist, 'report.json');

/** Records its arguments, environment and the demo profile's token files, then fails at start. */
const FAKE_ELECTRON = `#!${process.execPath}
const { readFileSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const dir = process.env.FLOE_CONFIG_DIR;
writeFileSync(${JSON.stringify(report)}, JSON.stringify({
  args: process.argv.slice(2),
  configDir: dir,
  allowPlaintext: process.env.FLOE_ALLOW_PLAINTEXT_TOKENS,
  xdgConfigHome: process.env.XDG_CONFIG_HOME,
  safeTokens: readFileSync(join(dir, 'tokens.safe.json'), 'utf8'),
  safeTokensMode: statSync(join(dir, 'tokens.safe.json')).mode & 0o777,
  webTokens: readFileSync(join(dir, 'tokens.json'), 'utf8'),
}));
process.stderr.write('[1:1129/150000.000000:ERROR:ozone_platform_x11.cc(240)] Missing X server or $DISPLAY\\n');
process.exit(1);
`;

/** Processes whose command line names `dir` (Linux /proc): the demo's agents run with `--data DIR/NAME`. */
function processesUsing(dir: string): string[] {
  if (!existsSync('/proc/self/cmdline')) return [];
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        return cmdline.includes(dir) ? [`${pid}: ${cmdline}`] : [];
      } catch {
        return [];
      }
    });
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

test.beforeAll(async () => {
  writeFileSync(join(fakeDist, 'electron'), FAKE_ELECTRON);
  chmodSync(join(fakeDist, 'electron'), 0o755);
  demo = await startDemo({ ELECTRON_OVERRIDE_DIST_PATH: fakeDist, DISPLAY: ':99', FLOE_DEMO_CONSOLE: 'auto' });
});

test.afterAll(async () => {
  // Ctrl+C, never SIGKILL: the demo must stop its agents and remove its data even when a test failed.
  if (demo) await interruptDemo(demo);
  rmSync(fakeDist, { recursive: true, force: true });
});

test('the demo tries the Electron app with the demo profile and its tokens, then falls back to the web host and says why', () => {
  const output = demo?.output() ?? '';
  expect(output).toContain(`Starting the Electron app (${join(fakeDist, 'electron')})`);
  expect(output).toMatch(/Electron exited with code 1 at start: .*Missing X server or \$DISPLAY; falling back to the web host\./);
  expect(output).toMatch(/Floe console: http:\/\/127\.0\.0\.1:\d+\/#token=/);

  const seen = JSON.parse(readFileSync(report, 'utf8')) as Record<string, unknown>;
  expect(seen.args).toEqual([ROOT]);
  expect(seen.configDir).toBe(join(demo?.dataDir ?? '', 'console'));
  expect(seen.allowPlaintext).toBe('1');
  expect(seen.xdgConfigHome).toBe(join(demo?.dataDir ?? '', 'electron'));
  expect(seen.safeTokensMode).toBe(0o600);
  // Every token the web host stored is in the Electron app's file, as a plain entry it reads with the opt-in.
  const web = JSON.parse(String(seen.webTokens)) as Record<string, string>;
  const safe = JSON.parse(String(seen.safeTokens)) as { format: number; tokens: Record<string, { scheme: string; data: string }> };
  expect(Object.keys(web)).toHaveLength(3);
  expect(safe.format).toBe(1);
  expect(Object.fromEntries(Object.entries(safe.tokens).map(([id, entry]) => [id, entry.scheme === 'plain' ? Buffer.from(entry.data, 'base64').toString() : '?']))).toEqual(web);
});

test('the demo fleet: three locations online with backups, one license expiring; Ctrl+C removes everything', async ({ page }) => {
  if (!demo) throw new Error('the demo did not start');
  expect(existsSync(demo.dataDir)).toBe(true);
  expect(statSync(join(demo.dataDir, 'console/tokens.json')).mode & 0o777).toBe(0o600);
  await page.goto(demo.url);
  for (const name of ['hq-berlin', 'branch-lyon', 'dr-site']) {
    await expect(page.getByRole('treeitem', { name, exact: true }).getByText('Online', { exact: true })).toBeVisible();
  }
  await page.keyboard.press('Alt+L');
  const dialog = page.getByRole('dialog', { name: 'License info' });
  await expect(dialog).toContainText('dr-site');
  await expect(dialog).toContainText(/expiring/i);
  await page.screenshot({ path: join(ROOT, 'test-results/e2e/demo-license-info.png'), fullPage: true });

  const ports = [...demo.output().matchAll(/^ {2}\S+ +127\.0\.0\.1:(\d+) /gm)].map((match) => Number(match[1]));
  const consolePort = Number(new URL(demo.url).port);
  expect(ports).toHaveLength(3);
  expect(await interruptDemo(demo)).toBe(0);
  expect(demo.output()).toContain(`removed ${demo.dataDir}`);
  expect(existsSync(demo.dataDir)).toBe(false);
  // Nothing listens any more: the agents and the web host stopped with the demo.
  for (const port of [...ports, consolePort]) expect(await refused(port), `port ${port}`).toBe(true);
  expect(processesUsing(demo.dataDir)).toEqual([]);
});

test('Ctrl+C while the demo is still starting stops it and removes its data', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/demo/main.ts'), '--console', 'web'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await expect.poll(() => /Floe demo: data in (\S+)/.exec(output)?.[1], { timeout: 60_000 }).toBeTruthy();
  const dataDir = /Floe demo: data in (\S+)/.exec(output)?.[1] ?? '';
  // Agents are being created and filled: interrupt in the middle of it.
  await expect.poll(() => existsSync(join(dataDir, 'hq-berlin', 'agent.json')), { timeout: 60_000 }).toBe(true);
  child.kill('SIGINT');
  expect(await exited).toBe(0);
  expect(output).toContain(`removed ${dataDir}`);
  expect(existsSync(dataDir)).toBe(false);
  expect(processesUsing(dataDir)).toEqual([]);
});

test('when the Electron app starts, the demo hands it the profile and stops with it when its window closes', async () => {
  // A stand-in that starts fine and runs until it is closed, as the real app does with its window.
  const dist = mkdtempSync(join(tmpdir(), 'floe-fake-electron-up-'));
  try {
    writeFileSync(join(dist, 'electron'), `#!${process.execPath}\nprocess.stderr.write('up\\n');\nsetInterval(() => undefined, 1000);\nprocess.on('SIGTERM', () => process.exit(0));\n`);
    chmodSync(join(dist, 'electron'), 0o755);
    const running = await startDemo({ ELECTRON_OVERRIDE_DIST_PATH: dist, DISPLAY: ':99' }, ['--console', 'electron']);
    const pid = Number(/Floe console: the Electron app \(pid (\d+)\), demo profile (\S+)/.exec(running.output())?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(running.output()).not.toContain('falling back');
    expect(existsSync(join(running.dataDir, 'console/tokens.safe.json'))).toBe(true);
    const exited = new Promise<number | null>((resolve) => running.process.once('exit', (code) => resolve(code)));
    process.kill(pid, 'SIGTERM');
    expect(await exited).toBe(0);
    expect(running.output()).toContain('The console window was closed.');
    expect(existsSync(running.dataDir)).toBe(false);
    expect(processesUsing(running.dataDir)).toEqual([]);
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
});
