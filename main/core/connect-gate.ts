/**
 * Paces the console's connection attempts to its agents: at most `perTurn` new ones started per
 * turn of the event loop (and, if set, at most `maxInFlight` handshakes at once). Without it, a
 * console that starts with 1000 locations, or sees 1000 agents come back at once, starts 1000 TLS +
 * socket.io handshakes in one callback: the event loop stalled for over a second in the reconnect
 * storm (docs/benchmarks.md). No in-flight limit by default: when the agents' side is slow, a limit
 * only adds their latency to every later handshake (a limit of 128 tripled the time until a
 * restarted fleet of 1000 was Online). Attempts wait in FIFO order.
 */
import type { Disposable } from './disposable.js';

export interface ConnectGateOptions {
  /** Handshakes under way at once (default: no limit). */
  readonly maxInFlight?: number;
  /** Attempts started per turn of the event loop (default 32). */
  readonly perTurn?: number;
}

/** A place in the gate: `release` when the handshake ended (either way); it also withdraws a waiting one. */
export interface GateTicket {
  release(): void;
}

export class ConnectGate implements Disposable {
  private readonly maxInFlight: number;
  private readonly perTurn: number;
  private readonly waiting = new Set<{ readonly start: () => void }>();
  private inFlight = 0;
  private turn: ReturnType<typeof setImmediate> | undefined;

  constructor(options: ConnectGateOptions = {}) {
    this.maxInFlight = Math.max(1, options.maxInFlight ?? Number.POSITIVE_INFINITY);
    this.perTurn = Math.max(1, options.perTurn ?? 32);
  }

  /** Handshakes under way now, and attempts waiting for a place. */
  get load(): { readonly inFlight: number; readonly waiting: number } {
    return { inFlight: this.inFlight, waiting: this.waiting.size };
  }

  /** Queues an attempt: `start` runs in a later turn, when a place is free. */
  enter(start: () => void): GateTicket {
    let state: 'waiting' | 'running' | 'done' = 'waiting';
    const entry = {
      start: () => {
        state = 'running';
        start();
      },
    };
    this.waiting.add(entry);
    this.schedule();
    return {
      release: () => {
        if (state === 'waiting') this.waiting.delete(entry);
        if (state === 'running') this.inFlight -= 1;
        state = 'done';
        this.schedule();
      },
    };
  }

  dispose(): void {
    if (this.turn) clearImmediate(this.turn);
    this.turn = undefined;
    this.waiting.clear();
  }

  private schedule(): void {
    if (this.turn || this.waiting.size === 0 || this.inFlight >= this.maxInFlight) return;
    this.turn = setImmediate(() => {
      this.turn = undefined;
      let started = 0;
      for (const entry of this.waiting) {
        if (started >= this.perTurn || this.inFlight >= this.maxInFlight) break;
        this.waiting.delete(entry);
        this.inFlight += 1;
        started += 1;
        entry.start();
      }
      this.schedule();
    });
  }
}
