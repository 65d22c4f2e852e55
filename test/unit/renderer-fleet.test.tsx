// @vitest-environment jsdom
/** The frame, the topology tree, the fleet overview and License info, driven through the bridge like the console does. */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBridge } from '../../renderer/src/bridge';
import { App } from '../../renderer/src/features/frame/App';
import { registerKeyboardShortcuts } from '../../renderer/src/keyboard';
import { storeActions } from '../../renderer/src/store/store';
import { detail, fakeConsole, giveElementsASize, license, location } from '../helpers/renderer-fake';
import type { LocationView } from '../../shared/fleet';

const fake = fakeConsole();

beforeAll(() => {
  giveElementsASize();
  window.floe = fake.api;
  startBridge();
  registerKeyboardShortcuts();
});

afterEach(() => {
  cleanup();
  const actions = storeActions();
  actions.dialogClosed();
  actions.fleetOverviewOpened();
  actions.fleetLayoutChosen('cards');
  fake.handlers.clear();
});

async function pushFleet(locations: LocationView[]): Promise<void> {
  await act(async () => fake.push('fleet', { locations }));
}

describe('fleet overview', () => {
  it('shows a loading state until the fleet arrives, then the designed empty state', async () => {
    render(<App />);
    expect(screen.getByText('Loading the fleet…')).toBeTruthy();
    expect(fake.calls.filter((call) => call.name === 'topicSnapshot').map((call) => call.args)).toContainEqual({ topic: 'fleet' });
    await pushFleet([]);
    expect(screen.getByText('No locations yet')).toBeTruthy();
    expect(screen.getByText(/0 locations · 0 online · backup day \d{4}-\d{2}-\d{2}/)).toBeTruthy();
  });

  it('shows cards sorted by health with drives, media and license, and the same data as a table', async () => {
    const ok = location('alpha');
    const expiring = location('bravo');
    const offline = location('charlie', 'offline');
    fake.handlers.set('getLocationDetail', async (args) => {
      const id = (args as { id: string }).id;
      return detail(id, { loaders: [], drives: [], media: [], pools: [] }, id === expiring.id ? license('expiring', 5) : license('valid', 200));
    });
    await pushFleet([ok, expiring, offline]);
    render(<App />);
    // The cards come with the fleet; the details (and with them the expiring license's rank) come with the next batch of answers (within 100 ms).
    await waitFor(() => expect(screen.getAllByRole('article').map((card) => card.getAttribute('aria-label'))).toEqual(['charlie', 'bravo', 'alpha']));
    const cards = screen.getAllByRole('article');
    expect(within(cards[0] as HTMLElement).getByText(/last seen 2 h ago/)).toBeTruthy();
    expect(within(cards[1] as HTMLElement).getByText('Expiring')).toBeTruthy();
    const attention = screen.getByRole('region', { name: 'Needs attention' });
    expect(attention.textContent).toContain('license expiring, 5 days left');
    expect(attention.textContent).toContain('Offline');
    fireEvent.click(screen.getByRole('button', { name: 'Table' }));
    const table = screen.getByRole('table', { name: 'Locations' });
    expect(within(table).getAllByRole('row').map((row) => row.getAttribute('aria-label'))).toEqual([null, 'charlie', 'bravo', 'alpha']);
  });

  it('renders 1000 locations virtualised in the cards, the table and the tree', async () => {
    const many = Array.from({ length: 1000 }, (_, index) => location(`site-${String(index).padStart(4, '0')}`, index % 100 === 7 ? 'offline' : 'online'));
    fake.handlers.set('getLocationDetail', async (args) => detail((args as { id: string }).id, null, null));
    await pushFleet(many);
    render(<App />);
    expect(screen.getByText(/1000 locations · 990 online/)).toBeTruthy();
    const cards = screen.getAllByRole('article');
    expect(cards.length).toBeGreaterThan(0);
    expect(cards.length).toBeLessThan(200);
    expect(cards[0]?.getAttribute('aria-label')).toBe('site-0007'); // offline first
    const treeItems = screen.getAllByRole('treeitem');
    expect(treeItems.length).toBeLessThan(100);
    fireEvent.click(screen.getByRole('button', { name: 'Table' }));
    const table = screen.getByRole('table', { name: 'Locations' });
    expect(table.getAttribute('aria-rowcount')).toBe('1000');
    expect(within(table).getAllByRole('row').length).toBeLessThan(100);
  });

  it('renders agent-supplied strings as text, never markup', async () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    const site = location('evil-site', 'auth-failed', { detail: evil, agent: { name: evil, version: evil, agentId: evil } });
    fake.handlers.set('getLocationDetail', async () => detail(site.id, null, license('invalid', 0, { licensee: evil, reason: evil, edition: null })));
    await pushFleet([site]);
    render(<App />);
    await act(async () => storeActions().dialogRequested('open-license-info'));
    expect(document.querySelector('img')).toBeNull();
    expect(screen.getAllByText(new RegExp(evil.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).length).toBeGreaterThan(0);
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });
});

