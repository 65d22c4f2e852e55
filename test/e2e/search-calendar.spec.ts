/**
 * Fleet-wide search and the fleet calendar against two real agents through the web host: Ctrl+K
 * finds a task on the second location and Enter opens its jobs; the fleet calendar shows the runs
 * (past and planned) of both locations, then an offline one greyed. Screenshots in light and dark.
 */
import { expect, test, type Page } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentCli, ROOT, startE2eAgent, startWebHost, stopProcess, type E2eAgent } from './fleet-fixture';
import { addLocation, treeItem } from './ui-steps';

test.describe.configure({ mode: 'serial' });

let agents: E2eAgent[] = [];
let host: { url: string; process: ChildProcess };
const shot = (name: string): string => join(ROOT, 'test-results/e2e', `${name}.png`);

/** A location with a VTL, a pool, one task backed up once, and a nightly schedule of it. */
async function prepared(name: string, task: string): Promise<E2eAgent> {
  const source = join(mkdtempSync(join(tmpdir(), 'floe-e2e-search-')), task);
  mkdirSync(source, { recursive: true });
  writeFileSync(join(source, 'note.txt'), `${task} on ${name}\n`);
  const agent = await startE2eAgent(name);
  agentCli(agent, ['loader', 'create', '--name', 'lib1', '--drives', '2', '--slots', '6', '--ie-slots', '1', '--capacity', '50M']);
  agentCli(agent, ['pool', 'add', '--name', 'DAILY']);
  agentCli(agent, ['media', 'label', '--loader', 'lib1', '--slot', '1', '--pool', 'DAILY']);
  agentCli(agent, ['task', 'add', '--name', task, '--source', source, '--pool', 'DAILY', '--no-hooks']);
  // A single-word command: its first option is given as --task=NAME (agentCli puts --data after the second word).
  agentCli(agent, ['backup', `--task=${task}`, '--type', 'full', '--quiet']);
  agentCli(agent, ['schedule', 'add', '--name', 'nightly', '--cron', '0 22 * * *', '--task', task, '--type', 'incr', '--timezone', 'UTC']);
  return agent;
}

test.beforeAll(async () => {
  // Each agent CLI call is a Node process: preparing two locations takes a while on a busy machine.
  test.setTimeout(240_000);
  agents = [await prepared('hq-berlin', 'home'), await prepared('branch-lyon', 'mail-archive')];
  host = await startWebHost();
});

test.afterAll(async () => {
  await Promise.all([...agents.map((agent) => stopProcess(agent.process)), host ? stopProcess(host.process) : undefined]);
});

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return errors;
}

