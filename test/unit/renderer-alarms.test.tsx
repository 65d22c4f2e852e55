// @vitest-environment jsdom
/** The header's alarm count and the Alarms dialog, fed by the console's alarm feed. */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBridge } from '../../renderer/src/bridge';
import { App } from '../../renderer/src/features/frame/App';
import { storeActions } from '../../renderer/src/store/store';
import { fakeConsole, giveElementsASize } from '../helpers/renderer-fake';

const fake = fakeConsole();
const HOSTILE = '<img src=x onerror="window.__pwned=1">';
const alarm = (id: string, severity: 'critical' | 'warning', text: string, acknowledged = false) => ({
  id,
  locationId: '00000000-0000-4000-8000-000000000001',
  location: 'hq-berlin',
  severity,
  kind: 'job-failed' as const,
  at: '2026-11-23T08:00:00.000Z',
  text,
  acknowledged,
});

beforeAll(() => {
  giveElementsASize();
  window.floe = fake.api;
  startBridge();
});

afterEach(() => {
  cleanup();
  storeActions().alarmsClosed();
  fake.handlers.clear();
});

describe('alarms', () => {
  it('counts open alarms in the header, lists them as text, and acknowledges one', async () => {
    render(<App />);
    act(() => fake.push('alarms', { alarms: [alarm('a1', 'critical', HOSTILE), alarm('a2', 'warning', 'license expiring in 5 days'), alarm('a3', 'warning', 'old', true)] }));
    const button = screen.getByRole('button', { name: 'Alarms 2' });
    fireEvent.click(button);
    const dialog = screen.getByRole('dialog', { name: 'Alarms' });
    expect(within(dialog).getByText(HOSTILE)).toBeTruthy();
    expect(document.querySelector('img')).toBeNull();
    expect(within(dialog).getAllByRole('button', { name: 'Acknowledge' })).toHaveLength(2);
    expect(within(dialog).getByText('acknowledged')).toBeTruthy();
    let acknowledged: unknown;
    fake.handlers.set('acknowledgeAlarm', async (args) => {
      acknowledged = args;
      return { acknowledged: true };
    });
    fireEvent.click(within(dialog).getAllByRole('button', { name: 'Acknowledge' })[0] as HTMLElement);
    await act(async () => undefined);
    expect(acknowledged).toEqual({ id: 'a1' });
    act(() => fake.push('alarms', { alarms: [alarm('a2', 'warning', 'license expiring in 5 days'), alarm('a1', 'critical', HOSTILE, true)] }));
    expect(screen.getByRole('button', { name: 'Alarms 1' })).toBeTruthy();
  });

  it('shows the reason when acknowledging fails, and an empty state', async () => {
    render(<App />);
    act(() => fake.push('alarms', { alarms: [alarm('gone', 'critical', 'drive failed')] }));
    fireEvent.click(screen.getByRole('button', { name: 'Alarms 1' }));
    fake.handlers.set('acknowledgeAlarm', async () => {
      throw new Error('no such alarm; it may have cleared');
    });
    fireEvent.click(screen.getByRole('button', { name: 'Acknowledge' }));
    await act(async () => undefined);
    expect(screen.getByRole('alert').textContent).toContain('it may have cleared');
    act(() => fake.push('alarms', { alarms: [] }));
    expect(screen.getByText('No alarms: every location is fine.')).toBeTruthy();
  });
});
