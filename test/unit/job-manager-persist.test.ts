/**
 * Jobs and a busy catalog: a state change the catalog refuses (SQLITE_BUSY) is recorded again a
 * second later, a newer state supersedes an older retry, and progress between state changes is
 * pushed without writing to the catalog.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { openCatalog } from '../../agent/catalog/database.js';
import { silentLogger } from '../../agent/log.js';
import { EngineStore } from '../../agent/engine/engine-store.js';
import { JobManager, type RunningJob } from '../../agent/engine/job-manager.js';
import type { AgentContext } from '../../agent/server/context.js';
import { tempDir } from '../helpers/agents.js';

afterEach(() => {
  vi.useRealTimers();
});

function setup() {
  const db = openCatalog(join(tempDir('jobs-persist'), 'catalog.db'));
  const store = new EngineStore(db);
  const published: string[] = [];
  const ctx = { db, logger: silentLogger(), clock: () => new Date(), publisher: { publish: (delta: { change: { job: { state: string } } }) => published.push(delta.change.job.state) } } as unknown as AgentContext;
  let busy = 0;
  const writes: string[] = [];
  const putJob = store.putJob.bind(store);
  store.putJob = (job) => {
    if (busy > 0) {
      busy -= 1;
      throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    }
    writes.push(job.state);
    putJob(job);
  };
  const jobs = new JobManager(ctx, store, () => '2026-11-29');
  return { db, store, jobs, published, writes, makeBusy: (times: number) => (busy = times) };
}

describe('job records and a busy catalog', () => {
  it('records a refused state change a second later, and the newest state wins', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    const { store, jobs, writes, makeBusy } = setup();
    let running!: RunningJob;
    let finish!: () => void;
    const job = jobs.start('backup', { task: 't', type: 'full' }, async (job) => {
      running = job;
      await new Promise<void>((resolve) => (finish = resolve));
      job.update({ state: 'successful' });
    });
    await vi.waitFor(() => expect(running).toBeDefined());
    makeBusy(1);
    running.update({ state: 'running' });
    expect(store.job(job.id)?.state).toBe('queued');
    await vi.advanceTimersByTimeAsync(1000);
    expect(store.job(job.id)?.state).toBe('running');

    makeBusy(1);
    running.update({ state: 'waiting-media' });
    running.update({ state: 'running' }); // newer, recorded at once: the retry of waiting-media is dropped
    await vi.advanceTimersByTimeAsync(1000);
    expect(store.job(job.id)?.state).toBe('running');
    finish();
    await vi.waitFor(() => expect(store.job(job.id)?.state).toBe('successful'));
    expect(writes.filter((state) => state === 'waiting-media')).toEqual([]);
  });

  it('pushes progress without writing it to the catalog', async () => {
    const { store, jobs, published, writes } = setup();
    let running!: RunningJob;
    let finish!: () => void;
    const job = jobs.start('backup', { task: 't', type: 'full' }, async (job) => {
      running = job;
      job.update({ state: 'running' });
      await new Promise<void>((resolve) => (finish = resolve));
      job.update({ state: 'successful' });
    });
    await vi.waitFor(() => expect(running).toBeDefined());
    const before = writes.length;
    running.update({ files: 10, bytes: 1000 });
    expect(writes.length).toBe(before);
    expect(published.length).toBeGreaterThan(0);
    expect(store.job(job.id)?.files).toBe(0);
    finish();
    await vi.waitFor(() => expect(store.job(job.id)?.state).toBe('successful'));
    expect(store.job(job.id)?.files).toBe(10);
  });
});
