/**
 * Runs queued jobs one per turn of the event loop, in the order queued; a job queued again while it
 * waits runs once. The console's topic pushes go through one queue, so the pushes that fall due
 * together (a location push of the whole fleet, the fleet, the summary, the alarms) no longer run
 * back to back in one timers phase: socket reads and renderer calls get a turn between them (in
 * the reconnect storm one phase of all four held the loop for tens of ms, docs/benchmarks.md).
 */
import type { Disposable } from './disposable.js';

export class TurnQueue implements Disposable {
  private readonly queued = new Set<() => void>();
  private turn: ReturnType<typeof setImmediate> | undefined;

  /** Runs `job` in a later callback: the first queued in this turn's check phase, each further one a turn later. */
  run(job: () => void): void {
    this.queued.add(job);
    this.schedule();
  }

  dispose(): void {
    if (this.turn) clearImmediate(this.turn);
    this.turn = undefined;
    this.queued.clear();
  }

  private schedule(): void {
    if (this.turn || this.queued.size === 0) return;
    // An immediate queued from an immediate runs in the next turn, after that turn's I/O.
    this.turn = setImmediate(() => {
      this.turn = undefined;
      const job = this.queued.values().next().value as () => void;
      this.queued.delete(job);
      try {
        job();
      } finally {
        this.schedule();
      }
    });
  }
}
