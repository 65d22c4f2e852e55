/**
 * The master GUI against the real web host and two real agents: a VTL prepared with the agent CLI,
 * then label, load and unload through the Drives & loaders tab; License info with Alt+L; screenshots
 * of every view in light and dark.
 */
import { expect, test } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { agentCli, ROOT, startE2eAgent, startWebHost, stopProcess, type E2eAgent } from './fleet-fixture';
import { addLocation, treeItem } from './ui-steps';

test.describe.configure({ mode: 'serial' });

let agents: E2eAgent[] = [];
let host: { url: string; process: ChildProcess };
const shot = (name: string): string => join(ROOT, 'test-results/e2e', `${name}.png`);

test.beforeAll(async () => {
  agents = [await startE2eAgent('hq-berlin'), await startE2eAgent('branch-lyon')];
  const [berlin] = agents as [E2eAgent];
  agentCli(berlin, ['loader', 'create', '--name', 'lib1', '--drives', '2', '--slots', '8', '--ie-slots', '2', '--capacity', '100M']);
  agentCli(berlin, ['pool', 'add', '--name', 'DAILY']);
  host = await startWebHost();
});

test.afterAll(async () => {
  await Promise.all([...agents.map((agent) => stopProcess(agent.process)), host ? stopProcess(host.process) : undefined]);
});



test('drill into a location, label, load and unload a cartridge, License info, both themes', async ({ page }) => {
  test.setTimeout(90_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.setViewportSize({ width: 1360, height: 860 });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(host.url);
  const [berlin, lyon] = agents as [E2eAgent, E2eAgent];
  await addLocation(page, berlin);
  await addLocation(page, lyon);
  await expect(treeItem(page, 'hq-berlin').getByText('Online', { exact: true })).toBeVisible();
  await expect(treeItem(page, 'branch-lyon').getByText('Online', { exact: true })).toBeVisible();
  await expect(page.getByText('2 locations · 2 online')).toBeVisible();
  await expect(page.getByRole('article', { name: 'hq-berlin' })).toContainText('0/2');
  await page.screenshot({ path: shot('gui-overview-light') });
  await page.getByRole('button', { name: 'Table' }).click();
  await expect(page.getByRole('row', { name: 'hq-berlin' })).toBeVisible();
  await page.screenshot({ path: shot('gui-overview-table-light') });

  // Open hq-berlin from the tree with the keyboard: focus the tree, move down to it, Enter.
  await treeItem(page, 'hq-berlin').click();
  const view = page.getByRole('region', { name: 'Location hq-berlin' });
  await expect(view.getByRole('heading', { name: 'hq-berlin' })).toBeVisible();
  await expect(page.getByRole('treeitem', { name: 'Loader lib1' })).toBeVisible();
  await page.screenshot({ path: shot('gui-location-overview-light') });

  await view.getByRole('tab', { name: 'Drives & loaders' }).click();
  const loader = view.getByRole('region', { name: 'Loader lib1' });
  await expect(loader).toBeVisible();
  await expect(loader.getByRole('button', { name: 'Slot 8', exact: true })).toBeVisible();
  await expect(loader).toContainText('inventory read');

  // Label slot 1 into DAILY.
  const actions = view.getByRole('complementary', { name: 'Actions' });
  await loader.getByRole('button', { name: 'Slot 1', exact: true }).click();
  await actions.getByLabel('Pool').selectOption('DAILY');
  await actions.getByRole('button', { name: 'Label', exact: true }).click();
  await expect(actions.getByRole('status')).toContainText('into DAILY');
  await expect(loader.getByRole('button', { name: 'Slot 1', exact: true })).toContainText('DAILY00001');

  // Load it into drive 0 and see the drive show the label.
  await actions.getByLabel('Load into drive').selectOption('0');
  await actions.getByRole('button', { name: 'Load', exact: true }).click();
  const drive0 = loader.getByRole('button', { name: 'Drive 0', exact: true });
  await expect(drive0).toContainText('DAILY00001');
  await expect(loader.getByRole('button', { name: 'Slot 1', exact: true })).toContainText('→ drive 0');
  await drive0.click();
  await expect(actions.getByRole('heading')).toContainText('Drive 0');
  await page.screenshot({ path: shot('gui-drives-light') });

  // Unload it back to its home slot.
  await actions.getByRole('button', { name: 'Unload', exact: true }).click();
  await expect(drive0).toContainText('empty');
  await expect(loader.getByRole('button', { name: 'Slot 1', exact: true })).toContainText('DAILY00001');

  await view.getByRole('tab', { name: 'Media' }).click();
  await expect(view.getByRole('table', { name: 'Media' })).toContainText('DAILY00001');
  await page.screenshot({ path: shot('gui-media-light') });
  await view.getByRole('tab', { name: 'License' }).click();
  await expect(view.getByRole('region', { name: 'License' })).toContainText('Trial');
  await page.screenshot({ path: shot('gui-license-light') });
  await view.getByRole('tab', { name: 'Jobs' }).click();
  await expect(view.getByText('No jobs yet')).toBeVisible();

  // License info: Alt+L, both locations; Esc closes.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Alt+KeyL');
  const dialog = page.getByRole('dialog', { name: 'License info' });
  await expect(dialog.getByRole('row', { name: 'hq-berlin' })).toBeVisible();
  await expect(dialog.getByRole('row', { name: 'branch-lyon' })).toBeVisible();
  await page.screenshot({ path: shot('gui-license-info-light') });

  // Dark: the same views.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: shot('gui-license-info-dark') });
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await view.getByRole('tab', { name: 'Drives & loaders' }).click();
  await loader.getByRole('button', { name: 'Slot 2', exact: true }).click();
  await page.screenshot({ path: shot('gui-drives-dark') });
  await view.getByRole('tab', { name: 'Media' }).click();
  await page.screenshot({ path: shot('gui-media-dark') });
  await view.getByRole('tab', { name: 'Overview' }).click();
  await page.screenshot({ path: shot('gui-location-overview-dark') });
  await treeItem(page, 'Overview').click();
  await page.getByRole('button', { name: 'Cards' }).click();
  await page.screenshot({ path: shot('gui-overview-dark') });

  // An offline location keeps its last known state, greyed, with "last seen".
  await stopProcess(lyon.process, 'SIGKILL');
  await expect(treeItem(page, 'branch-lyon').getByText('Offline', { exact: true })).toBeVisible();
  await treeItem(page, 'branch-lyon').click();
  await expect(page.getByRole('region', { name: 'Location branch-lyon' }).getByRole('status').first()).toContainText('last seen');
  await page.screenshot({ path: shot('gui-offline-dark') });

  // Keyboard: "/" opens the fleet search (Esc closes it); typing in the tree goes to its filter.
  await page.locator('body').press('/');
  await expect(page.getByRole('dialog', { name: 'Search the fleet' }).getByRole('combobox')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Search the fleet' })).toBeHidden();
  await page.getByRole('tree', { name: 'Fleet topology' }).focus();
  await page.keyboard.type('DAILY00001');
  await expect(page.getByLabel('Filter the topology')).toBeFocused();
  await expect(page.getByLabel('Filter the topology')).toHaveValue('DAILY00001');
  await expect(page.getByRole('treeitem', { name: 'Media DAILY00001' })).toBeVisible();
  await expect(treeItem(page, 'branch-lyon')).toBeHidden();
  expect(errors).toEqual([]);
});
