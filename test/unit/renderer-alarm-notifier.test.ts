import { describe, expect, it } from 'vitest';
import { createAlarmNotifier } from '../../renderer/src/alarm-notifier';
import type { Alarm } from '../../shared/alarms';

const alarm = (id: string, severity: Alarm['severity'], acknowledged = false): Alarm => ({
  id,
  locationId: '00000000-0000-4000-8000-000000000001',
  location: 'hq-berlin',
  severity,
  kind: 'job-failed',
  at: '2026-11-23T08:00:00.000Z',
  text: id,
  acknowledged,
});

describe('browser alarm notifier', () => {
  it('notifies each new critical, unacknowledged alarm once, never for what was there at page load', () => {
    const shown: string[] = [];
    const onView = createAlarmNotifier((a) => shown.push(a.id));
    onView({ alarms: [alarm('at-load', 'critical')] });
    expect(shown).toEqual([]);
    onView({ alarms: [alarm('at-load', 'critical'), alarm('new', 'critical'), alarm('minor', 'warning'), alarm('acked', 'critical', true)] });
    expect(shown).toEqual(['new']);
    onView({ alarms: [alarm('new', 'critical')] });
    expect(shown).toEqual(['new']);
  });
});