describe('License info', () => {
  it('opens from the uiCommand push and Alt+L, lists every location with warnings first, Esc closes', async () => {
    const rows = [location('valid-site'), location('trial-site'), location('expired-site'), location('expiring-site'), location('unknown-site', 'connecting'), location('invalid-site')];
    const statuses = new Map([
      [rows[0]?.id, license('valid', 300)],
      [rows[1]?.id, license('trial', 20)],
      [rows[2]?.id, license('expired', 0)],
      [rows[3]?.id, license('expiring', 9)],
      [rows[5]?.id, license('invalid', 0)],
    ]);
    fake.handlers.set('getLocationDetail', async (args) => {
      const id = (args as { id: string }).id;
      return detail(id, null, statuses.get(id) ?? null);
    });
    await pushFleet(rows);
    render(<App />);
    await act(async () => fake.push('uiCommand', { command: 'open-license-info' }));
    const dialog = screen.getByRole('dialog', { name: 'License info' });
    // The licenses come with the details, applied together with the next batch of answers.
    const names = () =>
      within(dialog)
        .getAllByRole('row')
        .slice(1)
        .map((row) => row.getAttribute('aria-label'));
    await waitFor(() => expect(names()).toEqual(['invalid-site', 'expired-site', 'expiring-site', 'trial-site', 'unknown-site', 'valid-site']));
    const expiring = within(dialog).getByRole('row', { name: 'expiring-site' });
    expect(expiring.textContent).toContain('Expiring');
    expect(expiring.textContent).toContain('enterprise');
    expect(expiring.textContent).toContain('tape, vtl');
    expect(expiring.textContent).toContain('drives 2 of 8');
    expect(expiring.textContent).toContain('ACME GmbH');
    expect(expiring.textContent).toContain('server hq');
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByRole('dialog', { name: 'License info' })).toBeNull();
    fireEvent.keyDown(window, { key: 'l', code: 'KeyL', altKey: true });
    expect(screen.getByRole('dialog', { name: 'License info' })).toBeTruthy();
  });
});

