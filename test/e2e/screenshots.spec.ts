import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { DEMO_START_TIMEOUT_MS, interruptDemo, startDemo, type RunningDemo } from './demo-fixture';
import { ROOT, startE2eAgent, stopProcess, type E2eAgent } from './fleet-fixture';

// The operator's pages (docs/operator/<slug>.md) show every view of the console on the demo fleet,
// in the light and the dark theme. FLOE_DOC_SCREENSHOTS=1 writes them to docs/screenshots/ (commit
// them); otherwise they land in test-results/ so a test run leaves the tree clean.
// Adding a view: one entry in VIEWS, and its page docs/operator/<slug>.md (the last test checks it).

interface DocView {
  /** docs/operator/<page ?? slug>.md shows docs/screenshots/<slug>-light.png and <slug>-dark.png. */
  readonly slug: string;
  /** The operator page when it is another view's (a second picture of the same view). */
  readonly page?: string;
  /** Brings the view on screen, starting from a freshly loaded console showing the demo fleet. */
  open(page: Page, demo: RunningDemo): Promise<void>;
  /** Undoes what open() changed on the demo fleet, after the screenshot, so the next view starts alike. */
  close?(page: Page): Promise<void>;
}

const LOCATION = 'hq-berlin';
const locationView = (page: Page, name = LOCATION) => page.getByRole('region', { name: `Location ${name}` });

/** A tab of a location, opened from the topology. */
function locationTab(slug: string, tab: string, name = LOCATION, then?: (page: Page, demo: RunningDemo) => Promise<void>): DocView {
  return {
    slug,
    async open(page, demo) {
      await page.getByRole('treeitem', { name, exact: true }).click();
      const view = locationView(page, name);
      await view.getByRole('tab', { name: tab, exact: true }).click();
      await expect(view.getByRole('tabpanel')).toBeVisible();
      await then?.(page, demo);
    },
  };
}

/** The fleet calendar, from the sidebar's Fleet → Calendar, on the given sheet. */
function fleetCalendar(slug: string, sheet: 'Week' | 'Month'): DocView {
  return {
    slug,
    ...(sheet === 'Month' ? { page: 'fleet-calendar' } : {}),
    async open(page) {
      await page.getByRole('treeitem', { name: 'Calendar', exact: true }).click();
      const calendar = page.getByRole('region', { name: 'Fleet calendar' });
      await calendar.getByRole('button', { name: sheet, exact: true }).click();
      const grid = calendar.getByRole('grid');
      for (const name of ['hq-berlin', 'branch-lyon', 'dr-site']) {
        await expect(grid.getByRole('row', { name }).locator('[data-run]').first()).toBeVisible();
      }
    },
  };
}

