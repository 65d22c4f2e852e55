// @vitest-environment jsdom
/** The Calendar tab: week and month sheets from calendarQuery, status bars, planned, missed, overlaps; refetch on pushes. */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openLocation, startBridge } from '../../renderer/src/bridge';
import { ConsoleCallError } from '../../renderer/src/bridges/call-error';
import { App } from '../../renderer/src/features/frame/App';
import { storeActions } from '../../renderer/src/store/store';
import type { LocationDetail } from '../../shared/console-api';
import type { LocationView } from '../../shared/fleet';
import type { CalendarRun } from '../../shared/schedule';
import { MAX_CALENDAR_SPAN_DAYS } from '../../shared/schedule';
import { calendarRun, engineDetail, fakeConsole, giveElementsASize, job, location, schedulesState } from '../helpers/renderer-fake';

const fake = fakeConsole();
const TODAY = '2026-11-25'; // a Wednesday: the week sheet runs Monday 23 to Sunday 29

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

type Query = { id: string; args: { from: string; to: string } };
const queries = (): Query[] => fake.calls.filter((call) => call.name === 'calendarQuery').map((call) => call.args as Query);
const spanDays = (query: Query): number => (Date.parse(query.args.to) - Date.parse(query.args.from)) / 86_400_000;

async function open(site: LocationView, runs: (query: Query) => Promise<CalendarRun[]>, detail: LocationDetail = engineDetail(site.id, { active: [], recent: [] }, schedulesState(TODAY))): Promise<void> {
  fake.handlers.set('getLocationDetail', async () => detail);
  fake.handlers.set('calendarQuery', (args) => runs(args as Query));
  await act(async () => fake.push('fleet', { locations: [site] }));
  render(<App />);
  await act(async () => openLocation(site.id, 'Calendar'));
}

const cell = (day: string) => screen.getByRole('gridcell', { name: day });

