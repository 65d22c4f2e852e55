import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { ROOT } from './fleet-fixture';

// `npm run demo` (after the build): the populated fleet starts, shows in the browser, and Ctrl+C removes it all.
test.describe.configure({ mode: 'serial', timeout: 120_000 });

let demo: ChildProcess;
let output = '';

test.beforeAll(async () => {
  demo = spawn(process.execPath, [join(ROOT, 'scripts/demo.mjs')], { stdio: ['ignore', 'pipe', 'pipe'] });
  demo.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await expect.poll(() => output.includes('demo ready') || demo.exitCode !== null, { timeout: 90_000 }).toBe(true);
  expect(output).toContain('demo ready');
});

test.afterAll(() => {
  if (demo.exitCode === null) demo.kill('SIGKILL');
});

test('the demo fleet: three locations online with backups, one license expiring; Ctrl+C removes everything', async ({ page }) => {
  const url = /Floe console: (http:\/\/\S+)/.exec(output)?.[1] ?? '';
  const dataDir = /Floe demo: data in (\S+)/.exec(output)?.[1] ?? '';
  expect(existsSync(dataDir)).toBe(true);
  await page.goto(url);
  for (const name of ['hq-berlin', 'branch-lyon', 'dr-site']) {
    await expect(page.getByRole('treeitem', { name, exact: true }).getByText('Online', { exact: true })).toBeVisible();
  }
  await page.keyboard.press('Alt+L');
  const dialog = page.getByRole('dialog', { name: 'License info' });
  await expect(dialog).toContainText('dr-site');
  await expect(dialog).toContainText(/expiring/i);
  await page.screenshot({ path: join(ROOT, 'test-results/e2e/demo-license-info.png'), fullPage: true });

  const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
  demo.kill('SIGINT');
  expect(await exited).toBe(0);
  expect(existsSync(dataDir)).toBe(false);
});
