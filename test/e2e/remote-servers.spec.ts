import { expect, test } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { addLocation, treeItem } from './ui-steps';
import { startE2eAgent, startWebHost, stopProcess, ROOT, type E2eAgent } from './fleet-fixture';

let agent: E2eAgent;
let host: { url: string; process: ChildProcess };

test.beforeAll(async () => {
  agent = await startE2eAgent('hq-berlin');
  host = await startWebHost();
});

test.afterAll(async () => {
  await Promise.all([agent ? stopProcess(agent.process) : undefined, host ? stopProcess(host.process) : undefined]);
});

test('Remote servers: an edit with a wrong token stays pending with the refusal, discarding it restores the location, a rename applies', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(host.url);
  await addLocation(page, agent);
  await expect(treeItem(page, 'hq-berlin').getByText('Online', { exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Remote servers' }).click();
  const dialog = page.getByRole('dialog', { name: 'Remote servers' });
  const row = dialog.getByRole('row', { name: 'hq-berlin' });
  await expect(row.getByText('Online', { exact: true })).toBeVisible();
  await expect(row.getByText(agent.fingerprint)).toBeVisible();
  await dialog.getByText('Recently applied (1)').click();
  await expect(dialog.getByRole('list', { name: 'Recently applied changes' }).getByRole('listitem', { name: 'hq-berlin: registration added' })).toBeVisible();

  // Edit with a token the agent does not know: the edit stays pending ("modify") with the agent's refusal.
  await row.getByRole('button', { name: 'Edit hq-berlin' }).click();
  const form = dialog.getByRole('form', { name: 'Edit hq-berlin' });
  await form.getByLabel('Token').fill('floe_this-token-is-not-known');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form).toBeHidden();
  await expect(row.getByText('Auth failed', { exact: true })).toBeVisible();
  const pending = dialog.getByRole('list', { name: 'Pending changes' }).getByRole('listitem', { name: 'hq-berlin: connection settings modify' });
  await expect(pending.getByText('pending', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Remote servers' })).toContainText('1 pending');
  await page.screenshot({ path: join(ROOT, 'test-results/e2e/remote-servers-pending.png'), fullPage: true });

  // Discard: the stored token comes back and the location is Online again.
  await pending.getByRole('button', { name: 'Discard connection settings on hq-berlin' }).click();
  await expect(row.getByText('Online', { exact: true })).toBeVisible();
  await expect(dialog.getByText('Nothing pending: every change reached its location.')).toBeVisible();

  // A rename needs no certificate check and applies at once.
  await row.getByRole('button', { name: 'Edit hq-berlin' }).click();
  await form.getByLabel('Name').fill('hq-berlin-2');
  await form.getByRole('button', { name: 'Save' }).click();
  const renamed = dialog.getByRole('row', { name: 'hq-berlin-2' });
  await expect(renamed.getByText('Online', { exact: true })).toBeVisible();
  await expect(treeItem(page, 'hq-berlin-2')).toBeVisible();
  await expect(dialog.getByRole('list', { name: 'Recently applied changes' }).getByRole('listitem', { name: 'hq-berlin-2: name (was hq-berlin) modified' })).toBeVisible();
  await page.screenshot({ path: join(ROOT, 'test-results/e2e/remote-servers-renamed.png'), fullPage: true });
  expect(errors).toEqual([]);
});
