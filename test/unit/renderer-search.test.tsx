// @vitest-environment jsdom
/**
 * The search palette (Ctrl/⌘+K): opens from the key and the title bar, debounced search calls,
 * grouped hits with aria roles, ↑/↓ and Enter jump to the location's tab and item, Esc closes;
 * empty, loading, error, offline (incomplete) and large answers; agent strings as text.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBridge } from '../../renderer/src/bridge';
import { App } from '../../renderer/src/features/frame/App';
import { registerKeyboardShortcuts } from '../../renderer/src/keyboard';
import { storeActions } from '../../renderer/src/store/store';
import type { SearchHit, SearchResult } from '../../shared/fleet-search';
import type { LocationView } from '../../shared/fleet';
import { engineDetail, fakeConsole, giveElementsASize, job, location, media, saveset, task } from '../helpers/renderer-fake';
import { ConsoleCallError } from '../../renderer/src/bridges/call-error';

const fake = fakeConsole();

beforeAll(() => {
  giveElementsASize();
  window.floe = fake.api;
  startBridge();
  registerKeyboardShortcuts();
});

afterEach(() => {
  cleanup();
  storeActions().searchClosed();
  storeActions().fleetOverviewOpened();
  fake.handlers.clear();
});

const searches = () => fake.calls.filter((call) => call.name === 'search').map((call) => (call.args as { query: string }).query);
const empty = { hits: [], total: 0 };

function answer(query: string, hits: SearchHit[], incomplete: SearchResult['incomplete'] = [], totals: Partial<Record<SearchHit['kind'], number>> = {}): SearchResult {
  const group = (kind: SearchHit['kind']) => {
    const mine = hits.filter((hit) => hit.kind === kind);
    return mine.length === 0 ? empty : { hits: mine, total: totals[kind] ?? mine.length };
  };
  return { query, groups: { location: group('location'), task: group('task'), media: group('media'), saveset: group('saveset') }, incomplete };
}

async function setup(sites: LocationView[]): Promise<void> {
  fake.handlers.set('getLocationDetail', async (args) => engineDetail((args as { id: string }).id, { active: [], recent: [] }));
  await act(async () => fake.push('fleet', { locations: sites }));
  render(<App />);
}

/** Types into the palette and waits past the debounce for the answer. */
async function type(text: string): Promise<void> {
  const box = within(palette()).getByRole('combobox', { name: 'Search locations, tasks, media and savesets' });
  await act(async () => fireEvent.change(box, { target: { value: text } }));
  await act(async () => new Promise((resolve) => setTimeout(resolve, 250)));
}

const palette = () => screen.getByRole('dialog', { name: 'Search the fleet' });
const options = () => within(screen.getByRole('listbox', { name: 'Results' })).queryAllByRole('option');

