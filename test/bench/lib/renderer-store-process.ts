/**
 * The renderer side of the fan-in benchmark: the real zustand store (renderer/src/store) fed with
 * the console core's pushes over Node IPC; latency is booked (lib/latency-book.ts) right after the
 * store applied a location push.
 */
import { createStore } from '../../../renderer/src/store/store.js';
import type { LocationDetail, LocationsPush } from '../../../shared/console-api.js';
import type { AlarmsView } from '../../../shared/alarms.js';
import type { FleetView } from '../../../shared/fleet.js';
import type { FleetSummary } from '../../../shared/fleet-summary.js';
import type { ChangesView } from '../../../shared/provisioning.js';
import { TopicFollower, type VersionedPush } from '../../../shared/topic-patch.js';
import { LatencyBook } from './latency-book.js';
import { profileIfAsked } from './measure.js';

profileIfAsked('renderer-store');

const store = createStore();
const actions = store.getState();
const fleet = new TopicFollower<FleetView>();
const alarms = new TopicFollower<AlarmsView>();
const summary = new TopicFollower<FleetSummary>();
const changes = new TopicFollower<ChangesView>();
const book = new LatencyBook(1000 / Number(process.env.FLOE_BENCH_RATE ?? 10));

process.on('message', ({ topic, payload }: { topic: string; payload: never }) => {
  switch (topic) {
    case 'fleet':
      if (fleet.follow(payload as VersionedPush) === 'applied' && fleet.value) actions.fleetReceived(fleet.value);
      break;
    case 'alarms':
      if (alarms.follow(payload as VersionedPush) === 'applied' && alarms.value) actions.alarmsReceived(alarms.value);
      break;
    case 'summary':
      if (summary.follow(payload as VersionedPush) === 'applied' && summary.value) actions.summaryReceived(summary.value);
      break;
    case 'changes':
      if (changes.follow(payload as VersionedPush) === 'applied' && changes.value) actions.changesReceived(changes.value);
      break;
    case 'location': {
      // The versioned patches of the locations' details, applied by the store as the bridge does.
      const push = payload as LocationsPush;
      actions.locationsPushed(push);
      const now = Date.now();
      for (const member of push.locations) {
        const detail = store.getState().details.get(member.id);
        if (detail) book.applied(detail as LocationDetail, now);
      }
      break;
    }
    case 'stats': {
      const { t0, t1 } = payload as { t0: number; t1: number };
      process.send?.(book.figures(t0, t1));
      break;
    }
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
