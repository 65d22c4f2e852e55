/** Steps the end-to-end specs share, written once with the stable UI names. */
import { expect, type Page } from '@playwright/test';
import type { E2eAgent } from './fleet-fixture';

/** Registers an agent through the Add location dialog, checking the fingerprint it shows. */
export async function addLocation(page: Page, agent: Pick<E2eAgent, 'name' | 'port' | 'token' | 'fingerprint'>): Promise<void> {
  await page.getByRole('button', { name: 'Add location' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add location' });
  await dialog.getByLabel('Name').fill(agent.name);
  await dialog.getByLabel('Host').fill('127.0.0.1');
  await dialog.getByLabel('Port').fill(String(agent.port));
  await dialog.getByLabel('Token').fill(agent.token);
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog.getByText(agent.fingerprint)).toBeVisible();
  await dialog.getByRole('button', { name: 'Trust and add' }).click();
  await expect(dialog).toBeHidden();
}

/** A location's row in the topology tree. */
export const treeItem = (page: Page, name: string) => page.getByRole('treeitem', { name, exact: true });
