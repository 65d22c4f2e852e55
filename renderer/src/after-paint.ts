/**
 * Work that must not delay the console's first render: it runs once the browser has painted the
 * frame before it and is idle (requestIdleCallback, at most IDLE_TIMEOUT_MS later). Where there is
 * no requestIdleCallback (jsdom in tests) it runs in the next task.
 */
import { useEffect, useState } from 'react';

/** Runs at the latest this long after being asked, idle or not (a busy fleet never waits longer). */
const IDLE_TIMEOUT_MS = 500;
/** A hidden page draws no frames: without one this long after being asked, it goes on without it. */
const FRAME_TIMEOUT_MS = 1000;

/** Runs `work` after the next paint, when the page is idle. Returns a cancel function. */
export function afterPaint(work: () => void): () => void {
  let cancelled = false;
  let waitingForIdle = false;
  let idle: number | undefined;
  const timers: Array<ReturnType<typeof setTimeout>> = [];
  const run = (): void => {
    if (!cancelled) work();
  };
  const whenIdle = (): void => {
    if (cancelled || waitingForIdle) return;
    waitingForIdle = true;
    if (typeof requestIdleCallback === 'function') idle = requestIdleCallback(run, { timeout: IDLE_TIMEOUT_MS });
    else timers.push(setTimeout(run, 0));
  };
  if (typeof requestAnimationFrame === 'function' && typeof requestIdleCallback === 'function') {
    // A frame callback runs before the paint; the task it queues runs after it.
    requestAnimationFrame(() => timers.push(setTimeout(whenIdle, 0)));
    timers.push(setTimeout(whenIdle, FRAME_TIMEOUT_MS));
  } else whenIdle();
  return () => {
    cancelled = true;
    if (idle !== undefined) cancelIdleCallback(idle);
    for (const timer of timers) clearTimeout(timer);
  };
}

/** False until the component's first render has been painted and the page is idle. */
export function useAfterPaint(): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => afterPaint(() => setReady(true)), []);
  return ready;
}
