/** The pool of backup workers (agent/engine/worker-pool.ts), with real worker threads. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { acquireWorker, closeIdleWorkers, releaseWorker } from '../../agent/engine/worker-pool.js';

afterEach(async () => {
  await closeIdleWorkers();
});

describe('backup worker pool', () => {
  it('hands a released worker out again instead of starting one', async () => {
    const first = await acquireWorker('index-worker');
    releaseWorker('index-worker', first);
    const again = await acquireWorker('index-worker');
    expect(again).toBe(first);
    expect(again.threadId).toBe(first.threadId);
    const other = await acquireWorker('index-worker');
    expect(other).not.toBe(first); // the pool was empty: a new one
    releaseWorker('index-worker', again);
    releaseWorker('index-worker', other);
  });

  it('keeps at most two idle workers per kind, and never one that died while idle', async () => {
    const workers = await Promise.all([acquireWorker('index-worker'), acquireWorker('index-worker'), acquireWorker('index-worker')]);
    const exits = workers.map((worker) => new Promise<void>((resolve) => worker.once('exit', () => resolve())));
    for (const worker of workers) releaseWorker('index-worker', worker);
    await exits[2]; // the third is terminated at once
    await workers[1]?.terminate(); // dies while idle
    await exits[1];
    const next = await acquireWorker('index-worker');
    expect(next).toBe(workers[0]);
    const fresh = await acquireWorker('index-worker');
    expect(workers).not.toContain(fresh);
    releaseWorker('index-worker', next);
    releaseWorker('index-worker', fresh);
  });

  it('keeps the first idle worker of a kind until close, and a second one for a minute', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const [kept, extra] = await Promise.all([acquireWorker('index-worker'), acquireWorker('index-worker')]);
      if (!kept || !extra) throw new Error('two workers expected');
      const extraExited = new Promise<void>((resolve) => extra.once('exit', () => resolve()));
      let keptExited = false;
      kept.once('exit', () => (keptExited = true));
      releaseWorker('index-worker', kept);
      releaseWorker('index-worker', extra);
      vi.advanceTimersByTime(24 * 60 * 60 * 1000); // a day later
      await extraExited;
      expect(keptExited).toBe(false);
      expect(await acquireWorker('index-worker')).toBe(kept);
      releaseWorker('index-worker', kept);
    } finally {
      vi.useRealTimers();
    }
  });

  it('terminates the idle workers on close', async () => {
    const worker = await acquireWorker('stream-worker');
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    releaseWorker('stream-worker', worker);
    await closeIdleWorkers();
    await expect(exited).resolves.toBeTypeOf('number');
    const next = await acquireWorker('stream-worker');
    expect(next).not.toBe(worker);
    await next.terminate();
  });
});
