import { expect, test } from '@playwright/test';
import { addLocation, treeItem } from './ui-steps';
import { startE2eAgent, startWebHost, stopProcess, ROOT, type E2eAgent } from './fleet-fixture';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

// The tests share one fleet and build on each other: the second relies on the first's locations.
test.describe.configure({ mode: 'serial' });

let agents: E2eAgent[] = [];
let host: { url: string; process: ChildProcess };

test.beforeAll(async () => {
  agents = [await startE2eAgent('hq-berlin'), await startE2eAgent('branch-lyon')];
  host = await startWebHost();
});

test.afterAll(async () => {
  await Promise.all([...agents.map((agent) => stopProcess(agent.process)), host ? stopProcess(host.process) : undefined]);
});


const row = treeItem;

test('add two locations through the dialog, see both Online, stop one and see Offline (in place while the pointer is on the tree)', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(host.url);
  await expect(page.getByText('No locations yet')).toBeVisible();

  const [berlin, lyon] = agents as [E2eAgent, E2eAgent];
  await addLocation(page, berlin);
  await addLocation(page, lyon);
  await expect(row(page, 'hq-berlin').getByText('Online', { exact: true })).toBeVisible();
  await expect(row(page, 'branch-lyon').getByText('Online', { exact: true })).toBeVisible();
  await expect(page.getByText('2 locations · 2 online')).toBeVisible();

  // With the pointer on the tree, hq-berlin (second by name) turns Offline in its row; it moves first when the pointer leaves.
  const locationRows = page.getByRole('tree').getByRole('treeitem', { name: /^(hq-berlin|branch-lyon)$/ });
  await row(page, 'branch-lyon').hover();
  await stopProcess(berlin.process, 'SIGKILL');
  await expect(row(page, 'hq-berlin').getByText('Offline', { exact: true })).toBeVisible();
  const order = () => locationRows.evaluateAll((items) => items.map((item) => item.getAttribute('aria-label')));
  expect(await order()).toEqual(['branch-lyon', 'hq-berlin']);
  await page.getByRole('heading', { name: 'Fleet overview' }).hover();
  await expect.poll(order).toEqual(['hq-berlin', 'branch-lyon']);
  await expect(page.getByRole('article', { name: 'hq-berlin' })).toContainText('last seen');
  await expect(row(page, 'branch-lyon').getByText('Online', { exact: true })).toBeVisible();
  await page.screenshot({ path: join(ROOT, 'test-results/e2e/fleet-one-offline.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('a second location with the same certificate is refused with the name of the first', async ({ page }) => {
  await page.goto(host.url);
  const lyon = agents[1] as E2eAgent;
  await expect(row(page, 'branch-lyon')).toBeVisible();
  await page.getByRole('button', { name: 'Add location' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add location' });
  await dialog.getByLabel('Name').fill('lyon-again');
  await dialog.getByLabel('Host').fill('127.0.0.1');
  await dialog.getByLabel('Port').fill(String(lyon.port));
  await dialog.getByLabel('Token').fill(lyon.token);
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog.getByText('already registered as “branch-lyon”')).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Trust and add' })).toBeDisabled();
});

test('a page without the session token is refused and says so', async ({ page }) => {
  await page.goto(new URL(host.url).origin + '/');
  await expect(page.getByRole('alert')).toContainText('session token');
});
