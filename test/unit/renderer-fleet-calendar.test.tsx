// @vitest-environment jsdom
/**
 * The fleet calendar: locations as rows on the same days (week and month), runs as status bars or
 * pips, planned outlined, overlaps marked; offline rows greyed with their reason; loading, error,
 * empty fleet, no runs, name filter, 1000 locations virtualised; refetch when jobs end, not on progress.
 */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBridge } from '../../renderer/src/bridge';
import { ConsoleCallError } from '../../renderer/src/bridges/call-error';
import { App } from '../../renderer/src/features/frame/App';
import { fleetSheetDays } from '../../renderer/src/features/fleet-calendar/fleet-calendar-model';
import { storeActions } from '../../renderer/src/store/store';
import type { FleetCalendar, FleetCalendarRow } from '../../shared/fleet-calendar';
import type { LocationView } from '../../shared/fleet';
import type { CalendarRun } from '../../shared/schedule';
import { MAX_CALENDAR_SPAN_DAYS } from '../../shared/schedule';
import { calendarRun, engineDetail, fakeConsole, giveElementsASize, job, location, schedulesState } from '../helpers/renderer-fake';

const fake = fakeConsole();
const TODAY = '2026-11-25'; // a Wednesday

beforeAll(() => {
  giveElementsASize();
  window.floe = fake.api;
  startBridge();
});

afterEach(() => {
  cleanup();
  storeActions().fleetOverviewOpened();
  fake.handlers.clear();
});

type Range = { from: string; to: string };
const queries = (): Range[] => fake.calls.filter((call) => call.name === 'getFleetCalendar').map((call) => call.args as Range);

function row(site: LocationView, runs: CalendarRun[], overrides: Partial<FleetCalendarRow> = {}): FleetCalendarRow {
  const fleetRuns = runs.map((run) => ({ ...run, key: `${site.id}/${run.id}`, locationId: site.id, location: site.name, acrossCount: 0 }));
  return { id: site.id, name: site.name, status: site.status, source: 'agent', reason: null, backupDay: TODAY, runs: fleetRuns, truncated: false, ...overrides };
}

/** No overlaps across locations unless a test says so. */
const NO_ACROSS = { across: [], withinCount: 0, truncated: false };

async function open(sites: LocationView[], answer: (range: Range) => Promise<FleetCalendar>): Promise<void> {
  fake.handlers.set('getLocationDetail', async (args) => engineDetail((args as { id: string }).id, { active: [], recent: [] }, schedulesState(TODAY)));
  fake.handlers.set('getFleetCalendar', (args) => answer(args as Range));
  await act(async () => fake.push('fleet', { locations: sites }));
  render(<App />);
  // The fleet's details land together (a batch of background answers); the calendar opens on them, so it does not ask again when they land.
  if (sites.length > 0) await waitFor(() => expect(screen.getAllByRole('article')[0]?.textContent).toContain('0 running · 0 failed'));
  await act(async () => storeActions().fleetCalendarOpened());
  await act(async () => new Promise((resolve) => setTimeout(resolve, 0)));
}

const grid = () => screen.getByRole('grid');
const locationRow = (name: string) => within(grid()).getByRole('row', { name });
const cellOf = (name: string, day: string) => locationRow(name).querySelector(`[data-day="${day}"]`) as HTMLElement;

