/**
 * Runs queued jobs one per turn of the event loop, in the order queued; a job queued again while it
 * waits runs once. The console's topic pushes go through one queue, so the pushes that fall due
 * together (a location push of the whole fleet, the fleet, the summary, the alarms) no longer run
 * back to back in one timers phase: socket reads and renderer calls get a turn between them (in
 * the reconnect storm one phase of all four held the loop for tens of ms, docs/benchmarks.md).
 *
 * Work that feeds the pushes may hold the queue (`hold`): the link thread's reports are handed over
 * a few milliseconds per turn, and a push that fell due after the first of them would carry a
 * slice of the batch and leave the rest for the next interval. Jobs wait while held, but never more
 * than `maxHoldMs` after the first of them waited.
 */
import type { Disposable } from './disposable.js';

/** How long queued jobs wait at most for holds to end. */
const MAX_HOLD_MS = 50;

export class TurnQueue implements Disposable {
  private readonly queued = new Set<() => void>();
  private turn: ReturnType<typeof setImmediate> | undefined;
  private holds = 0;
  /** When queued jobs began to wait for the holds (performance.now()); undefined while none waits. */
  private heldSince: number | undefined;
  private holdTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly maxHoldMs = MAX_HOLD_MS) {}

  /** Runs `job` in a later callback: the first queued in this turn's check phase, each further one a turn later. */
  run(job: () => void): void {
    this.queued.add(job);
    this.schedule();
  }

  /** Queued jobs wait until every hold is released (or for maxHoldMs); the returned function releases this one, once. */
  hold(): () => void {
    this.holds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds -= 1;
      if (this.holds === 0) this.schedule();
    };
  }

  dispose(): void {
    if (this.turn) clearImmediate(this.turn);
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.turn = undefined;
    this.holdTimer = undefined;
    this.queued.clear();
  }

  private schedule(): void {
    if (this.turn) return;
    if (this.queued.size === 0) {
      this.heldSince = undefined;
      return;
    }
    if (this.holds > 0 && this.waitForHolds()) return;
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
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

  /** True while the jobs may still wait for the holds; a timer then ends the wait at maxHoldMs. */
  private waitForHolds(): boolean {
    const now = performance.now();
    this.heldSince ??= now;
    const left = this.heldSince + this.maxHoldMs - now;
    if (left <= 0) return false;
    this.holdTimer ??= setTimeout(() => {
      this.holdTimer = undefined;
      this.schedule();
    }, left);
    return true;
  }
}
