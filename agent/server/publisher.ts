/**
 * Numbers every change (`seq`) and sends it to all connected consoles as a `delta`. Keeps the last
 * deltas in a bounded journal so a reconnecting console can be sent the gap instead of a snapshot.
 */
import { randomUUID } from 'node:crypto';
import type { Change, Delta } from '../../shared/protocol/catalog.js';

export const JOURNAL_SIZE = 1000;

export class Publisher {
  private seq = 0;
  /** This run of the agent; `seq` counts within it. */
  readonly epoch = randomUUID();
  private readonly journal: Delta[] = [];
  private readonly sinks = new Set<(delta: Delta) => void>();
  private readonly queue: Delta[] = [];
  private delivering = false;

  constructor(private readonly clock: () => Date) {}

  get currentSeq(): number {
    return this.seq;
  }

  publish(change: Change): Delta {
    this.seq += 1;
    const delta: Delta = { seq: this.seq, at: this.clock().toISOString(), change };
    this.journal.push(delta);
    if (this.journal.length > JOURNAL_SIZE) this.journal.shift();
    // A sink may publish in turn (the license follows the devices): deliver strictly in seq order.
    this.queue.push(delta);
    if (!this.delivering) {
      this.delivering = true;
      try {
        for (let next = this.queue.shift(); next; next = this.queue.shift()) for (const sink of this.sinks) sink(next);
      } finally {
        this.delivering = false;
      }
    }
    return delta;
  }

  /** The deltas after `seq`, or null when the journal no longer reaches back that far. */
  since(seq: number): Delta[] | null {
    if (seq > this.seq) return null;
    if (seq === this.seq) return [];
    const first = this.journal[0];
    if (!first || first.seq > seq + 1) return null;
    return this.journal.filter((delta) => delta.seq > seq);
  }

  subscribe(sink: (delta: Delta) => void): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }
}