describe('fleet calendar', () => {
  it('stacks locations as rows on the week of the backup day; bars by status, planned outlined, overlaps marked; problems first', async () => {
    const berlin = location('hq-berlin');
    const lyon = location('branch-lyon', 'offline');
    await open([berlin, lyon], async (range) => ({
      ...range, ...NO_ACROSS,
      locations: [
        row(berlin, [
          calendarRun({ id: 'b1', backupDay: '2026-11-23', task: 'home' }),
          calendarRun({ id: 'b2', backupDay: '2026-11-24', task: 'db', status: 'error' }),
          calendarRun({ id: 'b3', backupDay: '2026-11-26', task: 'home', kind: 'planned', status: 'planned', schedule: 'nightly', overlaps: ['b4'] }),
          calendarRun({ id: 'b4', backupDay: '2026-11-26', task: 'mail', kind: 'planned', status: 'planned', schedule: 'nightly', overlaps: ['b3'] }),
        ]),
        row(lyon, [calendarRun({ id: 'l1', backupDay: '2026-11-24', task: 'mail-archive', status: 'warning' })], { source: 'replica', reason: 'Offline: plans unknown until it is back' }),
      ],
    }));
    const [query] = queries().slice(-1);
    expect((Date.parse(query?.to ?? '') - Date.parse(query?.from ?? '')) / 86_400_000).toBeLessThanOrEqual(MAX_CALENDAR_SPAN_DAYS);
    expect(Date.parse(query?.from ?? '')).toBeLessThanOrEqual(Date.parse('2026-11-23T00:00:00Z'));
    expect(screen.getByRole('heading', { name: 'Week of 2026-11-23 – 2026-11-29' })).toBeTruthy();
    // Problems first: the offline location is the first row.
    expect(within(grid()).getAllByRole('row').slice(1).map((r) => r.getAttribute('aria-label'))).toEqual(['branch-lyon', 'hq-berlin']);
    expect(within(grid()).getAllByRole('columnheader')).toHaveLength(8);
    expect(cellOf('hq-berlin', TODAY).className).toContain('today');
    const bar = (id: string) => grid().querySelector(`[data-run="${id}"]`) as HTMLElement;
    expect(cellOf('hq-berlin', '2026-11-23').contains(bar('b1'))).toBe(true);
    expect(bar('b1').className).toContain('run-ok');
    expect(bar('b2').className).toContain('run-bad');
    expect(bar('b3').className).toContain('kind-planned');
    expect(bar('b3').className).toContain('overlap');
    expect(bar('b3').getAttribute('title')).toContain('Overlaps on the same drive with: mail');
    expect(bar('l1').className).toContain('run-warn');
    expect(locationRow('branch-lyon').className).toContain('stale');
    expect(within(locationRow('branch-lyon')).getByText('Offline')).toBeTruthy();
    expect(within(locationRow('branch-lyon')).getByText('last known runs only')).toBeTruthy();
    expect(screen.getByLabelText('Calendars not read').textContent).toContain('branch-lyon (Offline: plans unknown until it is back)');
    expect(screen.getAllByRole('status').some((status) => status.textContent === '2 locations · 3 past runs · 1 failed or missed · 2 planned · 2 overlapping')).toBe(true);
    // The location's name opens its own Calendar tab.
    await act(async () => fireEvent.click(within(locationRow('hq-berlin')).getByRole('button', { name: 'hq-berlin' })));
    const view = screen.getByRole('region', { name: 'Location hq-berlin' });
    expect(within(view).getByRole('tab', { name: 'Calendar' }).getAttribute('aria-selected')).toBe('true');
  });

  it('shows every day of the month as columns with pips; moves by month; Today returns', async () => {
    const site = location('hq-berlin');
    await open([site], async (range) => ({
      ...range, ...NO_ACROSS,
      locations: [row(site, Array.from({ length: 9 }, (_, n) => calendarRun({ id: `m${n}`, backupDay: '2026-11-10', task: `t${n}` })))],
    }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Month' })));
    expect(screen.getByRole('heading', { name: 'November 2026' })).toBeTruthy();
    expect(within(grid()).getAllByRole('columnheader')).toHaveLength(31);
    const [query] = queries().slice(-1);
    expect(Date.parse(query?.from ?? '')).toBeLessThanOrEqual(Date.parse('2026-11-01T00:00:00Z'));
    expect(Date.parse(query?.to ?? '')).toBeGreaterThanOrEqual(Date.parse('2026-12-01T00:00:00Z'));
    const cell = cellOf('hq-berlin', '2026-11-10');
    expect(cell.querySelectorAll('.pip')).toHaveLength(6);
    expect(cell.textContent).toContain('+3');
    expect(cell.getAttribute('aria-label')).toBe('hq-berlin 2026-11-10: 9 runs');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Next' })));
    expect(screen.getByRole('heading', { name: 'December 2026' })).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Today' })));
    expect(screen.getByRole('heading', { name: 'November 2026' })).toBeTruthy();
    expect(fleetSheetDays('month', '2026-02-14')).toHaveLength(28);
  });

  it('shows loading, then the error with Try again; the empty fleet; no runs; the name filter', async () => {
    const site = location('hq-berlin');
    let release: () => void = () => undefined;
    let fail = true;
    await open([site], (range) =>
      new Promise<FleetCalendar>((resolve, reject) => {
        release = () => (fail ? reject(new ConsoleCallError('TIMEOUT', 'getFleetCalendar: no answer')) : resolve({ ...range, ...NO_ACROSS, locations: [row(site, [])] }));
      }),
    );
    expect(screen.getByText('Reading every location’s calendar…')).toBeTruthy();
    await act(async () => release());
    expect(screen.getByRole('alert').textContent).toContain('getFleetCalendar: no answer');
    fail = false;
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Try again' })));
    await act(async () => release());
    expect(locationRow('hq-berlin')).toBeTruthy();
    expect(screen.getAllByRole('status').some((status) => status.textContent?.startsWith('1 location · 0 past runs'))).toBe(true);
    fireEvent.change(screen.getByRole('searchbox', { name: 'Filter locations by name' }), { target: { value: 'paris' } });
    expect(screen.getByText('No location matches “paris”')).toBeTruthy();
    cleanup();
    await open([], async (range) => ({ ...range, ...NO_ACROSS, locations: [] }));
    expect(screen.getByText('No locations yet')).toBeTruthy();
  });

  it('virtualises 1000 locations and filters them by name', async () => {
    const many = Array.from({ length: 1000 }, (_, n) => location(`site-${String(n).padStart(4, '0')}`));
    await open(many, async (range) => ({ ...range, ...NO_ACROSS, locations: many.map((site) => row(site, [calendarRun({ id: `${site.id}-r`, backupDay: '2026-11-24' })])) }));
    expect(grid().getAttribute('aria-rowcount')).toBe('1000');
    expect(within(grid()).getAllByRole('row').length).toBeLessThan(60);
    fireEvent.change(screen.getByRole('searchbox', { name: 'Filter locations by name' }), { target: { value: 'site-0999' } });
    expect(within(grid()).getAllByRole('row').map((r) => r.getAttribute('aria-label'))).toEqual([null, 'site-0999']);
  });

  it('asks again when a job ends, not on progress pushes', async () => {
    const site = location('hq-berlin');
    await open([site], async (range) => ({ ...range, ...NO_ACROSS, locations: [row(site, [])] }));
    const before = queries().length;
    const running = job({ id: 'j-run', state: 'running', endedAt: null, bytes: 10 });
    await act(async () => fake.push('location', engineDetail(site.id, { active: [running], recent: [] }, schedulesState(TODAY), 2)));
    const afterStart = queries().length;
    expect(afterStart).toBe(before + 1);
    await act(async () => fake.push('location', engineDetail(site.id, { active: [{ ...running, bytes: 20 }], recent: [] }, schedulesState(TODAY), 3)));
    expect(queries().length).toBe(afterStart);
    await act(async () => fake.push('location', engineDetail(site.id, { active: [], recent: [{ ...running, state: 'successful' }] }, schedulesState(TODAY), 4)));
    expect(queries().length).toBe(afterStart + 1);
  });

  it('renders agent strings as text, never markup', async () => {
    const site = location('hq-berlin');
    const evil = '<img src=x onerror="window.__pwned=1">';
    await open([site], async (range) => ({ ...range, ...NO_ACROSS, locations: [row(site, [calendarRun({ id: 'e1', backupDay: TODAY, task: 'home', schedule: 'nightly' })], { source: 'replica', reason: evil })] }));
    expect(document.querySelector('.fleet-calendar img')).toBeNull();
    expect(screen.getByLabelText('Calendars not read').textContent).toContain(evil);
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });
});
