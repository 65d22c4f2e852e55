// @vitest-environment jsdom
/**
 * The fleet overview against issue #7: each location shows running jobs and the failures of its
 * backup day (cards and table), failures sort before healthy locations, and the charts of data
 * volume per day, success rate per location and media use show their data or a designed empty state.
 */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBridge } from '../../renderer/src/bridge';
import { App } from '../../renderer/src/features/frame/App';
import { mediaUse, percentLabel, successRates, volumePerDay } from '../../renderer/src/fleet-charts';
import { jobsPerDay } from '../../renderer/src/jobs-per-day';
import { storeActions } from '../../renderer/src/store/store';
import type { LocationDetail } from '../../shared/console-api';
import type { LocationView } from '../../shared/fleet';
import { engineDetail, fakeConsole, giveElementsASize, job, location, media, schedulesState } from '../helpers/renderer-fake';

const fake = fakeConsole();
const DAY = '2026-11-25';

beforeAll(async () => {
  // The overview loads its charts as a chunk of their own after the first render; loaded here once, so no test waits on the first import.
  await import('../../renderer/src/features/fleet/OverviewCharts');
  giveElementsASize();
  window.floe = fake.api;
  startBridge();
});

afterEach(() => {
  cleanup();
  storeActions().fleetOverviewOpened();
  storeActions().fleetLayoutChosen('cards');
  fake.handlers.clear();
});

function withMedia(detail: LocationDetail, used: number[]): LocationDetail {
  return { ...detail, devices: { loaders: [], drives: [], pools: [], media: used.map((bytes, n) => media(`DAILY0000${n + 1}`, null, { used: bytes, capacity: 100 })) } };
}

