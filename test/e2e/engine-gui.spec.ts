/**
 * The engine tabs against the real web host and a real agent prepared with the agent CLI: start a
 * backup from Jobs and watch it finish, see the run in the Calendar, restore one file through the
 * Restore tab and read it on disk, Events; screenshots of each in light and dark.
 */
import { expect, test } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentCli, ROOT, startE2eAgent, startWebHost, stopProcess, type E2eAgent } from './fleet-fixture';
import { addLocation } from './ui-steps';

test.describe.configure({ mode: 'serial' });

let agent: E2eAgent;
let host: { url: string; process: ChildProcess };
let source: string;
let target: string;
const shot = (name: string): string => join(ROOT, 'test-results/e2e', `${name}.png`);

test.beforeAll(async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'floe-e2e-engine-'));
  source = join(scratch, 'docs');
  target = join(scratch, 'restored');
  mkdirSync(join(source, 'letters'), { recursive: true });
  writeFileSync(join(source, 'readme.txt'), 'Floe restores this file.\n');
  writeFileSync(join(source, 'letters', 'to-ann.txt'), 'Dear Ann,\n'.repeat(200));
  writeFileSync(join(source, 'notes.md'), '# notes\n');
  agent = await startE2eAgent('hq-engine');
  agentCli(agent, ['loader', 'create', '--name', 'lib1', '--drives', '2', '--slots', '8', '--ie-slots', '2', '--capacity', '100M']);
  agentCli(agent, ['pool', 'add', '--name', 'DAILY']);
  agentCli(agent, ['media', 'label', '--loader', 'lib1', '--slot', '1', '--pool', 'DAILY']);
  agentCli(agent, ['task', 'add', '--name', 'docs', '--source', source, '--pool', 'DAILY', '--no-hooks']);
  host = await startWebHost();
});

test.afterAll(async () => {
  await Promise.all([agent ? stopProcess(agent.process) : undefined, host ? stopProcess(host.process) : undefined]);
});


test('back up from Jobs, see it in the Calendar, restore a file, Events; both themes', async ({ page }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.setViewportSize({ width: 1360, height: 860 });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(host.url);
  await addLocation(page, agent);
  await page.getByRole('treeitem', { name: 'hq-engine', exact: true }).click();
  const view = page.getByRole('region', { name: 'Location hq-engine' });

  // Jobs: start a full backup of "docs" and watch it finish.
  await view.getByRole('tab', { name: 'Jobs' }).click();
  await expect(view.getByText('No jobs yet')).toBeVisible();
  await view.getByRole('button', { name: 'Start backup…' }).click();
  const form = view.getByRole('form', { name: 'Start backup' });
  await expect(form.getByLabel('Task')).toHaveValue('docs');
  await form.getByLabel('Type').selectOption('full');
  await form.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(form.getByRole('status')).toContainText('Started full backup of docs');
  const finished = view.getByRole('table', { name: 'Finished jobs' });
  await expect(finished.locator('[data-state="successful"]').first()).toBeVisible({ timeout: 60_000 });
  await finished.getByRole('button', { name: /^Protocol of / }).first().click();
  await expect(view.getByRole('complementary', { name: 'Protocol' }).locator('.log-lines li').first()).toBeVisible();
  await form.getByRole('button', { name: 'Close' }).click();
  await page.screenshot({ path: shot('engine-jobs-light') });

  // Calendar: the run is on today's backup day, green.
  await view.getByRole('tab', { name: 'Calendar' }).click();
  const run = view.locator('.run[data-status="successful"]').first();
  await expect(run).toBeVisible();
  await expect(run).toContainText('docs');
  await page.screenshot({ path: shot('engine-calendar-week-light') });
  await view.getByRole('button', { name: 'Month' }).click();
  await expect(view.locator('.run[data-status="successful"]').first()).toBeVisible();
  await page.screenshot({ path: shot('engine-calendar-month-light') });

  // Restore: pick the saveset, open the source directory, tick one file, restore it into a temp target.
  await view.getByRole('tab', { name: 'Restore' }).click();
  const picker = view.getByLabel('Saveset', { exact: true });
  const option = picker.locator('option').nth(1);
  await picker.selectOption((await option.getAttribute('value')) ?? '');
  const files = view.getByRole('region', { name: 'Files' });
  await files.getByRole('button', { name: `Open ${source}` }).click();
  await files.getByLabel(`Select ${join(source, 'readme.txt')}`).check();
  await view.getByLabel('Target directory (absolute)').fill(target);
  await expect(view.getByLabel('Where files land')).toContainText(`${target}${join(source, 'readme.txt')}`);
  await page.screenshot({ path: shot('engine-restore-light') });
  await view.getByRole('button', { name: 'Restore 1 selected' }).click();
  await expect(view.getByRole('status', { name: 'Restore job' })).toHaveAttribute('data-state', 'successful', { timeout: 60_000 });
  expect(readFileSync(join(target, source, 'readme.txt'), 'utf8')).toBe('Floe restores this file.\n');
  await page.screenshot({ path: shot('engine-restore-done-light') });

  // Events: the pre-flight check on demand.
  await view.getByRole('tab', { name: 'Events' }).click();
  await view.getByRole('button', { name: 'Run check' }).click();
  await expect(view.getByText(/Pre-flight check:/)).toBeVisible();
  await page.screenshot({ path: shot('engine-events-light') });

  // Dark: the same tabs.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: shot('engine-events-dark') });
  await view.getByRole('tab', { name: 'Jobs' }).click();
  await page.screenshot({ path: shot('engine-jobs-dark') });
  await view.getByRole('tab', { name: 'Calendar' }).click();
  await expect(view.locator('.run[data-status="successful"]').first()).toBeVisible();
  await page.screenshot({ path: shot('engine-calendar-dark') });
  await view.getByRole('tab', { name: 'Restore' }).click();
  await view.getByLabel('Saveset', { exact: true }).selectOption((await view.getByLabel('Saveset', { exact: true }).locator('option').nth(1).getAttribute('value')) ?? '');
  await view.getByRole('region', { name: 'Files' }).getByRole('button', { name: `Open ${source}` }).click();
  await view.getByLabel(`Select ${join(source, 'letters')}`).check();
  await page.screenshot({ path: shot('engine-restore-dark') });
  await page.getByRole('treeitem', { name: 'Overview', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Jobs per backup day by status' }).locator('.recharts-bar-rectangle').first()).toBeVisible();
  await page.screenshot({ path: shot('engine-fleet-chart-dark') });
  expect(errors).toEqual([]);
});
