/**
 * Browser notifications for new critical alarms when the console runs in a browser (the Electron
 * shell notifies from main). Each alarm once; nothing for what was already there when the page
 * opened; only after the administrator allowed notifications.
 */
import type { Alarm, AlarmsView } from '../../shared/alarms';

export function createAlarmNotifier(notify: (alarm: Alarm) => void): (view: AlarmsView) => void {
  const seen = new Set<string>();
  let first = true;
  return (view) => {
    const fresh = view.alarms.filter((alarm) => alarm.severity === 'critical' && !alarm.acknowledged && !seen.has(alarm.id));
    for (const alarm of view.alarms) seen.add(alarm.id);
    if (first) {
      first = false;
      return;
    }
    for (const alarm of fresh.slice(0, 5)) notify(alarm);
  };
}

/** Shows a browser notification if the page may; otherwise does nothing. */
export function browserNotify(alarm: Alarm): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  new Notification(`Floe: ${alarm.location}`, { body: alarm.text, tag: alarm.id });
}

/** Asks for permission once, on a user gesture (opening the alarms). */
export function askNotificationPermission(): void {
  if (typeof Notification !== 'undefined' && Notification.permission === 'default') void Notification.requestPermission();
}
