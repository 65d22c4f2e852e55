/** Lossless sync: links dropped at random points, retried commands, oversize commands. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsoleCore, type ConsoleCore } from '../../main/core/console-core.js';
import type { LocationDetail } from '../../shared/console-api.js';
import type { Snapshot } from '../../shared/protocol/catalog.js';
import type { Job } from '../../shared/engine.js';
import { initAgent, startInProcess, tempDir, waitFor } from '../helpers/agents.js';
import { call, connectAdmin, prepareLibrary, type Raw } from '../helpers/engine.js';
import { startCutProxy } from '../helpers/cut-proxy.js';
import { followLocations, followTopic } from '../helpers/topic-replica.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fixture() {
  const init = await initAgent('hq-berlin');
  const agent = await startInProcess(init);
  const admin = await connectAdmin(init, agent.port);
  const proxy = await startCutProxy(agent.port);
  const console = createConsoleCore({ configDir: tempDir('console'), backoff: { minMs: 20, maxMs: 100, jitter: 0.5 }, pushIntervalMs: 10 });
  // What a renderer holds: the versioned patches of every topic, followed from before the location exists.
  const pushed = { details: followLocations(console.service), summary: followTopic(console.service, 'summary'), fleet: followTopic(console.service, 'fleet') };
  cleanups.push(async () => {
    pushed.details.stop();
    pushed.summary.stop();
    pushed.fleet.stop();
    console.dispose();
    admin.close();
    await proxy.close();
    await agent.close();
  });
  const view = await console.service.addLocation({ name: 'hq-berlin', host: '127.0.0.1', port: proxy.port, token: init.token, fingerprint: init.fingerprint });
  await waitFor('online', () => console.fleet.location(view.id)?.status === 'online');
  return { init, agent, admin, proxy, console, pushed, id: view.id };
}

async function converged(console: ConsoleCore, id: string, admin: Raw): Promise<{ detail: LocationDetail; truth: Snapshot }> {
  const truth = await call<Snapshot>(admin, 'snapshot:request', {});
  await waitFor('online', () => console.fleet.location(id)?.status === 'online', 15_000);
  let detail = await console.service.getLocationDetail({ id });
  for (let i = 0; i < 200 && detail.seq !== truth.seq; i += 1) {
    await new Promise((r) => setTimeout(r, 25));
    detail = await console.service.getLocationDetail({ id });
  }
  return { detail, truth };
}

describe('lossless sync between console and agent', () => {
  it('ends equal to the agent after the link drops at random points while the state changes', async () => {
    const { admin, proxy, console, pushed, id } = await fixture();
    await prepareLibrary(admin, { labelled: 0, slots: 12 });
    const source = join(tempDir('sync'), 'source');
    mkdirSync(source);
    writeFileSync(join(source, 'a.txt'), 'a\n');
    await call(admin, 'task:add', { name: 'docs', sources: [source], pool: 'DAILY', hooks: false });
    const iterations = Number(process.env.FLOE_FAULT_ITERATIONS ?? 12);
    let cuts = 0;
    for (let i = 0; i < iterations; i += 1) {
      // The workload only makes changes happen; a refusal (a cartridge busy in a drive) is fine.
      const changes = [
        call(admin, 'media:label', { loader: 'lib1', slot: (i % 12) + 1, pool: 'DAILY', force: true }).catch(() => undefined),
        call(admin, 'loader:inventory', { name: 'lib1', refresh: true }),
        call(admin, 'backup:start', { task: 'docs' }).catch(() => undefined),
      ];
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 30)));
      cuts += proxy.cut();
      await Promise.all(changes);
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 50)));
    }
    expect(cuts).toBeGreaterThan(0);
    await expect.poll(async () => (await call<Job[]>(admin, 'job:list', {})).every((job) => ['successful', 'warning', 'error', 'cancelled'].includes(job.state)), { timeout: 30_000 }).toBe(true);
    const { detail, truth } = await converged(console, id, admin);
    expect(detail.seq).toBe(truth.seq);
    expect(detail.devices).toEqual(truth.devices);
    expect(detail.jobs).toEqual(truth.jobs);
    expect(detail.license).toEqual(truth.license);
    expect(detail.schedules).toEqual(truth.schedules);
    // The pushes alone rebuild the same state: the detail, the fleet view and the fleet summary.
    await expect.poll(() => pushed.details.details.get(id)?.seq).toBe(truth.seq);
    const rebuilt = pushed.details.details.get(id);
    expect(rebuilt?.devices).toEqual(truth.devices);
    expect(rebuilt?.jobs).toEqual(truth.jobs);
    expect(rebuilt?.license).toEqual(truth.license);
    expect(rebuilt?.schedules).toEqual(truth.schedules);
    await expect.poll(async () => JSON.stringify(pushed.summary.value()) === JSON.stringify(await console.service.getFleetSummary({}))).toBe(true);
    expect(pushed.summary.value()?.totals).toMatchObject({ locations: 1, drives: 2 });
    await expect.poll(async () => JSON.stringify(pushed.fleet.value()) === JSON.stringify(await console.service.getFleet({}))).toBe(true);
  });

  it('replays the missed deltas after a drop instead of sending a fresh snapshot', async () => {
    const { admin, proxy, console, id } = await fixture();
    await prepareLibrary(admin, { labelled: 0 });
    const before = await console.service.getLocationDetail({ id });
    proxy.cut();
    await call(admin, 'pool:add', { name: 'WEEKLY' });
    const { detail, truth } = await converged(console, id, admin);
    expect(detail.devices?.pools.map((p) => p.name)).toEqual(['DAILY', 'WEEKLY']);
    expect(detail.seq).toBe(truth.seq);
    expect(before.seq).toBeLessThan(truth.seq);
  });

  it('a command whose answer is lost to a dropped link is retried and runs once', async () => {
    const { admin, proxy, console, id } = await fixture();
    await prepareLibrary(admin, { labelled: 0 });
    const pending = console.service.poolAdd({ id, args: { name: 'WEEKLY' } });
    setTimeout(() => proxy.cut(), 0);
    expect(await pending).toMatchObject({ name: 'WEEKLY' });
    expect((await call<Array<{ name: string }>>(admin, 'pool:list', {})).map((p) => p.name)).toEqual(['DAILY', 'WEEKLY']);
  });

  it('the agent answers a repeated request id with the first answer, without running it again', async () => {
    const { admin } = await fixture();
    await prepareLibrary(admin, { labelled: 0 });
    const first = await admin.emitWithAck('pool:add', { name: 'MONTHLY', requestId: 'r-1' });
    const again = await admin.emitWithAck('pool:add', { name: 'MONTHLY', requestId: 'r-1' });
    expect(first).toMatchObject({ ok: true, data: { name: 'MONTHLY' } });
    expect(again).toEqual(first);
    const fresh = await admin.emitWithAck('pool:add', { name: 'MONTHLY', requestId: 'r-2' });
    expect(fresh).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await admin.emitWithAck('pool:add', { name: 'X', requestId: 42 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('refuses a 2 MiB command at the sender, and the link stays up', async () => {
    const { console, id } = await fixture();
    const huge = 'x'.repeat(2 * 1024 * 1024);
    await expect(console.service.licenseInstall({ id, args: { text: huge } })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/do not fit in one message/) });
    expect(console.fleet.location(id)?.status).toBe('online');
    await expect(console.service.loaderInventory({ id, args: { name: 'nope' } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
