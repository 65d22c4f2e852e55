/**
 * The renderer side of the fan-in benchmark: the real zustand store (renderer/src/store) fed with
 * the console core's pushes over Node IPC. For each location push it finds the bench job, whose
 * `files` counts the agent's events and whose `currentFile` carries the newest one's send time;
 * every event since the previous push is now in the store, and its latency is now − its send time
 * (events a coalesced push superseded get their send time back from the agent's fixed period).
 */
import { createStore } from '../../../renderer/src/store/store.js';
import type { LocationDetail, LocationsPush } from '../../../shared/console-api.js';
import type { AlarmsView } from '../../../shared/alarms.js';
import type { FleetView } from '../../../shared/fleet.js';
import { TopicFollower, type VersionedPush } from '../../../shared/topic-patch.js';
import { SENT_AT_PREFIX } from './agent-farm.js';
import { percentile, profileIfAsked } from './measure.js';

profileIfAsked('renderer-store');

const period = 1000 / Number(process.env.FLOE_BENCH_RATE ?? 10);
const store = createStore();
const actions = store.getState();
const fleet = new TopicFollower<FleetView>();
const alarms = new TopicFollower<AlarmsView>();
const lastCount = new Map<string, number>();
const samples: Array<[number, number]> = [];

function applied(detail: LocationDetail, now: number): void {
  const job = detail.jobs?.active[0];
  if (!job?.currentFile?.startsWith(SENT_AT_PREFIX)) return;
  const newestSentAt = Number(job.currentFile.slice(SENT_AT_PREFIX.length));
  const previous = lastCount.get(detail.id);
  lastCount.set(detail.id, job.files);
  if (previous === undefined) return;
  for (let count = previous + 1; count <= job.files; count += 1) {
    const sentAt = newestSentAt - (job.files - count) * period;
    samples.push([sentAt, now - sentAt]);
  }
}

process.on('message', ({ topic, payload }: { topic: string; payload: never }) => {
  switch (topic) {
    case 'fleet':
      if (fleet.follow(payload as VersionedPush) === 'applied' && fleet.value) actions.fleetReceived(fleet.value);
      break;
    case 'alarms':
      if (alarms.follow(payload as VersionedPush) === 'applied' && alarms.value) actions.alarmsReceived(alarms.value);
      break;
    case 'location': {
      // The versioned patches of the locations' details, applied by the store as the bridge does.
      const push = payload as LocationsPush;
      actions.locationsPushed(push);
      const now = Date.now();
      for (const member of push.locations) {
        const detail = store.getState().details.get(member.id);
        if (detail) applied(detail as LocationDetail, now);
      }
      break;
    }
    case 'stats': {
      const { t0, t1 } = payload as { t0: number; t1: number };
      const inWindow = samples.filter(([sentAt]) => sentAt >= t0 && sentAt < t1).map(([, ms]) => ms);
      process.send?.({ events: inWindow.length, p50Ms: percentile(inWindow, 50), p99Ms: percentile(inWindow, 99) });
      break;
    }
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
