// @vitest-environment jsdom
/** The Jobs tab: by state with progress, cancel, rerun, protocol, Start backup; loading, error, offline, large data, hostile strings. */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openLocation, startBridge } from '../../renderer/src/bridge';
import { ConsoleCallError } from '../../renderer/src/bridges/call-error';
import { App } from '../../renderer/src/features/frame/App';
import { storeActions } from '../../renderer/src/store/store';
import type { LocationDetail } from '../../shared/console-api';
import type { JobsState } from '../../shared/engine';
import type { LocationView } from '../../shared/fleet';
import { engineDetail, fakeConsole, giveElementsASize, job, location, task } from '../helpers/renderer-fake';

const fake = fakeConsole();
const HOSTILE = '<img src=x onerror="window.__pwned=1">';

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

async function open(site: LocationView, answer: () => Promise<LocationDetail>): Promise<void> {
  fake.handlers.set('getLocationDetail', answer);
  await act(async () => fake.push('fleet', { locations: [site] }));
  render(<App />);
  await act(async () => openLocation(site.id, 'Jobs'));
}

async function openWith(site: LocationView, jobs: JobsState): Promise<void> {
  await open(site, async () => engineDetail(site.id, jobs));
}

const lastCall = () => fake.calls.at(-1);

describe('Jobs tab', () => {
  it('shows loading while the detail is fetched, then the error with Try again', async () => {
    const site = location('slow-jobs');
    let fail: (error: Error) => void = () => undefined;
    await open(site, () => new Promise((_, reject) => (fail = reject)));
    expect(screen.getByText('Loading the location’s jobs…')).toBeTruthy();
    await act(async () => fail(new ConsoleCallError('UNAVAILABLE', 'the location is not connected')));
    expect(screen.getByRole('alert').textContent).toContain('the location is not connected');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('shows a designed empty state when the location has no jobs', async () => {
    const site = location('empty-jobs');
    await openWith(site, { active: [], recent: [] });
    expect(screen.getByText('No jobs yet')).toBeTruthy();
    expect(screen.getByText('0 running · 0 waiting · 0 finished')).toBeTruthy();
  });

  it('groups by state: running with progress, rate, current file and ETA, then waiting for media with its message, then finished', async () => {
    const site = location('by-state');
    const previous = job({ task: 'mail', type: 'full', bytes: 100 * 1024 * 1024 });
    const running = job({ id: 'run-1', task: 'mail', type: 'full', state: 'running', endedAt: null, bytes: 25 * 1024 * 1024, files: 1200, rate: 5 * 1024 * 1024, currentFile: '/srv/mail/cur/42', drive: { loader: 'lib1', number: 0 } });
    const waiting = job({ id: 'wait-1', task: 'home', type: 'incr', state: 'waiting-media', startedAt: null, endedAt: null, message: 'no usable medium in pool DAILY; label or import a cartridge' });
    const queued = job({ id: 'queue-1', task: 'db', state: 'queued', startedAt: null, endedAt: null });
    const failed = job({ id: 'fail-1', task: 'db', state: 'error', message: 'source /srv/db is not readable' });
    await openWith(site, { active: [queued, waiting, running], recent: [previous, failed] });
    const sections = screen.getAllByRole('region').map((region) => region.getAttribute('aria-label'));
    expect(sections.filter((name) => ['Running', 'Queued and waiting', 'Finished'].includes(name ?? ''))).toEqual(['Running', 'Queued and waiting', 'Finished']);
    const card = screen.getByRole('listitem', { name: 'Job run-1' });
    expect(within(card).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('25');
    expect(card.textContent).toContain('25 MiB · 1200 files · 5.0 MiB/s · about 15 s left');
    expect(card.textContent).toContain('/srv/mail/cur/42');
    expect(card.textContent).toContain('lib1 drive 0');
    const waitingSection = screen.getByRole('region', { name: 'Queued and waiting' });
    const items = within(waitingSection).getAllByRole('listitem');
    expect(items.map((item) => item.getAttribute('aria-label'))).toEqual(['Job wait-1', 'Job queue-1']);
    expect(items[0]?.textContent).toContain('waiting for media');
    expect(items[0]?.textContent).toContain('no usable medium in pool DAILY');
    const finished = screen.getByRole('table', { name: 'Finished jobs' });
    expect(within(finished).getByRole('row', { name: 'Job fail-1' }).textContent).toContain('source /srv/db is not readable');
  });

  it('shows an indeterminate bar and no ETA when there is no comparable run', async () => {
    const site = location('first-run');
    await openWith(site, { active: [job({ id: 'run-2', state: 'running', endedAt: null, rate: 1000 })], recent: [] });
    const card = screen.getByRole('listitem', { name: 'Job run-2' });
    expect(within(card).getByRole('progressbar').getAttribute('aria-valuenow')).toBeNull();
    expect(card.textContent).not.toContain('left');
  });

  it('cancels an active job and reruns a finished backup with the same task and type', async () => {
    const site = location('actions');
    const done = job({ id: 'done-1', task: 'home', type: 'incr', state: 'warning', message: 'POST hook failed' });
    await openWith(site, { active: [job({ id: 'run-3', state: 'running', endedAt: null })], recent: [done, job({ id: 'restore-1', kind: 'restore', type: null })] });
    fake.handlers.set('jobCancel', async () => job({ id: 'run-3', state: 'cancelled' }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Cancel run-3' })));
    expect(lastCall()).toEqual({ name: 'jobCancel', args: { id: site.id, args: { id: 'run-3' } } });
    expect(screen.getByText('Asked run-3 to cancel.')).toBeTruthy();
    fake.handlers.set('jobRerun', async () => job({ id: 'new-1', task: 'home', type: 'incr', state: 'queued' }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Rerun done-1' })));
    expect(lastCall()).toEqual({ name: 'jobRerun', args: { id: site.id, args: { job: 'done-1' } } });
    expect(screen.getByText(/Started incr backup of home again \(new-1\)/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Rerun restore-1' })).toBeNull();
  });

  it('shows a monitor-token refusal clearly and other agent errors with their message', async () => {
    const site = location('monitor');
    await openWith(site, { active: [job({ id: 'run-4', state: 'running', endedAt: null })], recent: [] });
    fake.handlers.set('jobCancel', async () => {
      throw new ConsoleCallError('FORBIDDEN', 'job:cancel needs an admin token; this connection uses a monitor token');
    });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Cancel run-4' })));
    const refusal = screen.getByRole('alert');
    expect(refusal.textContent).toContain('Refused: this location is connected with a monitor token');
    expect(refusal.textContent).toContain('job:cancel needs an admin token');
    fake.handlers.set('jobCancel', async () => {
      throw new ConsoleCallError('CONFLICT', 'job run-4 already ended');
    });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Cancel run-4' })));
    expect(screen.getByRole('alert').textContent).toBe('job run-4 already ended');
  });

  it('starts a backup: picks a task from taskList and a type', async () => {
    const site = location('start');
    await openWith(site, { active: [], recent: [] });
    fake.handlers.set('taskList', async () => [task('docs', ['/srv/docs']), task('home', ['/home'])]);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Start backup…' })));
    const form = screen.getByRole('form', { name: 'Start backup' });
    expect(lastCall()).toEqual({ name: 'taskList', args: { id: site.id, args: {} } });
    expect((within(form).getByLabelText('Task') as HTMLSelectElement).value).toBe('docs');
    fireEvent.change(within(form).getByLabelText('Task'), { target: { value: 'home' } });
    fireEvent.change(within(form).getByLabelText('Type'), { target: { value: 'diff' } });
    fake.handlers.set('backupStart', async () => job({ task: 'home', type: 'diff', state: 'queued' }));
    await act(async () => fireEvent.click(within(form).getByRole('button', { name: 'Start' })));
    expect(lastCall()).toEqual({ name: 'backupStart', args: { id: site.id, args: { task: 'home', type: 'diff' } } });
    expect(within(form).getByRole('status').textContent).toBe('Started diff backup of home.');
  });

  it('reads the protocol page by page', async () => {
    const site = location('protocol');
    await openWith(site, { active: [], recent: [job({ id: 'log-1' })] });
    const page = (from: number, count: number) => Array.from({ length: count }, (_, n) => ({ seq: from + n, at: '2026-11-23T22:00:00.000Z', level: 'info' as const, text: `line ${from + n}` }));
    fake.handlers.set('jobLog', async (args) => {
      const after = (args as { args: { after?: number } }).args.after ?? 0;
      return after === 0 ? page(1, 200) : page(after + 1, 5);
    });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Protocol of log-1' })));
    expect(lastCall()).toEqual({ name: 'jobLog', args: { id: site.id, args: { id: 'log-1', limit: 200 } } });
    const panel = screen.getByRole('complementary', { name: 'Protocol' });
    expect(within(panel).getAllByRole('listitem')).toHaveLength(200);
    await act(async () => fireEvent.click(within(panel).getByRole('button', { name: 'Next 200 lines' })));
    expect(lastCall()).toEqual({ name: 'jobLog', args: { id: site.id, args: { id: 'log-1', after: 200, limit: 200 } } });
    expect(within(panel).getAllByRole('listitem')).toHaveLength(205);
    expect(panel.textContent).toContain('205 lines, end of the protocol');
  });

  it('keeps an offline location’s last jobs, with actions disabled', async () => {
    const site = location('dr-jobs', 'offline');
    await openWith(site, { active: [job({ id: 'run-5', state: 'running', endedAt: null })], recent: [job({ id: 'old-1' })] });
    expect(screen.getByText(/not online: actions wait/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Cancel run-5' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Rerun old-1' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Start backup…' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('virtualises 500 finished jobs', async () => {
    const site = location('many-jobs');
    const recent = Array.from({ length: 500 }, (_, n) => job({ id: `many-${n}`, endedAt: new Date(Date.UTC(2026, 10, 23) - n * 60_000).toISOString() }));
    await openWith(site, { active: [], recent });
    const table = screen.getByRole('table', { name: 'Finished jobs' });
    const rows = within(table).getAllByRole('row');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(100);
    expect(rows[1]?.getAttribute('aria-label')).toBe('Job many-0');
    expect(screen.getByText('0 running · 0 waiting · 500 finished')).toBeTruthy();
  });

  it('renders agent strings as text, never markup', async () => {
    const site = location('hostile-jobs');
    await openWith(site, { active: [job({ id: 'run-6', state: 'running', endedAt: null, currentFile: `/srv/${HOSTILE}`, message: HOSTILE })], recent: [job({ id: 'bad-1', state: 'error', message: HOSTILE })] });
    expect(document.querySelector('img')).toBeNull();
    expect(screen.getByRole('listitem', { name: 'Job run-6' }).textContent).toContain(HOSTILE);
    expect(screen.getByRole('row', { name: 'Job bad-1' }).textContent).toContain(HOSTILE);
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });
});