describe('fleet overview: jobs, failures and charts', () => {
  it('shows running jobs and failures of the backup day on cards and in the table; failures sort first', async () => {
    const calm = location('alpha');
    const failing = location('bravo');
    const details = new Map<string, LocationDetail>([
      [calm.id, engineDetail(calm.id, { active: [job({ state: 'running', endedAt: null })], recent: [job({ backupDay: DAY })] }, schedulesState(DAY))],
      [failing.id, engineDetail(failing.id, { active: [], recent: [job({ state: 'error', backupDay: DAY }), job({ state: 'error', backupDay: '2026-11-24' })] }, schedulesState(DAY))],
    ]);
    fake.handlers.set('getLocationDetail', async (args) => details.get((args as { id: string }).id));
    await act(async () => fake.push('fleet', { locations: [calm, failing] }));
    render(<App />);
    // The details land together with the next batch of answers; bravo's failure then sorts it first.
    await waitFor(() => expect(screen.getAllByRole('article').map((card) => card.getAttribute('aria-label'))).toEqual(['bravo', 'alpha']));
    const cards = screen.getAllByRole('article');
    expect(cards[0]?.textContent).toContain('0 running · 1 failed');
    expect(cards[1]?.textContent).toContain('1 running · 0 failed');
    fireEvent.click(screen.getByRole('button', { name: 'Table' }));
    const table = screen.getByRole('table', { name: 'Locations' });
    const headers = within(table).getAllByRole('columnheader').map((cell) => cell.textContent);
    const row = within(table).getByRole('row', { name: 'bravo' });
    const cells = within(row).getAllByRole('cell').map((cell) => cell.textContent);
    expect(cells[headers.indexOf('Failed')]).toBe('1');
    expect(cells[headers.indexOf('Running')]).toBe('0');
  });

  it('draws volume, success rate and media use from the locations’ state, or says there is nothing yet', async () => {
    const a = location('alpha');
    const b = location('bravo');
    const details = new Map<string, LocationDetail>([
      [a.id, withMedia(engineDetail(a.id, { active: [], recent: [job({ backupDay: DAY, bytes: 3000 }), job({ backupDay: DAY, bytes: 1000, state: 'error' })] }), [90, 10])],
      [b.id, withMedia(engineDetail(b.id, { active: [], recent: [job({ backupDay: '2026-11-24', bytes: 500 })] }), [100])],
    ]);
    const rows = [a, b].map((site) => ({ location: site, detail: details.get(site.id) }));
    expect(volumePerDay(details.values())).toEqual([
      { day: '2026-11-24', bytes: 500 },
      { day: DAY, bytes: 4000 },
    ]);
    expect(successRates(rows)).toEqual([
      { name: 'alpha', rate: 50, total: 2, failed: 1 },
      { name: 'bravo', rate: 100, total: 1, failed: 0 },
    ]);
    expect(mediaUse(rows).map((row) => [row.name, row.used, row.cartridges])).toEqual([
      ['bravo', 100, 1],
      ['alpha', 50, 2],
    ]);

    fake.handlers.set('getLocationDetail', async (args) => details.get((args as { id: string }).id));
    await act(async () => fake.push('fleet', { locations: [a, b] }));
    render(<App />);
    await act(async () => new Promise((resolve) => setTimeout(resolve, 10)));
    // The charts are a chunk of their own, loaded after the first render.
    expect(await screen.findByRole('region', { name: 'Jobs per backup day by status' })).toBeTruthy();
    for (const name of ['Data volume per backup day', 'Success rate per location (recent backups, worst first)', 'Media capacity in use per location (fullest first)']) {
      expect(screen.getByRole('region', { name })).toBeTruthy();
    }
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'Data volume per backup day' })).queryByText('No backups reported by any location yet.')).toBeNull());
    cleanup();
    const bare = location('charlie');
    fake.handlers.set('getLocationDetail', async () => engineDetail(bare.id, { active: [], recent: [] }));
    await act(async () => fake.push('fleet', { locations: [bare] }));
    render(<App />);
    expect(await within(await screen.findByRole('region', { name: 'Data volume per backup day' })).findByText('No backups reported by any location yet.')).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'Success rate per location (recent backups, worst first)' })).getByText('No finished backups yet.')).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'Media capacity in use per location (fullest first)' })).getByText('No labelled media at any location yet.')).toBeTruthy();
  });

  it('keeps the chart series to the worst ten locations of a large fleet', () => {
    const sites: LocationView[] = Array.from({ length: 1000 }, (_, n) => location(`site-${String(n).padStart(4, '0')}`));
    const rows = sites.map((site, n) => ({ location: site, detail: withMedia(engineDetail(site.id, { active: [], recent: [job({ state: n === 500 ? 'error' : 'successful' })] }), [n % 100]) }));
    const rates = successRates(rows);
    expect(rates).toHaveLength(10);
    expect(rates[0]).toMatchObject({ name: 'site-0500', rate: 0 });
    const use = mediaUse(rows);
    expect(use).toHaveLength(10);
    expect(use[0]?.used).toBe(99);
  });

  it('keeps a tiny media use above zero (a small saveset on big cartridges) and labels it "< 0.1"', () => {
    const site = location('tiny');
    const detail: LocationDetail = { ...engineDetail(site.id, { active: [], recent: [] }), devices: { loaders: [], drives: [], pools: [], media: [media('DAILY00001', null, { used: 10_240, capacity: 350 * 1024 * 1024 })] } };
    const [use] = mediaUse([{ location: site, detail }]);
    expect(use?.used).toBeGreaterThan(0);
    expect(use?.used).toBeLessThan(0.01);
    expect(percentLabel(use?.used ?? 0)).toBe('< 0.1');
    expect(percentLabel(0)).toBe('0');
    expect(percentLabel(42.26)).toBe('42.3');
  });
  it('recomputes the series when a location’s recent jobs are replaced, and gives the same figures again for the same jobs', () => {
    const a = location('alpha');
    const first = engineDetail(a.id, { active: [], recent: [job({ backupDay: DAY, bytes: 3000 })] });
    const rows = (detail: LocationDetail) => [{ location: a, detail }];
    expect(volumePerDay([first])).toEqual([{ day: DAY, bytes: 3000 }]);
    expect(successRates(rows(first))).toEqual([{ name: 'alpha', rate: 100, total: 1, failed: 0 }]);
    expect(jobsPerDay([first])).toEqual([{ day: DAY, successful: 1, warning: 0, error: 0, cancelled: 0 }]);
    // A push with a new running job keeps `recent`: the same figures.
    const progressed = { ...first, jobs: { active: [job({ state: 'running', endedAt: null })], recent: first.jobs?.recent ?? [] } };
    expect(volumePerDay([progressed, progressed])).toEqual([{ day: DAY, bytes: 6000 }]);
    expect(jobsPerDay([progressed])).toEqual([{ day: DAY, successful: 1, warning: 0, error: 0, cancelled: 0 }]);
    // A finished job replaces `recent`: new figures.
    const finished = engineDetail(a.id, { active: [], recent: [job({ backupDay: DAY, bytes: 1000, state: 'error' }), ...(first.jobs?.recent ?? [])] });
    expect(volumePerDay([finished])).toEqual([{ day: DAY, bytes: 4000 }]);
    expect(successRates(rows(finished))).toEqual([{ name: 'alpha', rate: 50, total: 2, failed: 1 }]);
    expect(jobsPerDay([finished])).toEqual([{ day: DAY, successful: 1, warning: 0, error: 1, cancelled: 0 }]);
  });

  it('sorts a location again when its health changes, and keeps the order for a progress push', async () => {
    const calm = location('alpha');
    const other = location('bravo');
    const ok = (id: string) => engineDetail(id, { active: [], recent: [job({ backupDay: DAY })] }, schedulesState(DAY));
    fake.handlers.set('getLocationDetail', async (args) => ok((args as { id: string }).id));
    await act(async () => fake.push('fleet', { locations: [calm, other] }));
    render(<App />);
    // Both details landed (together, with the next batch of answers) before the pushes below.
    await waitFor(() => expect(screen.getAllByRole('article').map((card) => card.textContent).every((text) => text?.includes('0 running · 0 failed'))).toBe(true));
    const names = () => screen.getAllByRole('article').map((card) => card.getAttribute('aria-label'));
    expect(names()).toEqual(['alpha', 'bravo']);
    await act(async () => storeActions().locationDetailReceived(engineDetail(other.id, { active: [job({ state: 'running', endedAt: null })], recent: [job({ backupDay: DAY })] }, schedulesState(DAY))));
    expect(names()).toEqual(['alpha', 'bravo']);
    await act(async () => storeActions().locationDetailReceived(engineDetail(other.id, { active: [], recent: [job({ state: 'error', backupDay: DAY })] }, schedulesState(DAY))));
    expect(names()).toEqual(['bravo', 'alpha']);
    await act(async () => storeActions().locationDetailReceived(ok(other.id)));
    expect(names()).toEqual(['alpha', 'bravo']);
  });
});