describe('frame', () => {
  it('moves in the tree with ↑/↓, opens with Enter, opens search with / and Ctrl+K, types from the tree into the filter, filters as you type', async () => {
    const a = location('hq-berlin');
    const b = location('branch-lyon', 'cert-mismatch');
    fake.handlers.set('getLocationDetail', async (args) => detail((args as { id: string }).id, { loaders: [], drives: [], media: [], pools: [] }));
    await pushFleet([a, b]);
    render(<App />);
    const tree = screen.getByRole('tree');
    const items = within(tree).getAllByRole('treeitem');
    expect(items.map((item) => item.getAttribute('aria-label'))).toEqual(['Overview', 'Calendar', 'Alarms', 'branch-lyon', 'hq-berlin']);
    expect(within(items[3] as HTMLElement).getByText('Certificate mismatch')).toBeTruthy();
    tree.focus();
    for (const key of ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowDown']) fireEvent.keyDown(tree, { key });
    expect(tree.getAttribute('aria-activedescendant')).toBe(within(tree).getByRole('treeitem', { name: 'hq-berlin' }).id);
    fireEvent.keyDown(tree, { key: 'ArrowUp' });
    fireEvent.keyDown(tree, { key: 'ArrowDown' });
    await act(async () => fireEvent.keyDown(tree, { key: 'Enter' }));
    expect(screen.getByRole('region', { name: 'Location hq-berlin' })).toBeTruthy();
    expect(fake.calls.some((call) => call.name === 'getLocationDetail' && (call.args as { id: string }).id === a.id)).toBe(true);
    // The fleet's Calendar and Alarms are tree items too.
    tree.focus();
    for (const key of ['ArrowUp', 'ArrowUp', 'ArrowUp']) fireEvent.keyDown(tree, { key });
    await act(async () => fireEvent.keyDown(tree, { key: 'Enter' }));
    expect(screen.getByRole('region', { name: 'Fleet calendar' })).toBeTruthy();
    fireEvent.keyDown(tree, { key: 'ArrowDown' });
    await act(async () => fireEvent.keyDown(tree, { key: 'Enter' }));
    expect(screen.getByRole('dialog', { name: 'Alarms' })).toBeTruthy();
    await act(async () => storeActions().alarmsClosed());

    // `/` and Ctrl+K both open the fleet search (UI.md); Esc closes it.
    for (const key of [{ key: '/', code: 'Slash' }, { key: 'k', code: 'KeyK', ctrlKey: true }]) {
      await act(async () => fireEvent.keyDown(document.body, key));
      const palette = screen.getByRole('dialog', { name: 'Search the fleet' });
      expect(document.activeElement).toBe(within(palette).getByRole('combobox'));
      await act(async () => fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'Escape' }));
      expect(screen.queryByRole('dialog', { name: 'Search the fleet' })).toBeNull();
    }
    // `/` typed in a text field stays a character.
    const filter = screen.getByRole('searchbox', { name: 'Filter the topology' });
    await act(async () => fireEvent.keyDown(filter, { key: '/', code: 'Slash' }));
    expect(screen.queryByRole('dialog', { name: 'Search the fleet' })).toBeNull();
    // Typing in the tree moves to the filter with the letter.
    tree.focus();
    await act(async () => fireEvent.keyDown(tree, { key: 'l', code: 'KeyL' }));
    expect(document.activeElement).toBe(filter);
    expect((filter as HTMLInputElement).value).toBe('l');
    fireEvent.change(filter, { target: { value: 'lyon' } });
    expect(within(tree).getAllByRole('treeitem').map((item) => item.getAttribute('aria-label'))).toEqual(['Overview', 'Calendar', 'Alarms', 'branch-lyon']);
  });

  it('holds the tree order while the pointer is over it (a click never lands on a row that moved under it), and sorts when it leaves', async () => {
    const a = location('alpha');
    const b = location('bravo');
    const c = location('charlie');
    fake.handlers.set('getLocationDetail', async (args) => detail((args as { id: string }).id, null, null));
    await pushFleet([a, b, c]);
    render(<App />);
    const tree = screen.getByRole('tree');
    const names = () => within(tree).getAllByRole('treeitem').map((item) => item.getAttribute('aria-label'));
    expect(names()).toEqual(['Overview', 'Calendar', 'Alarms', 'alpha', 'bravo', 'charlie']);
    fireEvent.pointerEnter(tree);
    // charlie goes offline (first in the health order), delta joins (in the order, after the held rows), alpha leaves.
    const d = location('delta');
    await pushFleet([b, { ...c, status: 'offline' }, d]);
    expect(names()).toEqual(['Overview', 'Calendar', 'Alarms', 'bravo', 'charlie', 'delta']);
    expect(within(within(tree).getByRole('treeitem', { name: 'charlie' })).getByText('Offline')).toBeTruthy();
    fireEvent.pointerLeave(tree);
    expect(names()).toEqual(['Overview', 'Calendar', 'Alarms', 'charlie', 'bravo', 'delta']);
  });

  it('switches the theme system → light → dark and keeps it in localStorage', () => {
    render(<App />);
    const button = screen.getByRole('button', { name: /System theme/ });
    expect(document.documentElement.dataset.theme).toBeUndefined();
    fireEvent.click(button);
    expect(document.documentElement.dataset.theme).toBe('light');
    fireEvent.click(screen.getByRole('button', { name: /Light theme/ }));
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(window.localStorage.getItem('floe.theme')).toBe('dark');
    fireEvent.click(screen.getByRole('button', { name: /Dark theme/ }));
    expect(document.documentElement.dataset.theme).toBeUndefined();
    expect(window.localStorage.getItem('floe.theme')).toBeNull();
  });
});
