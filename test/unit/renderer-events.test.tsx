// @vitest-environment jsdom
/** The Events tab (assembled from the replica) and the fleet chart's data. */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openLocation, startBridge } from '../../renderer/src/bridge';
import { App } from '../../renderer/src/features/frame/App';
import { jobsPerDay } from '../../renderer/src/jobs-per-day';
import { storeActions } from '../../renderer/src/store/store';
import { engineDetail, fakeConsole, giveElementsASize, job, license, location, schedulesState } from '../helpers/renderer-fake';

const fake = fakeConsole();
const HOSTILE = '<img src=x onerror="window.__pwned=1">';

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
  fake.handlers.clear();
});

describe('Events tab', () => {
  it('lists failed and warning jobs, jobs waiting for media, the last check’s problems and license warnings; filters by severity; runs the check', async () => {
    const site = location('events');
    const lastCheck = { at: '2026-11-23T18:00:00.000Z', ok: false, problems: [{ severity: 'error' as const, subject: 'pool DAILY', message: 'no usable medium in a loader' }] };
    const detail = engineDetail(
      site.id,
      {
        active: [job({ id: 'w1', state: 'waiting-media', endedAt: null, message: 'SM_GET_VOLUME: label a cartridge into DAILY' })],
        recent: [job({ id: 'e1', state: 'error', message: HOSTILE }), job({ id: 'ok1' }), job({ id: 'warn1', state: 'warning', message: 'POST hook failed' })],
      },
      schedulesState('2026-11-23', { lastCheck }),
      1,
      license('expiring', 9, { reason: 'expires in 9 days' }),
    );
    fake.handlers.set('getLocationDetail', async () => detail);
    await act(async () => fake.push('fleet', { locations: [site] }));
    render(<App />);
    await act(async () => openLocation(site.id, 'Events'));
    const table = screen.getByRole('table', { name: 'Events' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(5);
    expect(rows.map((row) => row.getAttribute('data-severity'))).toEqual(['error', 'error', 'warning', 'warning', 'warning']);
    expect(table.textContent).toContain('no usable medium in a loader');
    expect(table.textContent).toContain('SM_GET_VOLUME: label a cartridge into DAILY');
    expect(table.textContent).toContain('expires in 9 days');
    expect(table.textContent).toContain(HOSTILE);
    expect(document.querySelector('img')).toBeNull();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Errors 2' })));
    expect(within(screen.getByRole('table', { name: 'Events' })).getAllByRole('row')).toHaveLength(3);
    expect(screen.getByText(/The whole fleet's alarms, which you can acknowledge, are under Alarms in the header/)).toBeTruthy();

    fake.handlers.set('checkRun', async () => ({ at: '2026-11-23T19:00:00.000Z', ok: true, problems: [] }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Run check' })));
    expect(fake.calls.at(-1)).toEqual({ name: 'checkRun', args: { id: site.id, args: {} } });
    expect(screen.getByText('Pre-flight check: ready for the next runs.')).toBeTruthy();
    // The newer check replaces the old one's problems.
    expect(within(screen.getByRole('table', { name: 'Events' })).getAllByRole('row')).toHaveLength(2);
  });
});

describe('fleet overview with engine state', () => {
  it('names failed jobs and jobs waiting for media under Needs attention, and draws the jobs-per-day chart', async () => {
    const site = location('fleet-engine');
    const today = '2026-11-23';
    fake.handlers.set('getLocationDetail', async () =>
      engineDetail(site.id, { active: [job({ task: 'mail', state: 'waiting-media', endedAt: null })], recent: [job({ task: 'db', state: 'error', backupDay: today }), job({ backupDay: today })] }, schedulesState(today)),
    );
    await act(async () => fake.push('fleet', { locations: [site] }));
    render(<App />);
    const attention = await screen.findByRole('region', { name: 'Needs attention' });
    await screen.findByText('mail is waiting for media');
    expect(attention.textContent).toContain('backup db failed');
    // The charts load after the first render and follow the details at most once a second.
    const chart = await screen.findByRole('region', { name: 'Jobs per backup day by status' });
    await waitFor(() => expect(chart.textContent).not.toContain('No finished jobs'));
  });
});

describe('jobs per backup day', () => {
  it('counts finished jobs of every location by day and status, the last 14 days, oldest first', () => {
    const day = (n: number) => `2026-11-${String(n).padStart(2, '0')}`;
    const a = engineDetail('00000000-0000-4000-8000-000000000001', { active: [job({ state: 'running' })], recent: [job({ backupDay: day(20) }), job({ backupDay: day(20), state: 'error' }), job({ backupDay: day(21), state: 'warning' })] });
    const b = engineDetail('00000000-0000-4000-8000-000000000002', { active: [], recent: Array.from({ length: 20 }, (_, n) => job({ backupDay: day(n + 1) })) });
    const c = engineDetail('00000000-0000-4000-8000-000000000003', null);
    const bars = jobsPerDay([a, b, c]);
    expect(bars).toHaveLength(14);
    expect(bars[0]?.day).toBe(day(8));
    expect(bars.find((bar) => bar.day === day(20))).toEqual({ day: day(20), successful: 2, warning: 0, error: 1, cancelled: 0 });
    expect(bars.find((bar) => bar.day === day(21))).toEqual({ day: day(21), successful: 0, warning: 1, error: 0, cancelled: 0 });
  });
});
