/** Desktop notifications for new critical alarms (each alarm once, never for acknowledged ones). */
import { Notification } from 'electron';
import type { Alarm, AlarmsView } from '../../shared/alarms.js';
import type { ConsoleService } from '../../shared/console-api.js';
import { TopicFollower } from '../../shared/topic-patch.js';
import type { Disposable } from '../core/disposable.js';

/** The critical, unacknowledged alarms not seen before; `seen` is updated. */
export function newCriticalAlarms(seen: Set<string>, view: AlarmsView): Alarm[] {
  const fresh = view.alarms.filter((alarm) => alarm.severity === 'critical' && !alarm.acknowledged && !seen.has(alarm.id));
  for (const alarm of view.alarms) seen.add(alarm.id);
  return fresh;
}

export function notifyCriticalAlarms(service: ConsoleService, onClick: () => void): Disposable {
  const seen = new Set<string>();
  let first = true;
  // The alarms topic pushes patches: follow them to the whole feed (main never misses a push).
  const feed = new TopicFollower<AlarmsView>();
  const unsubscribe = service.onTopic('alarms', (push) => {
    if (feed.follow(push) !== 'applied' || !feed.value) return;
    const fresh = newCriticalAlarms(seen, feed.value);
    // The first view at start-up lists what was already there: no burst of notifications.
    if (first) {
      first = false;
      return;
    }
    if (!Notification.isSupported()) return;
    for (const alarm of fresh.slice(0, 5)) {
      const notification = new Notification({ title: `Floe: ${alarm.location}`, body: alarm.text });
      notification.on('click', onClick);
      notification.show();
    }
  });
  return { dispose: unsubscribe };
}
