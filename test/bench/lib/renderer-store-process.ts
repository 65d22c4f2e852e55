/**
 * The renderer side of the fan-in benchmark: the real zustand store (renderer/src/store) fed with
 * the console core's pushes over Node IPC; latency is booked (lib/latency-book.ts) right after the
 * store applied a location push.
 */
import { storeActions } from '../../../renderer/src/store/store.js';
import { LatencyBook } from './latency-book.js';
import { profileIfAsked } from './measure.js';

profileIfAsked('renderer-store');

const actions = storeActions();
const book = new LatencyBook(1000 / Number(process.env.FLOE_BENCH_RATE ?? 10));

process.on('message', ({ topic, payload }: { topic: string; payload: never }) => {
  switch (topic) {
    case 'fleet':
      actions.fleetReceived(payload);
      break;
    case 'alarms':
      actions.alarmsReceived(payload);
      break;
    case 'location':
      actions.locationDetailReceived(payload);
      book.applied(payload, Date.now());
      break;
    case 'stats': {
      const { t0, t1 } = payload as { t0: number; t1: number };
      process.send?.(book.figures(t0, t1));
      break;
    }
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
