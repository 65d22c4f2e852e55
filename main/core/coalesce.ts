/**
 * Coalesces a stream of values: the first goes out at once, later ones at most once per interval,
 * always the newest. Pushes to the renderer go through this (about 10 per second per topic).
 */
import type { Disposable } from './disposable.js';

export interface Coalescer<T> extends Disposable {
  push(value: T): void;
}

export function coalesce<T>(intervalMs: number, emit: (value: T) => void): Coalescer<T> {
  let lastEmit = Number.NEGATIVE_INFINITY;
  let pending: { value: T } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): void => {
    timer = undefined;
    if (!pending) return;
    const { value } = pending;
    pending = undefined;
    lastEmit = Date.now();
    emit(value);
  };
  return {
    push(value) {
      pending = { value };
      if (timer) return;
      const wait = lastEmit + intervalMs - Date.now();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    },
    dispose() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      pending = undefined;
    },
  };
}
