// @vitest-environment jsdom
/** The Restore tab: savesets grouped by task, browsing page by page from the task's sources, search, ticks, target, chain, start, follow. */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openLocation, startBridge } from '../../renderer/src/bridge';
import { ConsoleCallError } from '../../renderer/src/bridges/call-error';
import { App } from '../../renderer/src/features/frame/App';
import { commonParent } from '../../renderer/src/features/location/restore/restore-model';
import { storeActions } from '../../renderer/src/store/store';
import type { FileRecord, IndexPage, Saveset } from '../../shared/engine';
import type { LocationView } from '../../shared/fleet';
import { engineDetail, fakeConsole, fileRecord, giveElementsASize, job, location, saveset, task } from '../helpers/renderer-fake';

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

type BrowseArgs = { id: string; args: { id: string; dir: string; after?: string; limit?: number } };
const browses = (): BrowseArgs[] => fake.calls.filter((call) => call.name === 'savesetBrowse').map((call) => call.args as BrowseArgs);

const FULL = saveset({ id: 'S-home-full', task: 'home', type: 'full', started: '2026-11-20T22:00:00.000Z', bytes: 3 * 1024 * 1024 * 1024 });
const INCR = saveset({ id: 'S-home-incr', task: 'home', type: 'incr', started: '2026-11-21T22:00:00.000Z', bytes: 20 * 1024 * 1024, base: 'S-home-full' });
const MAIL = saveset({ id: 'S-mail', task: 'mail', type: 'full', started: '2026-11-21T23:00:00.000Z' });

async function open(site: LocationView, options: { savesets?: () => Promise<Saveset[]>; browse?: (args: BrowseArgs) => Promise<IndexPage> } = {}): Promise<void> {
  fake.handlers.set('getLocationDetail', async () => engineDetail(site.id, { active: [], recent: [] }));
  fake.handlers.set('savesetList', options.savesets ?? (async () => [FULL, MAIL, INCR]));
  fake.handlers.set('taskList', async () => [task('home', ['/home/ann', '/home/bob']), task('mail', ['/srv/mail'])]);
  fake.handlers.set('savesetBrowse', (args) => (options.browse ?? (async () => ({ entries: [], next: null })))(args as BrowseArgs));
  await act(async () => fake.push('fleet', { locations: [site] }));
  render(<App />);
  await act(async () => openLocation(site.id, 'Restore'));
}

const picker = () => screen.getByRole('combobox', { name: 'Saveset' }) as HTMLSelectElement;
async function choose(id: string): Promise<void> {
  await act(async () => fireEvent.change(picker(), { target: { value: id } }));
}

