/**
 * Idle backup workers kept for the next backup (data path "floe": stream and index workers). A
 * worker thread costs 50–150 ms to start (an isolate, Node's bootstrap, our modules) and starts
 * with cold compiled code; against a backup of 20k small files taking well under a second, that
 * matters. A worker that ended its job cleanly comes back here (at most MAX_IDLE per kind, never
 * keeping the process alive); one that failed, was cancelled or is unsure is terminated instead.
 * The first idle worker of a kind stays until the agent stops, so that the next night's first
 * backup finds its code compiled (about 25 MB of memory per worker, figures in
 * docs/benchmarks.md); a second one goes after IDLE_MS. The agent fills it with a warmed-up
 * "floe" pair soon after it starts (warm-up.ts). Jobs reach a pooled worker as a `job` message
 * (archive-protocol.ts).
 */
import type { Worker } from 'node:worker_threads';
import { startEngineWorker, type EngineWorker } from './worker-start.js';

const MAX_IDLE = 2;
const IDLE_MS = 60_000;

interface Idle {
  readonly worker: Worker;
  /** When it goes; null for the one kept until the agent stops. */
  readonly timer: NodeJS.Timeout | null;
  readonly onExit: () => void;
}

const idle = new Map<EngineWorker, Idle[]>();

/** An idle worker of this kind, or a new one (started without workerData: it waits for `job` messages). */
export async function acquireWorker(name: EngineWorker): Promise<Worker> {
  const entry = idle.get(name)?.pop();
  if (!entry) return startEngineWorker(name, null);
  if (entry.timer) clearTimeout(entry.timer);
  entry.worker.off('exit', entry.onExit);
  entry.worker.ref();
  return entry.worker;
}

/** Takes back a worker whose job ended cleanly (the caller has removed its own listeners). */
export function releaseWorker(name: EngineWorker, worker: Worker): void {
  const list = idle.get(name) ?? [];
  if (list.length >= MAX_IDLE) {
    void worker.terminate();
    return;
  }
  const remove = (): void => {
    const at = list.indexOf(entry);
    if (at >= 0) list.splice(at, 1);
  };
  // The only idle one of its kind is kept; another goes after IDLE_MS.
  const timer =
    list.length === 0
      ? null
      : setTimeout(() => {
          remove();
          void worker.terminate();
        }, IDLE_MS);
  timer?.unref();
  const entry: Idle = { worker, timer, onExit: remove };
  worker.once('exit', remove); // died while idle: not handed out again
  worker.unref();
  list.push(entry);
  idle.set(name, list);
}

/** How many workers of this kind are idle. */
export function idleWorkers(name: EngineWorker): number {
  return idle.get(name)?.length ?? 0;
}

/** Terminates every idle worker (the agent's shutdown). */
export async function closeIdleWorkers(): Promise<void> {
  const all = [...idle.values()].flatMap((list) => list.splice(0));
  for (const entry of all) if (entry.timer) clearTimeout(entry.timer);
  await Promise.all(all.map((entry) => entry.worker.terminate()));
}