export const VIEWS: readonly DocView[] = [
  {
    slug: 'topology',
    async open(page) {
      await page.getByRole('treeitem', { name: LOCATION, exact: true }).click();
      await expect(page.getByRole('treeitem', { name: 'Loader vtl1' })).toBeVisible();
    },
  },
  {
    slug: 'fleet-overview',
    async open(page) {
      await expect(page.getByRole('region', { name: 'Fleet overview' })).toBeVisible();
      // The charts are a chunk loaded after the first render.
      await expect(page.getByRole('region', { name: 'Jobs per backup day by status' })).toBeVisible();
    },
  },
  locationTab('location-overview', 'Overview'),
  locationTab('location-jobs', 'Jobs', 'branch-lyon'),
  locationTab('location-calendar', 'Calendar', LOCATION, async (page) => {
    // The month sheet shows today's runs and the planned ones of the next days.
    await locationView(page).getByRole('button', { name: 'Month', exact: true }).click();
    await expect(locationView(page).getByText(/^Week of/)).toBeHidden();
  }),
  locationTab('location-drives', 'Drives & loaders'),
  locationTab('location-media', 'Media'),
  locationTab('location-restore', 'Restore', LOCATION, async (page, demo) => {
    // The full saveset of docs, opened at its source, two folders ticked, a target typed.
    const view = locationView(page);
    const picker = view.getByLabel('Saveset', { exact: true });
    const fullOfDocs = picker.locator('optgroup[label="Task docs"] option', { hasText: '· full ·' });
    await picker.selectOption((await fullOfDocs.getAttribute('value')) ?? '');
    const files = view.getByRole('region', { name: 'Files' });
    const source = join(demo.dataDir, `${LOCATION}-files`, 'docs');
    await files.getByRole('button', { name: `Open ${source}` }).click();
    await files.getByLabel(`Select ${join(source, 'reports')}`).check();
    await files.getByLabel(`Select ${join(source, 'contracts')}`).check();
    await view.getByLabel('Target directory (absolute)').fill('/srv/restore');
  }),
  locationTab('location-license', 'License', 'dr-site'),
  locationTab('location-events', 'Events', 'branch-lyon'),
  {
    slug: 'license-info',
    async open(page) {
      await page.keyboard.press('Alt+L');
      await expect(page.getByRole('dialog', { name: 'License info' })).toContainText('dr-site');
    },
  },
  {
    slug: 'alarms',
    async open(page) {
      await page.getByRole('button', { name: /^Alarms \d+/ }).click();
      await expect(page.getByRole('dialog', { name: 'Alarms' }).getByRole('list', { name: 'Alarms' })).toBeVisible();
    },
  },
  {
    slug: 'add-location',
    async open(page) {
      // A fourth agent, not yet registered: the dialog shows its certificate's fingerprint to compare.
      const agent = await newAgent();
      await page.getByRole('button', { name: 'Add location' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add location' });
      await dialog.getByLabel('Name').fill(agent.name);
      await dialog.getByLabel('Host').fill('127.0.0.1');
      await dialog.getByLabel('Port').fill(String(agent.port));
      await dialog.getByLabel('Token').fill(agent.token);
      await dialog.getByRole('button', { name: 'Connect' }).click();
      await expect(dialog.getByText(agent.fingerprint)).toBeVisible();
      await expect(dialog.getByRole('button', { name: 'Trust and add' })).toBeEnabled();
    },
  },
  {
    slug: 'search',
    async open(page) {
      // "d" finds a location (dr-site), tasks (docs), media labels and savesets (of docs).
      await page.keyboard.press('Control+KeyK');
      const palette = page.getByRole('dialog', { name: 'Search the fleet' });
      await expect(palette.getByRole('combobox')).toBeFocused();
      await page.keyboard.type('d');
      for (const name of [/^Location dr-site at /, /^Task docs at /, /^Media .* at /, /^Saveset .* at /]) {
        await expect(palette.getByRole('option', { name }).first()).toBeVisible();
      }
    },
  },
  fleetCalendar('fleet-calendar', 'Week'),
  fleetCalendar('fleet-calendar-month', 'Month'),
  {
    slug: 'remote-servers',
    async open(page) {
      // A token branch-lyon does not know: the edit stays pending with the agent's refusal.
      await page.getByRole('button', { name: 'Remote servers' }).click();
      const dialog = page.getByRole('dialog', { name: 'Remote servers' });
      const row = dialog.getByRole('row', { name: 'branch-lyon' });
      await row.getByRole('button', { name: 'Edit branch-lyon' }).click();
      const form = dialog.getByRole('form', { name: 'Edit branch-lyon' });
      await form.getByLabel('Token').fill('floe_this-token-is-not-known');
      await form.getByRole('button', { name: 'Save' }).click();
      await expect(form).toBeHidden();
      await expect(row.getByText('Auth failed', { exact: true })).toBeVisible();
      await expect(dialog.getByRole('list', { name: 'Pending changes' }).getByRole('listitem', { name: 'branch-lyon: connection settings modify' })).toBeVisible();
    },
    async close(page) {
      const dialog = page.getByRole('dialog', { name: 'Remote servers' });
      await dialog.getByRole('button', { name: 'Discard connection settings on branch-lyon' }).click();
      await expect(dialog.getByRole('row', { name: 'branch-lyon' }).getByText('Online', { exact: true })).toBeVisible();
    },
  },
];

const SCHEMES = ['light', 'dark'] as const;
const intoDocs = process.env.FLOE_DOC_SCREENSHOTS === '1';
const shotDir = intoDocs ? join(ROOT, 'docs/screenshots') : join(ROOT, 'test-results/e2e/screenshots');

test.describe.configure({ mode: 'serial', timeout: 60_000 });

let demo: RunningDemo | undefined;
let extraAgent: E2eAgent | undefined;

async function newAgent(): Promise<E2eAgent> {
  extraAgent ??= await startE2eAgent('hq-munich');
  return extraAgent;
}

test.beforeAll(async () => {
  test.setTimeout(DEMO_START_TIMEOUT_MS + 30_000);
  mkdirSync(shotDir, { recursive: true });
  demo = await startDemo({ FLOE_DEMO_CONSOLE: 'web' });
});

test.afterAll(async () => {
  if (extraAgent) {
    await stopProcess(extraAgent.process);
    rmSync(dirname(extraAgent.dataDir), { recursive: true, force: true });
  }
  if (demo) expect(await interruptDemo(demo)).toBe(0);
});

for (const view of VIEWS) {
  for (const scheme of SCHEMES) {
    test(`${view.slug} (${scheme})`, async ({ page }) => {
      if (!demo) throw new Error('the demo did not start');
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
      await page.goto(demo.url);
      for (const name of ['hq-berlin', 'branch-lyon', 'dr-site']) {
        await expect(page.getByRole('treeitem', { name, exact: true }).getByText('Online', { exact: true })).toBeVisible();
      }
      await view.open(page, demo);
      // Charts and virtual lists settle after their first frame.
      await page.waitForTimeout(400);
      await page.screenshot({ path: join(shotDir, `${view.slug}-${scheme}.png`) });
      await view.close?.(page);
    });
  }
}

test('every view has its operator page showing both screenshots', () => {
  for (const view of VIEWS) {
    const page = join(ROOT, 'docs/operator', `${view.page ?? view.slug}.md`);
    expect(existsSync(page), page).toBe(true);
    const text = readFileSync(page, 'utf8');
    for (const scheme of SCHEMES) expect(text, page).toContain(`../screenshots/${view.slug}-${scheme}.png`);
  }
});
