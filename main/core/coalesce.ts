/**
 * Coalesces a stream of values: the first goes out at once, later ones at most once per interval,
 * always the newest. Pushes to the renderer go through this (about 10 per second per topic).
 */
import type { Disposable } from './disposable.js';
import type { TurnQueue } from './turn-queue.js';

export interface Coalescer<T> extends Disposable {
  push(value: T): void;
}

/**
 * With `turns`, an emit that falls due is queued there instead of running at once (and a push
 * while it waits joins it), so emits of several coalescers take turns of the event loop.
 */
export function coalesce<T>(intervalMs: number, emit: (value: T) => void, turns?: TurnQueue): Coalescer<T> {
  let lastEmit = Number.NEGATIVE_INFINITY;
  let pending: { value: T } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let queued = false;
  let disposed = false;
  const emitPending = (): void => {
    queued = false;
    if (!pending || disposed) return;
    const { value } = pending;
    pending = undefined;
    lastEmit = Date.now();
    emit(value);
  };
  const flush = (): void => {
    timer = undefined;
    if (!turns) {
      emitPending();
      return;
    }
    queued = true;
    turns.run(emitPending);
  };
  return {
    push(value) {
      pending = { value };
      if (timer || queued) return;
      const wait = lastEmit + intervalMs - Date.now();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    },
    dispose() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      pending = undefined;
      disposed = true;
    },
  };
}
