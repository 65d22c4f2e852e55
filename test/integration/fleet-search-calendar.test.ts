/**
 * Fleet-wide search and the fleet calendar against two real agents: a task and a saveset found on
 * the second location, media labels from the replicas, an offline location named as incomplete
 * (its last known runs still shown), and an agent that does not answer in time cut off by the deadline.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsoleCore } from '../../main/core/console-core.js';
import { fanOut } from '../../main/core/fan-out.js';
import { dispatchCall } from '../../main/core/dispatch.js';
import { initAgent, startInProcess, tempDir, waitFor } from '../helpers/agents.js';
import { call, connectAdmin, prepareLibrary, runJob } from '../helpers/engine.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function agentWithTask(name: string, task: string) {
  const init = await initAgent(name);
  const agent = await startInProcess(init);
  const admin = await connectAdmin(init, agent.port);
  await prepareLibrary(admin);
  const source = join(tempDir('search'), 'source');
  mkdirSync(source);
  writeFileSync(join(source, 'a.txt'), 'fleet search\n');
  await call(admin, 'task:add', { name: task, sources: [source], pool: 'DAILY', hooks: false });
  const job = await runJob(admin, 'backup:start', { task, type: 'full' });
  expect(job.state).toBe('successful');
  await call(admin, 'schedule:add', { name: `nightly-${task}`, cron: '0 22 * * *', tasks: [task], type: 'incr', timezone: 'UTC' });
  return { init, agent, admin, job };
}

describe('fleet search and fleet calendar', () => {
  it('finds locations, tasks, media and savesets across the fleet; names what it could not ask', async () => {
    const berlin = await agentWithTask('hq-berlin', 'home');
    const lyon = await agentWithTask('branch-lyon', 'mail-archive');
    const console = createConsoleCore({ configDir: tempDir('console'), backoff: { minMs: 50, maxMs: 200, jitter: 0.5 }, pushIntervalMs: 10, searchTimeoutMs: 3000 });
    cleanups.push(async () => {
      console.dispose();
      for (const site of [berlin, lyon]) {
        site.admin.close();
        await site.agent.close();
      }
    });
    const ids: string[] = [];
    for (const site of [berlin, lyon]) {
      const view = await console.service.addLocation({ name: site.init.name, host: '127.0.0.1', port: site.agent.port, token: site.init.token, fingerprint: site.init.fingerprint });
      ids.push(view.id);
    }
    const [berlinId, lyonId] = ids as [string, string];
    await waitFor('both online with state', () => ids.every((id) => console.fleet.location(id)?.status === 'online'));
    await expect.poll(async () => (await console.service.getLocationDetail({ id: lyonId })).devices?.media.length).toBe(2);

    // A task on the second location, with its pool and sources from the agent.
    const mail = await console.service.search({ query: 'mail' });
    expect(mail.incomplete).toEqual([]);
    expect(mail.groups.task.hits).toEqual([expect.objectContaining({ kind: 'task', locationId: lyonId, location: 'branch-lyon', task: 'mail-archive', pool: 'DAILY' })]);
    expect(mail.groups.saveset.hits).toEqual([expect.objectContaining({ kind: 'saveset', locationId: lyonId, task: 'mail-archive', type: 'full', id: lyon.job.saveset })]);
    expect(mail.groups.location.total).toBe(0);

    // A saveset by its id; media labels from both replicas; locations by name, best match first.
    const byId = await console.service.search({ query: lyon.job.saveset ?? 'x' });
    expect(byId.groups.saveset.hits.map((hit) => hit.locationId)).toEqual([lyonId]);
    const daily = await console.service.search({ query: 'daily0000', limit: 3 });
    expect(daily.groups.media.total).toBe(4);
    expect(daily.groups.media.hits).toHaveLength(3);
    expect(new Set(daily.groups.media.hits.map((hit) => hit.kind === 'media' && hit.label))).toEqual(new Set(['DAILY00001', 'DAILY00002']));
    const lyonHits = await console.service.search({ query: 'lyon' });
    expect(lyonHits.groups.location.hits).toEqual([expect.objectContaining({ kind: 'location', locationId: lyonId, status: 'online' })]);

    // The fleet calendar: one row per location from the agents, past and planned runs.
    const from = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const to = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const sheet = await console.service.getFleetCalendar({ from, to });
    expect(sheet.locations.map((row) => [row.name, row.source, row.reason])).toEqual([
      ['branch-lyon', 'agent', null],
      ['hq-berlin', 'agent', null],
    ]);
    for (const row of sheet.locations) {
      expect(row.runs.some((run) => run.kind === 'past' && run.status === 'successful')).toBe(true);
      expect(row.runs.some((run) => run.kind === 'planned' && run.schedule?.startsWith('nightly-'))).toBe(true);
    }

    // Bad input is refused at the boundary with a code and no state change.
    expect(await dispatchCall(console.service, 'search', { query: '   ' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await dispatchCall(console.service, 'getFleetCalendar', { from: to, to: from })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await dispatchCall(console.service, 'getFleetCalendar', { from, to: new Date(Date.now() + 90 * 86_400_000).toISOString() })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('62 days') } });

    // Berlin goes offline: named as incomplete; its task names and media still found from the replica; its last runs still on the calendar.
    berlin.admin.close();
    await berlin.agent.close();
    await waitFor('berlin offline', () => console.fleet.location(berlinId)?.status === 'offline', 15_000);
    const home = await console.service.search({ query: 'home' });
    expect(home.incomplete).toEqual([expect.objectContaining({ locationId: berlinId, reason: expect.stringContaining('Offline') })]);
    expect(home.groups.task.hits).toEqual([expect.objectContaining({ locationId: berlinId, task: 'home', pool: null, sources: null })]);
    expect(home.groups.saveset.total).toBe(0);
    const offlineSheet = await console.service.getFleetCalendar({ from, to });
    const berlinRow = offlineSheet.locations.find((row) => row.id === berlinId);
    expect(berlinRow).toMatchObject({ source: 'replica', status: 'offline', reason: expect.stringContaining('Offline') });
    expect(berlinRow?.runs.map((run) => [run.jobId, run.status])).toEqual([[berlin.job.id, 'successful']]);
    expect(offlineSheet.locations.find((row) => row.id === lyonId)?.source).toBe('agent');
  });

  it('a fan-out ends at its deadline and reports the items that did not answer', async () => {
    const started = Date.now();
    const outcomes = await fanOut(
      [10, 5000, 20, -1],
      (ms) => (ms < 0 ? Promise.reject(new Error('refused')) : new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms))),
      { deadlineMs: 300, concurrency: 2 },
    );
    expect(Date.now() - started).toBeLessThan(1500);
    expect(outcomes).toEqual([{ ok: true, value: 10 }, { ok: false, reason: 'no answer within 0.3 s' }, { ok: true, value: 20 }, { ok: false, reason: 'refused' }]);
  });
});
