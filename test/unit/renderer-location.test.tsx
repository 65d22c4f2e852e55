// @vitest-environment jsdom
/** The location drill-down: loading, error, offline, Drives & loaders with actions and mismatches, Media, License. */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openLocation, startBridge } from '../../renderer/src/bridge';
import { ConsoleCallError } from '../../renderer/src/bridges/call-error';
import { App } from '../../renderer/src/features/frame/App';
import { storeActions } from '../../renderer/src/store/store';
import type { LocationDetail } from '../../shared/console-api';
import type { DevicesState } from '../../shared/devices';
import type { LocationView } from '../../shared/fleet';
import { detail, fakeConsole, giveElementsASize, license, location, media, vtl } from '../helpers/renderer-fake';

const fake = fakeConsole();

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

function devicesWith(slots: number, options: Parameters<typeof vtl>[2] = {}): DevicesState {
  const { loader, drives } = vtl('lib1', slots, options);
  return { loaders: [loader], drives, media: [media('DAILY00001', 'FLO001', { location: { kind: 'slot', loader: 'lib1', element: 1 } })], pools: [{ name: 'DAILY', labelPattern: '^DAILY\\d{5}$', retentionDays: 14, mediaType: 'any', allocation: 'continue' }] };
}

/** Registers the location, answers getLocationDetail with `answer`, opens it on `tab`. */
async function open(site: LocationView, tab: Parameters<typeof openLocation>[1], answer: () => Promise<LocationDetail>): Promise<void> {
  fake.handlers.set('getLocationDetail', answer);
  await act(async () => fake.push('fleet', { locations: [site] }));
  render(<App />);
  await act(async () => openLocation(site.id, tab));
}

const panel = () => screen.getByRole('complementary', { name: 'Actions' });

