/** Desktop notifications for new critical alarms, with a mocked electron Notification. */
import { describe, expect, it, vi } from 'vitest';

const shown = vi.hoisted(() => [] as Array<{ title: string; body: string }>);
vi.mock('electron', () => ({
  Notification: class {
    static isSupported() {
      return true;
    }
    constructor(private readonly options: { title: string; body: string }) {}
    on() {
      return this;
    }
    show() {
      shown.push(this.options);
    }
  },
}));

const { newCriticalAlarms, notifyCriticalAlarms } = await import('../../main/shell/alarm-notifications.js');
const { diffJson } = await import('../../shared/topic-patch.js');
type VersionedPush = import('../../shared/topic-patch.js').VersionedPush;
type AlarmsView = import('../../shared/alarms.js').AlarmsView;
type ConsoleService = import('../../shared/console-api.js').ConsoleService;

const alarm = (id: string, severity: 'critical' | 'warning', acknowledged = false) => ({
  id,
  locationId: '00000000-0000-4000-8000-000000000001',
  location: 'hq-berlin',
  severity,
  kind: 'job-failed' as const,
  at: '2026-11-23T08:00:00.000Z',
  text: `alarm ${id}`,
  acknowledged,
});

describe('alarm notifications', () => {
  it('picks only new, critical, unacknowledged alarms', () => {
    const seen = new Set<string>();
    expect(newCriticalAlarms(seen, { alarms: [alarm('a', 'critical'), alarm('b', 'warning'), alarm('c', 'critical', true)] }).map((a) => a.id)).toEqual(['a']);
    expect(newCriticalAlarms(seen, { alarms: [alarm('a', 'critical'), alarm('d', 'critical')] }).map((a) => a.id)).toEqual(['d']);
  });

  it('shows a notification for each new critical alarm after the first view, never a burst at start-up', () => {
    let send: (push: VersionedPush) => void = () => undefined;
    const service = { onTopic: (_topic: string, listener: (push: VersionedPush) => void) => ((send = listener), () => undefined) } as unknown as ConsoleService;
    let version = 0;
    let previous: AlarmsView | undefined;
    // The alarms topic carries versioned patches: the whole feed first, then only changes.
    const push = (view: AlarmsView): void => {
      version += 1;
      send(previous ? { version, base: version - 1, patch: diffJson(previous, view) ?? { o: {} } } : { version, base: null, patch: { r: view } });
      previous = view;
    };
    const subscription = notifyCriticalAlarms(service, () => undefined);
    push({ alarms: [alarm('old', 'critical')] });
    expect(shown).toEqual([]);
    push({ alarms: [alarm('old', 'critical'), alarm('new', 'critical'), alarm('minor', 'warning')] });
    expect(shown).toEqual([{ title: 'Floe: hq-berlin', body: 'alarm new' }]);
    send({ version: version + 5, base: version + 4, patch: { r: { alarms: [alarm('unseen', 'critical')] } } });
    expect(shown).toHaveLength(1); // a push that does not follow on is not applied
    subscription.dispose();
  });
});
