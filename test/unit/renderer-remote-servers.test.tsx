// @vitest-environment jsdom
/** Configuration → Remote servers: the list, edit, reconnect, remove, and the pending changes with Retry and Discard. */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBridge } from '../../renderer/src/bridge';
import { App } from '../../renderer/src/features/frame/App';
import { storeActions } from '../../renderer/src/store/store';
import type { Change } from '../../shared/provisioning';
import { fakeConsole, giveElementsASize, location } from '../helpers/renderer-fake';

const fake = fakeConsole();
const HOSTILE = '<img src=x onerror="window.__pwned=1">';
const FINGERPRINT = `SHA256:${'AB:'.repeat(31)}AB`;
const OTHER_FINGERPRINT = `SHA256:${'CD:'.repeat(31)}CD`;

const hq = location('hq-berlin', 'offline', { fingerprint: FINGERPRINT, detail: `cannot connect to 10.0.0.1:7443: ${HOSTILE}` });
const lyon = location('branch-lyon', 'online', { fingerprint: OTHER_FINGERPRINT });

function change(overrides: Partial<Change>): Change {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    location: hq.id,
    locationName: 'hq-berlin',
    kind: 'task',
    mode: 'modify',
    state: 'modify',
    target: 'mail',
    payload: { kind: 'task', name: 'mail', task: { name: 'mail', sources: ['/srv/mail'], pool: 'DAILY' } },
    createdAt: '2026-11-29T10:00:00.000Z',
    updatedAt: '2026-11-29T10:05:00.000Z',
    appliedAt: null,
    attempts: 1,
    lastError: { code: 'UNREACHABLE', message: `the location is not connected; ${HOSTILE}` },
    ...overrides,
  };
}

beforeAll(() => {
  giveElementsASize();
  window.floe = fake.api;
  startBridge();
});

afterEach(() => {
  cleanup();
  storeActions().dialogClosed();
  storeActions().consoleLinkChanged('connected', '');
  fake.handlers.clear();
});

const openDialog = () => {
  fireEvent.click(screen.getByRole('button', { name: 'Remote servers' }));
  return screen.getByRole('dialog', { name: 'Remote servers' });
};