describe('Restore tab', () => {
  it('finds where a task’s tree starts from its sources', () => {
    expect(commonParent(['/home/ann', '/home/bob'])).toBe('/home');
    expect(commonParent(['/tmp/x/docs'])).toBe('/tmp/x');
    expect(commonParent(['/srv/a/b', '/srv/c'])).toBe('/srv');
    expect(commonParent(['/etc', '/home/ann'])).toBe('/');
  });

  it('lists savesets grouped by task, newest first, with type and size', async () => {
    await open(location('rs-list'));
    const groups = within(picker()).getAllByRole('group');
    expect(groups.map((group) => group.getAttribute('label'))).toEqual(['Task home', 'Task mail']);
    const home = within(groups[0] as HTMLElement).getAllByRole('option').map((option) => option.textContent ?? '');
    expect(home[0]).toMatch(/incr · 20 MiB · 42 files/);
    expect(home[1]).toMatch(/full · 3.0 GiB · 42 files/);
  });

  it('browses from the task’s common source parent, opens directories and reads the next page with `after`', async () => {
    const site = location('rs-browse');
    await open(site, {
      browse: async ({ args }) => {
        if (args.dir === '/home') return { entries: [fileRecord('/home/ann', 'directory'), fileRecord('/home/bob', 'directory')], next: null };
        if (args.dir === '/home/ann' && !args.after) return { entries: [fileRecord('/home/ann/a.txt'), fileRecord('/home/ann/b.txt')], next: 'b.txt' };
        return { entries: [fileRecord('/home/ann/c.txt')], next: null };
      },
    });
    await choose('S-home-incr');
    expect(browses().at(-1)).toEqual({ id: site.id, args: { id: 'S-home-incr', dir: '/home', limit: 500 } });
    expect(screen.getByRole('region', { name: 'Saveset choice' }).textContent).toContain('builds on S-home-full');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Open /home/ann' })));
    expect(browses().at(-1)?.args.dir).toBe('/home/ann');
    expect(screen.getByRole('navigation', { name: 'Directory' }).textContent).toBe('/home / ann');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Next 500' })));
    expect(browses().at(-1)).toEqual({ id: site.id, args: { id: 'S-home-incr', dir: '/home/ann', after: 'b.txt', limit: 500 } });
    const table = screen.getByRole('table', { name: 'Directory /home/ann' });
    expect(within(table).getAllByRole('row').slice(1).map((row) => row.getAttribute('data-path'))).toEqual(['/home/ann/a.txt', '/home/ann/b.txt', '/home/ann/c.txt']);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: '/home' })));
    expect(browses().at(-1)?.args.dir).toBe('/home');
  });

  it('virtualises a directory of 5000 entries', async () => {
    const entries: FileRecord[] = Array.from({ length: 5000 }, (_, n) => fileRecord(`/home/ann/file-${String(n).padStart(4, '0')}.txt`));
    await open(location('rs-big'), { browse: async () => ({ entries, next: null }) });
    await choose('S-home-full');
    const rows = within(screen.getByRole('table', { name: 'Directory /home' })).getAllByRole('row');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(100);
    expect(screen.getByText('5000 entries shown')).toBeTruthy();
  });

  it('searches the saveset and ticks results', async () => {
    const site = location('rs-search');
    await open(site, { browse: async () => ({ entries: [], next: null }) });
    fake.handlers.set('savesetSearch', async () => [fileRecord('/home/bob/report.odt'), fileRecord('/home/ann/old/report.txt')]);
    await choose('S-home-full');
    fireEvent.change(screen.getByRole('textbox', { name: 'Search the saveset' }), { target: { value: 'report' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Search' })));
    expect(fake.calls.at(-1)).toEqual({ name: 'savesetSearch', args: { id: site.id, args: { id: 'S-home-full', text: 'report', limit: 500 } } });
    const results = screen.getByRole('table', { name: 'Search results' });
    expect(results.textContent).toContain('/home/ann/old/report.txt');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select /home/bob/report.odt' }));
    expect(screen.getByRole('button', { name: 'Restore 1 selected' })).toBeTruthy();
  });

  it('sends the ticked paths, the target and chain; shows where files land; follows the restore job', async () => {
    const site = location('rs-start');
    await open(site, { browse: async () => ({ entries: [fileRecord('/home/ann', 'directory'), fileRecord('/home/notes.txt')], next: null }) });
    await choose('S-home-incr');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select /home/notes.txt' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select /home/ann' }));
    const start = screen.getByRole('button', { name: 'Restore 2 selected' }) as HTMLButtonElement;
    expect(start.disabled).toBe(true);
    fireEvent.change(screen.getByRole('textbox', { name: 'Target directory (absolute)' }), { target: { value: 'restore/here' } });
    expect(screen.getByText('The target must be an absolute path (starting with /).')).toBeTruthy();
    expect(start.disabled).toBe(true);
    fireEvent.change(screen.getByRole('textbox', { name: 'Target directory (absolute)' }), { target: { value: '/restore/here' } });
    expect(screen.getByLabelText('Where files land').textContent).toContain('/restore/here/home/ann');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Point in time (whole chain)' }));
    const restoreJob = job({ id: 'restore-7', kind: 'restore', task: 'home', type: null, state: 'queued', startedAt: null, endedAt: null });
    fake.handlers.set('restoreStart', async () => restoreJob);
    await act(async () => fireEvent.click(start));
    expect(fake.calls.at(-1)).toEqual({ name: 'restoreStart', args: { id: site.id, args: { saveset: 'S-home-incr', to: '/restore/here', paths: ['/home/ann', '/home/notes.txt'], chain: true } } });
    expect(screen.getByText(/Waiting for the restore job/)).toBeTruthy();
    await act(async () => fake.push('location', engineDetail(site.id, { active: [{ ...restoreJob, state: 'running', files: 3 }], recent: [] }, undefined, 2)));
    expect(screen.getByRole('status', { name: 'Restore job' }).getAttribute('data-state')).toBe('running');
    await act(async () => fake.push('location', engineDetail(site.id, { active: [], recent: [{ ...restoreJob, state: 'successful', files: 12, message: 'restored 12 entries into /restore/here' }] }, undefined, 3)));
    const follow = screen.getByRole('status', { name: 'Restore job' });
    expect(follow.getAttribute('data-state')).toBe('successful');
    expect(follow.textContent).toContain('restored 12 entries into /restore/here');
  });

  it('restores the whole saveset when nothing is ticked; shows a refusal with its message', async () => {
    const site = location('rs-whole');
    await open(site);
    await choose('S-mail');
    expect(browses().at(-1)?.args.dir).toBe('/srv');
    fireEvent.change(screen.getByRole('textbox', { name: 'Target directory (absolute)' }), { target: { value: '/srv/mail/x' } });
    fake.handlers.set('restoreStart', async () => {
      throw new ConsoleCallError('BAD_REQUEST', 'the target /srv/mail/x is inside the task’s sources; use --original to restore in place');
    });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Restore whole saveset' })));
    expect(fake.calls.at(-1)).toEqual({ name: 'restoreStart', args: { id: site.id, args: { saveset: 'S-mail', to: '/srv/mail/x', chain: false } } });
    expect(screen.getByRole('alert').textContent).toContain('inside the task’s sources');
  });

  it('shows loading, the error with Try again, and the empty state', async () => {
    let fail: (error: Error) => void = () => undefined;
    await open(location('rs-error'), { savesets: () => new Promise((_, reject) => (fail = reject)) });
    expect(screen.getByText('Reading the savesets…')).toBeTruthy();
    await act(async () => fail(new ConsoleCallError('UNAVAILABLE', 'the location is not connected')));
    expect(screen.getByRole('alert').textContent).toContain('the location is not connected');
    fake.handlers.set('savesetList', async () => []);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Try again' })));
    expect(screen.getByText('No savesets yet')).toBeTruthy();
  });

  it('says an offline location cannot be browsed', async () => {
    const site = location('rs-offline', 'offline');
    await open(site);
    expect(screen.getByText('Restore needs the location online')).toBeTruthy();
    expect(fake.calls.some((call) => call.name === 'savesetList' && (call.args as { id: string }).id === site.id)).toBe(false);
  });

  it('renders agent file names as text, never markup', async () => {
    await open(location('rs-hostile'), { browse: async () => ({ entries: [fileRecord(`/home/${HOSTILE}`, 'directory'), fileRecord(`/home/x${HOSTILE}`, 'symlink', { linkTarget: HOSTILE })], next: null }) });
    await choose('S-home-full');
    expect(document.querySelector('img')).toBeNull();
    expect(screen.getByRole('button', { name: `Open /home/${HOSTILE}` }).textContent).toBe(HOSTILE);
    expect(screen.getByRole('table', { name: 'Directory /home' }).textContent).toContain(`→ ${HOSTILE}`);
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });
});