describe('Calendar tab', () => {
  it('draws the week of the backup day with runs as status bars; planned outlined, missed marked', async () => {
    const site = location('cal-week');
    const runs = [
      calendarRun({ id: 'r1', backupDay: '2026-11-23', task: 'home', status: 'successful' }),
      calendarRun({ id: 'r2', backupDay: '2026-11-24', task: 'mail', status: 'warning' }),
      calendarRun({ id: 'r3', backupDay: '2026-11-24', task: 'db', status: 'error', start: '2026-11-24T20:00:00.000Z' }),
      calendarRun({ id: 'r4', backupDay: '2026-11-25', task: 'home', status: 'running', end: null }),
      calendarRun({ id: 'r5', backupDay: '2026-11-26', task: 'home', kind: 'planned', status: 'planned', schedule: 'nightly', type: 'incr' }),
      calendarRun({ id: 'r6', backupDay: '2026-11-22', task: 'home', kind: 'missed', status: 'missed', schedule: 'nightly' }),
    ];
    await open(site, async () => runs);
    const [query] = queries().slice(-1);
    expect(query?.id).toBe(site.id);
    expect(spanDays(query as Query)).toBeLessThanOrEqual(MAX_CALENDAR_SPAN_DAYS);
    expect(Date.parse(query?.args.from ?? '')).toBeLessThanOrEqual(Date.parse('2026-11-23T00:00:00Z'));
    expect(Date.parse(query?.args.to ?? '')).toBeGreaterThanOrEqual(Date.parse('2026-11-30T00:00:00Z'));
    expect(screen.getByRole('heading', { name: 'Week of 2026-11-23 – 2026-11-29' })).toBeTruthy();
    expect(screen.getAllByRole('gridcell')).toHaveLength(7);
    expect(cell(TODAY).className).toContain('today');
    const bar = (id: string) => document.querySelector(`[data-run="${id}"]`) as HTMLElement;
    expect(cell('2026-11-23').contains(bar('r1'))).toBe(true);
    expect(bar('r1').className).toContain('run-ok');
    expect(bar('r2').className).toContain('run-warn');
    expect(bar('r3').className).toContain('run-bad');
    // Earliest first in a cell.
    expect(within(cell('2026-11-24')).getAllByRole('listitem').map((item) => item.getAttribute('data-run'))).toEqual(['r3', 'r2']);
    expect(bar('r4').className).toContain('run-active');
    expect(bar('r5').className).toContain('kind-planned');
    expect(bar('r5').getAttribute('title')).toContain('(planned)');
    expect(bar('r5').getAttribute('title')).toContain('schedule nightly');
    // The missed run of Sunday 22 is outside this week.
    expect(bar('r6')).toBeNull();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Previous' })));
    expect(screen.getByRole('heading', { name: 'Week of 2026-11-16 – 2026-11-22' })).toBeTruthy();
    expect(bar('r6').className).toContain('run-missed');
    expect(bar('r6').textContent).toContain('✕');
    expect(bar('r6').getAttribute('title')).toContain('missed while the agent was down');
  });

  it('hatches overlapping runs with a tooltip naming what they overlap', async () => {
    const site = location('cal-overlap');
    const runs = [
      calendarRun({ id: 'a', backupDay: '2026-11-24', task: 'home', kind: 'planned', status: 'planned', start: '2026-11-24T22:00:00.000Z', end: '2026-11-24T23:00:00.000Z', overlaps: ['b'] }),
      calendarRun({ id: 'b', backupDay: '2026-11-24', task: 'mail', type: 'incr', kind: 'planned', status: 'planned', start: '2026-11-24T22:30:00.000Z', end: '2026-11-24T23:30:00.000Z', overlaps: ['a'] }),
      calendarRun({ id: 'c', backupDay: '2026-11-24', task: 'db', start: '2026-11-24T08:00:00.000Z', end: '2026-11-24T09:00:00.000Z' }),
    ];
    await open(site, async () => runs);
    const a = document.querySelector('[data-run="a"]') as HTMLElement;
    const c = document.querySelector('[data-run="c"]') as HTMLElement;
    expect(a.className).toContain('overlap');
    expect(c.className).not.toContain('overlap');
    const title = a.getAttribute('title') ?? '';
    expect(title).toMatch(/Overlaps on the same drive with: mail incr \d\d:\d\d–\d\d:\d\d/);
    expect(title).toContain('lib1 drive 0');
  });

  it('switches to the month sheet (one query of at most 62 days) and pages with prev/next', async () => {
    const site = location('cal-month');
    await open(site, async () => [calendarRun({ id: 'm1', backupDay: '2026-11-02' })]);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Month' })));
    expect(screen.getByRole('heading', { name: 'November 2026' })).toBeTruthy();
    const cells = screen.getAllByRole('gridcell');
    expect(cells).toHaveLength(42);
    expect(cells[0]?.getAttribute('aria-label')).toBe('2026-10-26');
    expect(cells[0]?.className).toContain('outside');
    const month = queries().at(-1) as Query;
    expect(spanDays(month)).toBeLessThanOrEqual(MAX_CALENDAR_SPAN_DAYS);
    expect(document.querySelector('[data-run="m1"]')).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Next' })));
    expect(screen.getByRole('heading', { name: 'December 2026' })).toBeTruthy();
    const next = queries().at(-1) as Query;
    expect(Date.parse(next.args.from)).toBeGreaterThan(Date.parse(month.args.from));
    expect(spanDays(next)).toBeLessThanOrEqual(MAX_CALENDAR_SPAN_DAYS);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Today' })));
    expect(screen.getByRole('heading', { name: 'November 2026' })).toBeTruthy();
  });

  it('refetches when the location’s jobs start or end, not on progress pushes', async () => {
    const site = location('cal-refetch');
    const running = job({ id: 'p1', state: 'running', endedAt: null, bytes: 10 });
    await open(site, async () => [], engineDetail(site.id, { active: [running], recent: [] }, schedulesState(TODAY)));
    const before = queries().length;
    await act(async () => fake.push('location', engineDetail(site.id, { active: [{ ...running, bytes: 5000 }], recent: [] }, schedulesState(TODAY), 2)));
    expect(queries().length).toBe(before);
    await act(async () => fake.push('location', engineDetail(site.id, { active: [], recent: [{ ...running, state: 'successful' }] }, schedulesState(TODAY), 3)));
    expect(queries().length).toBe(before + 1);
    await act(async () => fake.push('location', engineDetail(site.id, { active: [], recent: [{ ...running, state: 'successful' }] }, schedulesState(TODAY, { schedules: [{ name: 'nightly', cron: '0 22 * * *', timezone: 'UTC', tasks: ['home'], type: 'incr', dumpCycleDays: 14, runsPerCycle: 10, enabled: true, runMissed: false }] }), 4)));
    expect(queries().length).toBe(before + 2);
  });

  it('shows loading, then the agent’s error with Try again; an empty sheet says so', async () => {
    const site = location('cal-error');
    let fail: (error: Error) => void = () => undefined;
    await open(site, () => new Promise((_, reject) => (fail = reject)));
    expect(screen.getByText('Reading the calendar…')).toBeTruthy();
    await act(async () => fail(new ConsoleCallError('UNAVAILABLE', 'the location is not connected')));
    expect(screen.getByRole('alert').textContent).toContain('the location is not connected');
    fake.handlers.set('calendarQuery', async () => []);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Try again' })));
    expect(screen.getByText(/No runs and nothing planned in these days/)).toBeTruthy();
  });
});
