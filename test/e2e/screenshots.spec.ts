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
  /** docs/operator/<slug>.md shows docs/screenshots/<slug>-light.png and <slug>-dark.png. */
  readonly slug: string;
  /** Brings the view on screen, starting from a freshly loaded console showing the demo fleet. */
  open(page: Page, demo: RunningDemo): Promise<void>;
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
    });
  }
}

test('every view has its operator page showing both screenshots', () => {
  for (const view of VIEWS) {
    const page = join(ROOT, 'docs/operator', `${view.slug}.md`);
    expect(existsSync(page), page).toBe(true);
    const text = readFileSync(page, 'utf8');
    for (const scheme of SCHEMES) expect(text, page).toContain(`../screenshots/${view.slug}-${scheme}.png`);
  }
});