test('Ctrl+K finds a task on the second location and opens its jobs; the fleet calendar shows both locations’ runs', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1360, height: 860 });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(host.url);
  const [berlin, lyon] = agents as [E2eAgent, E2eAgent];
  await addLocation(page, berlin);
  await addLocation(page, lyon);
  await expect(treeItem(page, 'branch-lyon').getByText('Online', { exact: true })).toBeVisible();
  await expect(treeItem(page, 'hq-berlin').getByText('Online', { exact: true })).toBeVisible();

  // The overview: running and failed per location, and the four charts with both locations' data.
  await expect(page.getByRole('article', { name: 'branch-lyon' })).toContainText('0 running · 0 failed');
  for (const chart of ['Data volume per backup day', 'Success rate per location (recent backups, worst first)', 'Media capacity in use per location (fullest first)']) {
    await expect(page.getByRole('region', { name: chart }).locator('.recharts-bar-rectangle').first()).toBeVisible();
  }
  await page.screenshot({ path: shot('fleet-overview-charts-light') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: shot('fleet-overview-charts-dark') });
  await page.emulateMedia({ colorScheme: 'light' });

  // Search: Ctrl+K opens the palette; typing finds the task on branch-lyon; Enter opens its jobs.
  await page.locator('body').click({ position: { x: 600, y: 5 } });
  await page.keyboard.press('Control+KeyK');
  const palette = page.getByRole('dialog', { name: 'Search the fleet' });
  await expect(palette.getByRole('combobox')).toBeFocused();
  await page.keyboard.type('mail');
  const option = palette.getByRole('option', { name: 'Task mail-archive at branch-lyon' });
  await expect(option).toBeVisible();
  await expect(palette.getByRole('option', { name: /^Saveset .* at branch-lyon$/ })).toBeVisible();
  await page.screenshot({ path: shot('search-palette-light') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: shot('search-palette-dark') });
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(option).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(palette).toBeHidden();
  const view = page.getByRole('region', { name: 'Location branch-lyon' });
  await expect(view.getByRole('tab', { name: 'Jobs' })).toHaveAttribute('aria-selected', 'true');
  await expect(view.getByRole('status', { name: 'Task filter' })).toContainText('mail-archive');
  await expect(view.getByRole('table', { name: 'Finished jobs' })).toContainText('mail-archive');
  await expect(view.getByRole('form', { name: 'Start backup' }).getByLabel('Task')).toHaveValue('mail-archive');
  await page.screenshot({ path: shot('search-jump-jobs-light') });

  // A saveset and a cartridge from the palette too (arrows, then Enter).
  await page.keyboard.press('Control+KeyK');
  await page.keyboard.type('home');
  await expect(palette.getByRole('option', { name: 'Task home at hq-berlin' })).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await expect(palette.getByRole('option', { name: /^Saveset .* at hq-berlin$/ })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  const berlinView = page.getByRole('region', { name: 'Location hq-berlin' });
  await expect(berlinView.getByRole('tab', { name: 'Restore' })).toHaveAttribute('aria-selected', 'true');
  await expect(berlinView.getByLabel('Saveset', { exact: true })).not.toHaveValue('');

  // The fleet calendar: both locations as rows, each with its successful run and planned runs.
  await treeItem(page, 'Calendar').click();
  const calendar = page.getByRole('region', { name: 'Fleet calendar' });
  const grid = calendar.getByRole('grid');
  for (const name of ['hq-berlin', 'branch-lyon']) await expect(grid.getByRole('row', { name }).locator('.run[data-status="successful"]').first()).toBeVisible();
  // The next nightly run (22:00 UTC) is in next week's sheet after Sunday's has passed: look there then.
  const planned = grid.locator('.run[data-kind="planned"]');
  const nextWeek = (await planned.count()) === 0;
  if (nextWeek) await calendar.getByRole('button', { name: 'Next' }).click();
  for (const name of ['hq-berlin', 'branch-lyon']) await expect(grid.getByRole('row', { name }).locator('.run[data-kind="planned"]').first()).toBeVisible();
  if (nextWeek) {
    await calendar.getByRole('button', { name: 'Previous' }).click();
    await expect(grid.getByRole('row', { name: 'hq-berlin' }).locator('.run[data-status="successful"]').first()).toBeVisible();
  }
  await expect(grid.getByRole('row', { name: 'branch-lyon' }).locator('.run[data-status="successful"]').first()).toContainText('mail-archive');
  await page.screenshot({ path: shot('fleet-calendar-week-light') });
  await calendar.getByRole('button', { name: 'Month' }).click();
  await expect(grid.getByRole('row', { name: 'hq-berlin' }).locator('.pip[data-status="successful"]').first()).toBeVisible();
  await page.screenshot({ path: shot('fleet-calendar-month-light') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: shot('fleet-calendar-month-dark') });
  await calendar.getByRole('button', { name: 'Week' }).click();
  await page.screenshot({ path: shot('fleet-calendar-week-dark') });

  // An offline location stays on the calendar with its last known runs, greyed, and is named.
  await stopProcess(berlin.process, 'SIGKILL');
  await expect(treeItem(page, 'hq-berlin').getByText('Offline', { exact: true })).toBeVisible();
  const offlineRow = grid.getByRole('row', { name: 'hq-berlin' });
  await expect(offlineRow.getByText('last known runs only')).toBeVisible();
  await expect(offlineRow.locator('.run[data-status="successful"]').first()).toBeVisible();
  await expect(calendar.getByLabel('Calendars not read')).toContainText('hq-berlin');
  await page.screenshot({ path: shot('fleet-calendar-offline-dark') });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.screenshot({ path: shot('fleet-calendar-offline-light') });

  // Search names the offline location it could only search from its last state.
  await page.keyboard.press('Control+KeyK');
  await page.keyboard.type('home');
  await expect(palette.getByRole('option', { name: 'Task home at hq-berlin' })).toBeVisible();
  await expect(palette.getByLabel('Not fully searched')).toContainText('hq-berlin');
  await page.screenshot({ path: shot('search-offline-light') });
  await page.keyboard.press('Escape');
  await expect(palette).toBeHidden();
  expect(errors).toEqual([]);
});