describe('location drill-down', () => {
  it('has the eight tabs; Jobs, Calendar and Restore say when an agent sent no engine state yet', async () => {
    const site = location('hq');
    await open(site, 'Overview', async () => detail(site.id, devicesWith(8)));
    const tabs = screen.getAllByRole('tab').map((tab) => tab.textContent);
    expect(tabs).toEqual(['Overview', 'Jobs', 'Calendar', 'Drives & loaders', 'Media', 'Restore', 'License', 'Events']);
    expect(screen.getByRole('region', { name: 'Counts' }).textContent).toContain('0 / 2');
    const expected = { Jobs: 'No jobs state yet', Calendar: 'No schedules state yet', Restore: 'No jobs state yet', Events: 'No failures or warnings' };
    for (const [name, title] of Object.entries(expected)) {
      fireEvent.click(screen.getByRole('tab', { name }));
      expect(screen.getByText(title)).toBeTruthy();
    }
  });

  it('shows loading while the detail is fetched, then an error with its message and Try again', async () => {
    const site = location('slow');
    let fail: (error: Error) => void = () => undefined;
    await open(site, 'Drives & loaders', () => new Promise((_, reject) => (fail = reject)));
    expect(screen.getByText('Loading the location’s devices…')).toBeTruthy();
    await act(async () => fail(new ConsoleCallError('NOT_FOUND', 'no such location; it may have been removed')));
    expect(screen.getByRole('alert').textContent).toContain('no such location; it may have been removed');
    fake.handlers.set('getLocationDetail', async () => detail(site.id, devicesWith(8)));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Try again' })));
    expect(screen.getByRole('region', { name: 'Loader lib1' })).toBeTruthy();
  });

  it('shows an offline location’s last known state greyed with "last seen", actions disabled', async () => {
    const site = location('dr-site', 'offline');
    await open(site, 'Drives & loaders', async () => detail(site.id, devicesWith(8)));
    const view = screen.getByRole('region', { name: 'Location dr-site' });
    expect(view.className).toContain('stale');
    expect(within(view).getAllByRole('status')[0]?.textContent).toMatch(/Offline · last seen 2 h ago/);
    fireEvent.click(screen.getByRole('button', { name: 'Slot 2' }));
    expect(panel().textContent).toContain('not online');
    expect((within(panel()).getByRole('button', { name: 'Load' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Refresh' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('draws a 500-slot loader virtualised', async () => {
    const site = location('big');
    await open(site, 'Drives & loaders', async () => detail(site.id, devicesWith(500, { ie: 4 })));
    const loader = screen.getByRole('region', { name: 'Loader lib1' });
    const slots = within(loader).getAllByRole('button', { name: /^Slot \d+$/ });
    expect(slots.length).toBeGreaterThan(8);
    expect(slots.length).toBeLessThan(250);
    expect(within(loader).queryByRole('button', { name: 'Slot 500' })).toBeNull();
    expect(within(loader).getAllByRole('button', { name: /^I\/E \d+$/ })).toHaveLength(4);
    expect(loader.textContent).toContain('500 slots');
    expect(loader.textContent).toContain('inventory read 3 min ago');
  });

  it('flags slots where the catalog and the changer disagree, with both values', async () => {
    const site = location('mixed');
    const mismatches = [
      { element: 3, kind: 'slot' as const, expected: 'FLO003', found: null },
      { element: 5, kind: 'slot' as const, expected: null, found: 'XYZ999' },
    ];
    const devices = devicesWith(8, { mismatches, emptySlots: [3], drives: 1 });
    devices.loaders[0]?.elements.push({ kind: 'slot', number: 9, full: true, barcode: 'CLN001', homeSlot: null });
    await open(site, 'Drives & loaders', async () => detail(site.id, devices));
    const note = screen.getByRole('note', { name: 'Mismatching slots' });
    expect(note.textContent).toContain('2 slots disagree with the catalog');
    expect(note.textContent).toContain('Slot 3: catalog FLO003, changer empty');
    expect(note.textContent).toContain('Slot 5: catalog empty, changer XYZ999');
    const slot3 = screen.getByRole('button', { name: 'Slot 3' });
    expect(slot3.className).toContain('mismatch');
    expect(slot3.getAttribute('title')).toBe('Catalog: FLO003 · changer: empty');
    expect(screen.getByRole('button', { name: 'Slot 1' }).className).not.toContain('mismatch');
    const cleaning = screen.getByRole('button', { name: 'Slot 9' });
    expect(cleaning.className).toContain('cleaning');
    expect(cleaning.textContent).toContain('cleaning');
  });

  it('labels, loads and unloads through the forwarded calls; buttons are disabled while an action runs', async () => {
    const site = location('act');
    await open(site, 'Drives & loaders', async () => detail(site.id, devicesWith(8)));
    fireEvent.click(screen.getByRole('button', { name: 'Slot 2' }));
    expect(within(panel()).getByRole('heading').textContent).toBe('Slot 2 · FLO002');
    let finish: (value: unknown) => void = () => undefined;
    fake.handlers.set('mediaLabel', () => new Promise((resolve) => (finish = resolve)));
    fireEvent.change(within(panel()).getByLabelText('Pool'), { target: { value: 'DAILY' } });
    fireEvent.click(within(panel()).getByRole('button', { name: 'Label' }));
    expect(fake.calls.at(-1)).toEqual({ name: 'mediaLabel', args: { id: site.id, args: { loader: 'lib1', slot: 2, pool: 'DAILY' } } });
    for (const name of ['Load', 'Transfer', 'Export', 'Label']) expect((within(panel()).getByRole('button', { name }) as HTMLButtonElement).disabled).toBe(true);
    await act(async () => finish(media('DAILY00002', 'FLO002')));
    expect(within(panel()).getByRole('status').textContent).toContain('Labelled FLO002 into DAILY');
    expect((within(panel()).getByRole('button', { name: 'Label' }) as HTMLButtonElement).disabled).toBe(false);

    fake.handlers.set('loaderLoad', async () => ({}));
    fireEvent.change(within(panel()).getByLabelText('Load into drive'), { target: { value: '1' } });
    await act(async () => fireEvent.click(within(panel()).getByRole('button', { name: 'Load' })));
    expect(fake.calls.at(-1)).toEqual({ name: 'loaderLoad', args: { id: site.id, args: { loader: 'lib1', slot: 2, drive: 1 } } });

    // The console pushes the new state: the whole detail is replaced.
    const after = devicesWith(8, { emptySlots: [2] });
    const drive = after.drives[1];
    if (drive) Object.assign(drive, { barcode: 'FLO002', media: 'DAILY00002' });
    const element = after.loaders[0]?.elements.find((candidate) => candidate.kind === 'drive' && candidate.number === 1);
    if (element) Object.assign(element, { full: true, barcode: 'FLO002', homeSlot: 2 });
    await act(async () => fake.push('location', detail(site.id, after, license('valid', 200), 2)));
    const drive1 = screen.getByRole('button', { name: 'Drive 1' });
    expect(drive1.textContent).toContain('DAILY00002');
    expect(screen.getByRole('button', { name: 'Slot 2' }).textContent).toContain('→ drive 1');
    fireEvent.click(drive1);
    fake.handlers.set('loaderUnload', async () => ({}));
    await act(async () => fireEvent.click(within(panel()).getByRole('button', { name: 'Unload' })));
    expect(fake.calls.at(-1)).toEqual({ name: 'loaderUnload', args: { id: site.id, args: { loader: 'lib1', drive: 1 } } });
  });

  it('shows a monitor-role refusal clearly and other agent errors with their message', async () => {
    const site = location('mon');
    await open(site, 'Drives & loaders', async () => detail(site.id, devicesWith(8)));
    fireEvent.click(screen.getByRole('button', { name: 'Drive 0' }));
    fake.handlers.set('driveClean', async () => {
      throw new ConsoleCallError('FORBIDDEN', 'drive:clean needs an admin token; this connection uses a monitor token');
    });
    await act(async () => fireEvent.click(within(panel()).getByRole('button', { name: 'Clean drive' })));
    const refusal = within(panel()).getByRole('alert');
    expect(refusal.textContent).toContain('Refused: this location is connected with a monitor token');
    expect(refusal.textContent).toContain('drive:clean needs an admin token');
    fake.handlers.set('driveClean', async () => {
      throw new ConsoleCallError('NOT_FOUND', 'no cleaning cartridge in lib1; import one (barcode CLN…)');
    });
    await act(async () => fireEvent.click(within(panel()).getByRole('button', { name: 'Clean drive' })));
    expect(within(panel()).getByRole('alert').textContent).toBe('no cleaning cartridge in lib1; import one (barcode CLN…)');
  });

  it('lists pools and a large media list virtualised; Add pool calls poolAdd', async () => {
    const site = location('media');
    const devices = devicesWith(8);
    devices.media = Array.from({ length: 2000 }, (_, index) => media(`DAILY${String(index + 1).padStart(5, '0')}`, `M${index}`));
    await open(site, 'Media', async () => detail(site.id, devices));
    const pools = screen.getByRole('region', { name: 'Pools' });
    expect(pools.textContent).toContain('^DAILY\\d{5}$');
    expect(pools.textContent).toContain('14 d');
    const table = screen.getByRole('table', { name: 'Media' });
    const rows = within(table).getAllByRole('row');
    expect(rows.length).toBeGreaterThan(2);
    expect(rows.length).toBeLessThan(100);
    expect(rows[1]?.textContent).toContain('DAILY00001');
    expect(rows[1]?.textContent).toContain('25 %');
    fake.handlers.set('poolAdd', async () => ({ name: 'WEEKLY', labelPattern: '^WEEKLY\\d{5}$', retentionDays: 35, mediaType: 'any', allocation: 'continue' }));
    fireEvent.change(screen.getByLabelText('Pool name'), { target: { value: 'weekly' } });
    fireEvent.change(screen.getByLabelText('Retention days'), { target: { value: '35' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Add pool' })));
    expect(fake.calls.at(-1)).toEqual({ name: 'poolAdd', args: { id: site.id, args: { name: 'WEEKLY', retentionDays: 35 } } });
    expect(screen.getByText('Added pool WEEKLY.')).toBeTruthy();
  });

  it('shows the location’s license card', async () => {
    const site = location('lic');
    await open(site, 'License', async () => detail(site.id, devicesWith(8), license('expiring', 12, { ip: '10.0.0.5' })));
    const card = screen.getByRole('region', { name: 'License' });
    for (const text of ['Expiring', 'enterprise', 'tape, vtl', 'drives 2 of 8', 'loaders 1 (no limit)', '12', 'server hq, IP 10.0.0.5', 'ACME GmbH']) expect(card.textContent).toContain(text);
  });
});