describe('Remote servers', () => {
  it('shows loading states until the fleet and the changes arrive, then the empty states', () => {
    render(<App />);
    const dialog = openDialog();
    expect(within(dialog).getByText('Loading remote servers…')).toBeTruthy();
    expect(within(dialog).getByText('Loading changes…')).toBeTruthy();
    act(() => storeActions().changesFailed('listChanges: the console is busy'));
    expect(within(dialog).getByRole('alert').textContent).toBe('Could not load the changes: listChanges: the console is busy');
    act(() => {
      fake.push('fleet', { locations: [] });
      fake.push('changes', { changes: [] });
    });
    expect(within(dialog).getByText(/No remote servers yet/)).toBeTruthy();
    expect(within(dialog).getByText('Nothing pending: every change reached its location.')).toBeTruthy();
    // A later failure does not hide the list that was loaded.
    act(() => storeActions().changesFailed('gone'));
    expect(within(dialog).queryByText(/Could not load the changes/)).toBeNull();
  });

  it('opens from the shell menu command and closes with Esc', () => {
    render(<App />);
    act(() => fake.push('uiCommand', { command: 'open-remote-servers' }));
    expect(screen.getByRole('dialog', { name: 'Remote servers' })).toBeTruthy();
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByRole('dialog', { name: 'Remote servers' })).toBeNull();
  });

  it('shows the error when the console cannot be reached', () => {
    render(<App />);
    act(() => storeActions().consoleLinkChanged('lost', 'the console stopped answering'));
    const dialog = openDialog();
    expect(within(dialog).getByText(/The console is not reachable.*the console stopped answering/)).toBeTruthy();
  });

  it('lists each location with its status word, reason, address, fingerprint and pending count; agent text stays text', () => {
    render(<App />);
    act(() => {
      fake.push('fleet', { locations: [hq, lyon] });
      fake.push('changes', { changes: [change({})] });
    });
    expect(screen.getByRole('button', { name: 'Remote servers' }).textContent).toContain('1 pending');
    const dialog = openDialog();
    const row = within(dialog).getByRole('row', { name: 'hq-berlin' });
    expect(within(row).getByText('Offline')).toBeTruthy();
    expect(within(row).getByText(`cannot connect to 10.0.0.1:7443: ${HOSTILE}`)).toBeTruthy();
    expect(within(row).getByText('10.0.0.1:7443')).toBeTruthy();
    expect(within(row).getByText(FINGERPRINT)).toBeTruthy();
    expect(within(row).getByText('1')).toBeTruthy();
    expect(within(within(dialog).getByRole('row', { name: 'branch-lyon' })).getByText('Online')).toBeTruthy();
    expect(document.querySelector('img')).toBeNull();
  });

  it('shows pending changes with the reason, retries and discards them, and lists applied ones apart', async () => {
    render(<App />);
    const applied = change({ id: '00000000-0000-4000-8000-000000000003', kind: 'schedule', target: 'nightly', mode: 'add', state: 'added', appliedAt: '2026-11-29T10:06:00.000Z', lastError: null, payload: { kind: 'schedule', name: 'nightly', schedule: { name: 'nightly', cron: '0 22 * * *', tasks: ['mail'], type: 'full' } } });
    const applying = change({ id: '00000000-0000-4000-8000-000000000002', target: 'logs', mode: 'delete', state: 'deleting', lastError: null, payload: { kind: 'task', name: 'logs', task: null } });
    act(() => {
      fake.push('fleet', { locations: [hq, lyon] });
      fake.push('changes', { changes: [change({}), applying, applied] });
    });
    const dialog = openDialog();
    const pending = within(dialog).getByRole('list', { name: 'Pending changes' });
    const item = within(pending).getByRole('listitem', { name: 'hq-berlin: task mail modify' });
    expect(within(item).getByText('pending')).toBeTruthy();
    expect(within(item).getByText(`the location is not connected; ${HOSTILE}`)).toBeTruthy();
    const inProgress = within(pending).getByRole('listitem', { name: 'hq-berlin: task logs deleting' });
    expect(within(inProgress).queryByRole('button', { name: /Retry/ })).toBeNull();
    expect(within(within(dialog).getByRole('list', { name: 'Recently applied changes' })).getByRole('listitem', { name: 'hq-berlin: schedule nightly added' })).toBeTruthy();

    fake.handlers.set('retryChange', async () => change({ state: 'modified', lastError: null }));
    fireEvent.click(within(item).getByRole('button', { name: 'Retry task mail on hq-berlin' }));
    await act(async () => undefined);
    expect(fake.calls.filter((call) => call.name === 'retryChange').at(-1)?.args).toEqual({ change: change({}).id });

    fake.handlers.set('discardChange', async () => {
      throw new Error('this change is being applied (modifying); wait for its outcome, then discard it');
    });
    fireEvent.click(within(item).getByRole('button', { name: 'Discard task mail on hq-berlin' }));
    await act(async () => undefined);
    expect(within(dialog).getByRole('alert').textContent).toContain('wait for its outcome');
    act(() => fake.push('changes', { changes: [applied] }));
    expect(within(dialog).getByText('Nothing pending: every change reached its location.')).toBeTruthy();
  });

  it('edits a location: a new port shows the certificate there, then Trust and save pins it', async () => {
    render(<App />);
    act(() => fake.push('fleet', { locations: [hq, lyon] }));
    const dialog = openDialog();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Edit hq-berlin' }));
    const form = within(dialog).getByRole('form', { name: 'Edit hq-berlin' });
    fireEvent.change(within(form).getByLabelText('Port'), { target: { value: '7444' } });
    const NEW = `SHA256:${'EF:'.repeat(31)}EF`;
    fake.handlers.set('probeLocation', async () => ({ fingerprint: NEW, subject: HOSTILE, validTo: 'Dec 1 2036', knownAs: null }));
    fireEvent.click(within(form).getByRole('button', { name: 'Connect' }));
    await act(async () => undefined);
    expect(within(form).getByText(NEW)).toBeTruthy();
    expect(within(form).getByText(/This is not the pinned certificate/)).toBeTruthy();
    expect(document.querySelector('img')).toBeNull();
    fake.handlers.set('editLocation', async () => hq);
    fireEvent.click(within(form).getByRole('button', { name: 'Trust and save' }));
    await act(async () => undefined);
    expect(fake.calls.filter((call) => call.name === 'editLocation').at(-1)?.args).toEqual({ id: hq.id, host: '10.0.0.1', port: 7444, fingerprint: NEW });
    expect(within(dialog).queryByRole('form', { name: 'Edit hq-berlin' })).toBeNull();
  });

  it('refuses a certificate already registered under another name, and a bad port, without calling editLocation', async () => {
    render(<App />);
    act(() => fake.push('fleet', { locations: [hq, lyon] }));
    const dialog = openDialog();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Edit hq-berlin' }));
    const form = within(dialog).getByRole('form', { name: 'Edit hq-berlin' });
    fireEvent.change(within(form).getByLabelText('Port'), { target: { value: '70000' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Connect' }));
    expect(within(form).getByRole('alert').textContent).toContain('Port must be a number');
    fireEvent.change(within(form).getByLabelText('Port'), { target: { value: '7445' } });
    fake.handlers.set('probeLocation', async () => ({ fingerprint: OTHER_FINGERPRINT, subject: 'branch-lyon', validTo: 'x', knownAs: 'branch-lyon' }));
    fireEvent.click(within(form).getByRole('button', { name: 'Connect' }));
    await act(async () => undefined);
    expect(within(form).getByText('This certificate is already registered as “branch-lyon”.')).toBeTruthy();
    expect((within(form).getByRole('button', { name: 'Trust and save' }) as HTMLButtonElement).disabled).toBe(true);
    expect(fake.calls.some((call) => call.name === 'editLocation' && (call.args as { port?: number }).port === 7445)).toBe(false);
  });

  it('renames without a certificate check and sends no token when the field is left blank', async () => {
    render(<App />);
    act(() => fake.push('fleet', { locations: [hq, lyon] }));
    const dialog = openDialog();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Edit branch-lyon' }));
    const form = within(dialog).getByRole('form', { name: 'Edit branch-lyon' });
    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'lyon' } });
    fake.handlers.set('editLocation', async () => lyon);
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    await act(async () => undefined);
    expect(fake.calls.filter((call) => call.name === 'editLocation').at(-1)?.args).toEqual({ id: lyon.id, name: 'lyon' });
  });

  it('reconnects a location, and removes one only after confirming', async () => {
    render(<App />);
    act(() => {
      fake.push('fleet', { locations: [hq, lyon] });
      fake.push('changes', { changes: [change({})] });
    });
    const dialog = openDialog();
    fake.handlers.set('reconnectLocation', async () => ({ reconnecting: true }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Reconnect hq-berlin' }));
    await act(async () => undefined);
    expect(within(dialog).getByText('Reconnecting to hq-berlin…')).toBeTruthy();

    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove hq-berlin' }));
    const confirm = within(dialog).getByRole('group', { name: 'Remove hq-berlin?' });
    expect(confirm.textContent).toContain('1 pending change to tasks or schedules stay listed');
    fireEvent.click(within(confirm).getByRole('button', { name: 'Keep it' }));
    expect(fake.calls.some((call) => call.name === 'removeLocation')).toBe(false);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove hq-berlin' }));
    fake.handlers.set('removeLocation', async () => ({ removed: true }));
    fireEvent.click(within(within(dialog).getByRole('group', { name: 'Remove hq-berlin?' })).getByRole('button', { name: 'Remove hq-berlin' }));
    await act(async () => undefined);
    expect(fake.calls.filter((call) => call.name === 'removeLocation').at(-1)?.args).toEqual({ id: hq.id });
  });
});