describe('search palette', () => {
  it('opens with Ctrl+K and the title bar button, says what it searches, Esc closes and focus returns', async () => {
    await setup([location('hq-berlin'), location('branch-lyon', 'offline')]);
    const button = screen.getByRole('button', { name: /Search/ });
    button.focus();
    await act(async () => fireEvent.click(button));
    const dialog = screen.getByRole('dialog', { name: 'Search the fleet' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    const box = within(dialog).getByRole('combobox');
    expect(document.activeElement).toBe(box);
    expect(within(dialog).getByRole('status').textContent).toContain('Across 2 locations (1 online)');
    expect(box.getAttribute('aria-expanded')).toBe('false');
    await act(async () => fireEvent.keyDown(box, { key: 'Escape' }));
    expect(screen.queryByRole('dialog', { name: 'Search the fleet' })).toBeNull();
    expect(document.activeElement).toBe(button);
    await act(async () => fireEvent.keyDown(document.body, { key: 'k', code: 'KeyK', metaKey: true }));
    expect(screen.getByRole('dialog', { name: 'Search the fleet' })).toBeTruthy();
    // Clicking the backdrop closes too.
    await act(async () => fireEvent.mouseDown(document.querySelector('.search-backdrop') as Element));
    expect(screen.queryByRole('dialog', { name: 'Search the fleet' })).toBeNull();
    // `/` outside a text field, and the menu's Search (the uiCommand push), open it as well.
    await act(async () => fireEvent.keyDown(document.body, { key: '/', code: 'Slash' }));
    expect(screen.getByRole('dialog', { name: 'Search the fleet' })).toBeTruthy();
    await act(async () => fireEvent.keyDown(within(palette()).getByRole('combobox'), { key: 'Escape' }));
    await act(async () => fake.push('uiCommand', { command: 'open-search' }));
    expect(screen.getByRole('dialog', { name: 'Search the fleet' })).toBeTruthy();
    expect(screen.queryByRole('dialog', { name: 'Remote servers' })).toBeNull();
    await act(async () => fireEvent.keyDown(within(palette()).getByRole('combobox'), { key: 'Escape' }));
  });

  it('debounces typing into one search call, groups hits, moves with ↑/↓ and jumps with Enter to the task’s jobs', async () => {
    const berlin = location('hq-berlin');
    const lyon = location('branch-lyon');
    await setup([berlin, lyon]);
    fake.handlers.set('search', async (args) => {
      const { query } = args as { query: string };
      return answer(query, [
        { kind: 'location', locationId: lyon.id, location: 'branch-lyon', status: 'online', host: '10.0.0.2' },
        { kind: 'task', locationId: lyon.id, location: 'branch-lyon', task: 'mail-archive', pool: 'DAILY', sources: ['/srv/mail'] },
        { kind: 'media', locationId: berlin.id, location: 'hq-berlin', label: 'MAIL00001', barcode: 'FLO001', pool: 'MAIL', state: 'append' },
        { kind: 'saveset', locationId: lyon.id, location: 'branch-lyon', id: 'S-MAIL-1', task: 'mail-archive', type: 'full', backupDay: '2026-11-20', status: 'successful' },
      ]);
    });
    fake.handlers.set('getLocationDetail', async (args) => engineDetail((args as { id: string }).id, { active: [], recent: [job({ task: 'mail-archive' }), job({ task: 'home' })] }));
    fake.handlers.set('taskList', async () => [task('home', ['/home']), task('mail-archive', ['/srv/mail'])]);
    await act(async () => storeActions().searchOpened());
    const before = searches().length;
    const box = within(palette()).getByRole('combobox');
    for (const text of ['m', 'ma', 'mai', 'mail']) await act(async () => fireEvent.change(box, { target: { value: text } }));
    await act(async () => new Promise((resolve) => setTimeout(resolve, 250)));
    expect(searches().slice(before)).toEqual(['mail']);
    expect(within(palette()).getAllByRole('group').map((group) => group.getAttribute('aria-labelledby'))).toEqual(['search-group-location', 'search-group-task', 'search-group-media', 'search-group-saveset']);
    expect(options().map((option) => option.getAttribute('aria-label'))).toEqual([
      'Location branch-lyon at branch-lyon',
      'Task mail-archive at branch-lyon',
      'Media MAIL00001 at hq-berlin',
      'Saveset S-MAIL-1 at branch-lyon',
    ]);
    expect(options()[1]?.textContent).toContain('pool DAILY');
    expect(box.getAttribute('aria-expanded')).toBe('true');
    expect(box.getAttribute('aria-activedescendant')).toBe(options()[0]?.id);
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    expect(options()[1]?.getAttribute('aria-selected')).toBe('true');
    expect(box.getAttribute('aria-activedescendant')).toBe(options()[1]?.id);
    fireEvent.keyDown(box, { key: 'ArrowUp' });
    fireEvent.keyDown(box, { key: 'ArrowUp' });
    expect(options()[3]?.getAttribute('aria-selected')).toBe('true'); // wraps around
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    await act(async () => fireEvent.keyDown(box, { key: 'Enter' }));
    expect(screen.queryByRole('dialog', { name: 'Search the fleet' })).toBeNull();
    const view = screen.getByRole('region', { name: 'Location branch-lyon' });
    expect(within(view).getByRole('tab', { name: 'Jobs' }).getAttribute('aria-selected')).toBe('true');
    expect(within(view).getByRole('status', { name: 'Task filter' }).textContent).toContain('mail-archive');
    expect(within(view).getByRole('table', { name: 'Finished jobs' }).textContent).not.toContain('home');
    const form = await within(view).findByRole('form', { name: 'Start backup' });
    await act(async () => undefined);
    expect((within(form).getByLabelText('Task') as HTMLSelectElement).value).toBe('mail-archive');
    await act(async () => fireEvent.click(within(view).getByRole('button', { name: 'Show all jobs' })));
    expect(within(view).queryByRole('status', { name: 'Task filter' })).toBeNull();
  });

  it('jumps to a saveset in Restore and to a cartridge in Media', async () => {
    const lyon = location('branch-lyon');
    await setup([lyon]);
    const set = saveset({ id: 'S-LYON-7', task: 'home' });
    fake.handlers.set('getLocationDetail', async (args) => ({ ...engineDetail((args as { id: string }).id, { active: [], recent: [] }), devices: { loaders: [], drives: [], pools: [], media: [media('DAILY00001', 'FLO001'), media('DAILY00002', 'FLO002')] } }));
    fake.handlers.set('savesetList', async () => [saveset({ task: 'home' }), set]);
    fake.handlers.set('taskList', async () => [task('home', ['/home'])]);
    fake.handlers.set('savesetBrowse', async () => ({ entries: [], next: null }));
    fake.handlers.set('search', async (args) =>
      answer((args as { query: string }).query, [
        { kind: 'media', locationId: lyon.id, location: 'branch-lyon', label: 'DAILY00002', barcode: 'FLO002', pool: 'DAILY', state: 'append' },
        { kind: 'saveset', locationId: lyon.id, location: 'branch-lyon', id: 'S-LYON-7', task: 'home', type: 'full', backupDay: '2026-11-20', status: 'successful' },
      ]),
    );
    await act(async () => storeActions().searchOpened());
    await type('lyon');
    await act(async () => fireEvent.click(options()[1] as HTMLElement));
    const view = screen.getByRole('region', { name: 'Location branch-lyon' });
    expect(within(view).getByRole('tab', { name: 'Restore' }).getAttribute('aria-selected')).toBe('true');
    await act(async () => new Promise((resolve) => setTimeout(resolve, 20)));
    expect((within(view).getByLabelText('Saveset', { selector: 'select' }) as HTMLSelectElement).value).toBe('S-LYON-7');

    await act(async () => storeActions().searchOpened());
    await type('daily00002');
    await act(async () => fireEvent.keyDown(within(palette()).getByRole('combobox'), { key: 'Enter' }));
    expect(within(view).getByRole('tab', { name: 'Media' }).getAttribute('aria-selected')).toBe('true');
    const cartridges = within(view).getByRole('region', { name: 'Cartridges' });
    expect(cartridges.querySelector('[data-label="DAILY00002"]')).not.toBeNull();
    expect(cartridges.querySelector('[data-label="DAILY00001"]')).toBeNull();
    await act(async () => fireEvent.click(within(cartridges).getByRole('button', { name: 'Show all cartridges' })));
    expect(cartridges.querySelector('[data-label="DAILY00001"]')).not.toBeNull();
  });

  it('shows searching, nothing found, the error with Try again, and names locations it could not search', async () => {
    const lyon = location('branch-lyon', 'offline');
    await setup([location('hq-berlin'), lyon]);
    let release: (value: SearchResult) => void = () => undefined;
    fake.handlers.set('search', () => new Promise<SearchResult>((resolve) => (release = resolve)));
    await act(async () => storeActions().searchOpened());
    await type('zzz');
    expect(screen.getByRole('dialog').querySelector('.search-status')?.textContent).toBe('Searching…');
    await act(async () => release(answer('zzz', [], [{ locationId: lyon.id, location: 'branch-lyon', reason: 'Offline: only its last known tasks and media are searched' }])));
    expect(screen.getByRole('dialog').querySelector('.search-status')?.textContent).toBe('Nothing matches “zzz”.');
    expect(screen.getByLabelText('Not fully searched').textContent).toContain('branch-lyon (Offline: only its last known tasks and media are searched)');

    let fail = true;
    fake.handlers.set('search', async (args) => {
      if (fail) throw new ConsoleCallError('UNREACHABLE', 'the console is not connected');
      return answer((args as { query: string }).query, [{ kind: 'location', locationId: lyon.id, location: 'branch-lyon', status: 'offline', host: 'h' }]);
    });
    await type('lyo');
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Search failed: the console is not connected');
    fail = false;
    await act(async () => fireEvent.click(within(alert).getByRole('button', { name: 'Try again' })));
    await act(async () => new Promise((resolve) => setTimeout(resolve, 250)));
    expect(options()).toHaveLength(1);
    expect(options()[0]?.textContent).toContain('Offline');
  });

  it('shows capped groups as "n of total" and keeps a large answer navigable', async () => {
    const site = location('hq-berlin');
    await setup([site]);
    const hits: SearchHit[] = Array.from({ length: 50 }, (_, n) => ({ kind: 'saveset', locationId: site.id, location: 'hq-berlin', id: `S-${n}`, task: 'home', type: 'incr', backupDay: '2026-11-20', status: 'successful' }));
    fake.handlers.set('search', async (args) => answer((args as { query: string }).query, hits, [], { saveset: 4000 }));
    await act(async () => storeActions().searchOpened());
    await type('S-');
    expect(document.getElementById('search-group-saveset')?.textContent).toContain('50 of 4000');
    expect(screen.getByRole('dialog').querySelector('.search-status')?.textContent).toBe('4000 matches');
    const box = within(palette()).getByRole('combobox');
    fireEvent.keyDown(box, { key: 'End', ctrlKey: true });
    expect(options()[49]?.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(box, { key: 'Home', ctrlKey: true });
    expect(options()[0]?.getAttribute('aria-selected')).toBe('true');
  });

  it('renders agent strings as text, never markup', async () => {
    const site = location('hq-berlin');
    await setup([site]);
    const evil = '<img src=x onerror="window.__pwned=1">';
    fake.handlers.set('search', async (args) =>
      answer((args as { query: string }).query, [{ kind: 'task', locationId: site.id, location: evil, task: 'home', pool: evil, sources: [evil] }], [{ locationId: site.id, location: evil, reason: evil }]),
    );
    await act(async () => storeActions().searchOpened());
    await type('home');
    expect(document.querySelector('.search-palette img')).toBeNull();
    expect(options()[0]?.textContent).toContain(evil);
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });
});
