/**
 * Every action of issue #6 through the ConsoleApi against a real agent on loopback: it works with an
 * admin token, a monitor token gets FORBIDDEN from the console (nothing is sent), the agent's own
 * refusals come back with their code and message, and an offline location answers UNREACHABLE.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsoleCore, type ConsoleCore } from '../../main/core/console-core.js';
import { dispatchCall } from '../../main/core/dispatch.js';
import { TokenStore } from '../../agent/tokens.js';
import { dataDirPaths } from '../../agent/data-dir.js';
import type { ConsoleCallName } from '../../shared/console-api.js';
import type { Job, Saveset } from '../../shared/engine.js';
import type { FleetCalendar } from '../../shared/fleet-calendar.js';
import { initAgent, startInProcess, tempDir, waitFor } from '../helpers/agents.js';
import { call, connectAdmin, prepareLibrary, runJob } from '../helpers/engine.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const FAST = { minMs: 50, maxMs: 200, jitter: 0.5 };

function core(): ConsoleCore {
  const created = createConsoleCore({ configDir: tempDir('console'), backoff: FAST, pushIntervalMs: 10 });
  cleanups.push(() => created.dispose());
  return created;
}

describe('console actions against a real agent', () => {
  it('each action works for an admin, is refused for a monitor, passes the agent’s refusal on, and answers UNREACHABLE offline', async () => {
    const init = await initAgent('hq-berlin');
    const monitorToken = new TokenStore(dataDirPaths(init.dataDir).tokens).create('monitor', new Date()).token;
    const agent = await startInProcess(init);
    const raw = await connectAdmin(init, agent.port);
    cleanups.push(async () => {
      raw.close();
      await agent.close();
    });
    await prepareLibrary(raw, { labelled: 2, slots: 6 });
    await call(raw, 'pool:add', { name: 'EMPTY' });
    const source = join(tempDir('actions'), 'source');
    mkdirSync(join(source, 'sub'), { recursive: true });
    for (const name of ['a.txt', 'b.txt', 'c.txt']) writeFileSync(join(source, name), `${name}\n`);
    await call(raw, 'task:add', { name: 'docs', sources: [source], pool: 'DAILY', hooks: false });
    await call(raw, 'task:add', { name: 'starved', sources: [source], pool: 'EMPTY', hooks: false });
    const first = await runJob(raw, 'backup:start', { task: 'docs', type: 'full' });
    expect(first.state).toBe('successful');

    const admin = core();
    const monitor = core();
    const { id } = await admin.service.addLocation({ name: 'hq-berlin', host: '127.0.0.1', port: agent.port, token: init.token, fingerprint: init.fingerprint });
    const watcher = await monitor.service.addLocation({ name: 'hq-berlin', host: '127.0.0.1', port: agent.port, token: monitorToken, fingerprint: init.fingerprint });
    await waitFor('both online', () => admin.fleet.location(id)?.status === 'online' && monitor.fleet.location(watcher.id)?.status === 'online');
    await expect.poll(async () => (await admin.service.getLocationDetail({ id })).jobs?.recent.some((job) => job.id === first.id)).toBe(true);
    const as = (console: ConsoleCore, location: string) => (name: ConsoleCallName, args: unknown) => dispatchCall(console.service, name, { id: location, args });
    const byAdmin = as(admin, id);
    const byMonitor = as(monitor, watcher.id);

    // Start a task now, with a type; cancel a job; rerun a job.
    const started = await byAdmin('backupStart', { task: 'docs', type: 'incr' });
    expect(started).toMatchObject({ ok: true, data: { task: 'docs', type: 'incr' } });
    expect(await byAdmin('backupStart', { task: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('nope') } });
    const starving = await byAdmin('backupStart', { task: 'starved' });
    const starvingId = (starving as { data: Job }).data.id;
    await expect.poll(async () => (await admin.service.listAlarms({})).alarms.map((alarm) => alarm.kind)).toContain('waiting-media');
    expect(await byAdmin('jobRerun', { job: starvingId })).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/still .*cancel it first/) } });
    expect(await byAdmin('jobCancel', { id: starvingId })).toMatchObject({ ok: true, data: { id: starvingId } });
    expect(await byAdmin('jobCancel', { id: 'no-such-job' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // The agent runs one backup per task at a time: the incremental started above ends first.
    const startedId = (started as { data: Job }).data.id;
    await expect.poll(async () => (await admin.service.getLocationDetail({ id })).jobs?.recent.some((job) => job.id === startedId), { timeout: 30_000 }).toBe(true);
    const rerun = await byAdmin('jobRerun', { job: first.id });
    expect(rerun).toMatchObject({ ok: true, data: { kind: 'backup', task: 'docs', type: 'full' } });
    expect((rerun as { data: Job }).data.id).not.toBe(first.id);
    expect(await byAdmin('jobRerun', { job: 'no-such-job' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await expect.poll(async () => (await call<Job[]>(raw, 'job:list', {})).every((job) => ['successful', 'warning', 'error', 'cancelled'].includes(job.state)), { timeout: 30_000 }).toBe(true);

    // Loader load / unload / transfer / inventory / import / export, and labelling media.
    expect(await byAdmin('loaderLoad', { loader: 'lib1', slot: 3, drive: 0 })).toMatchObject({ ok: true, data: { number: 0, barcode: 'FLO003' } });
    expect(await byAdmin('loaderLoad', { loader: 'lib1', slot: 3, drive: 1 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await byAdmin('loaderUnload', { loader: 'lib1', drive: 0 })).toMatchObject({ ok: true, data: { number: 0, barcode: null } });
    expect(await byAdmin('loaderUnload', { loader: 'lib1', drive: 0 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await byAdmin('loaderExport', { loader: 'lib1', from: 6 })).toMatchObject({ ok: true });
    expect(await byAdmin('loaderTransfer', { loader: 'lib1', from: 5, to: 6 })).toMatchObject({ ok: true });
    expect(await byAdmin('loaderTransfer', { loader: 'lib1', from: 5, to: 6 })).toMatchObject({ ok: false, error: { code: expect.stringMatching(/CONFLICT|NOT_FOUND|BAD_REQUEST/) } });
    expect(await byAdmin('loaderImport', { loader: 'lib1', to: 5 })).toMatchObject({ ok: true });
    expect(await byAdmin('loaderInventory', { name: 'lib1', refresh: true })).toMatchObject({ ok: true, data: { name: 'lib1' } });
    expect(await byAdmin('loaderInventory', { name: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await byAdmin('mediaLabel', { loader: 'lib1', slot: 4, pool: 'DAILY' })).toMatchObject({ ok: true, data: { pool: 'DAILY' } });
    expect(await byAdmin('mediaLabel', { loader: 'lib1', slot: 5, pool: 'NOPOOL' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('NOPOOL') } });

    // Install a license file (the agent refuses one that is not signed by a trusted vendor key).
    const badLicense = await byAdmin('licenseInstall', { text: 'not a license' });
    expect(badLicense).toMatchObject({ ok: false, error: { code: expect.stringMatching(/LICENSE|BAD_REQUEST/), message: expect.any(String) } });

    // Pre-flight check, browsing a saveset page by page, starting a restore.
    expect(await byAdmin('checkRun', {})).toMatchObject({ ok: true, data: { problems: expect.any(Array) } });
    const savesets = (await byAdmin('savesetList', {})) as { ok: true; data: Saveset[] };
    const saveset = savesets.data.find((candidate) => candidate.type === 'full')?.id ?? '';
    const pages: string[][] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const answer = (await byAdmin('savesetBrowse', { id: saveset, dir: source, limit: 2, ...(after ? { after } : {}) })) as { ok: true; data: { entries: Array<{ name: string }>; next: string | null } };
      pages.push(answer.data.entries.map((entry) => entry.name));
      if (!answer.data.next) break;
      after = answer.data.next;
    }
    expect(pages).toEqual([['a.txt', 'b.txt'], ['c.txt', 'sub']]);
    expect(await byAdmin('savesetBrowse', { id: 'no-such-saveset', dir: '/' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const target = join(tempDir('restore'), 'here');
    mkdirSync(target);
    expect(await byAdmin('restoreStart', { saveset, to: target })).toMatchObject({ ok: true, data: { kind: 'restore' } });
    expect(await byAdmin('restoreStart', { saveset: 'no-such-saveset', to: target })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    // The fleet calendar has the backups.
    const calendar = await admin.service.getFleetCalendar({ from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() });
    expect(calendar.locations.flatMap((row) => row.runs).filter((run) => run.jobId === first.id)).toEqual([expect.objectContaining({ key: `${id}/${first.id}`, location: 'hq-berlin', status: 'successful' })]);
    expect(calendar.locations.map((row) => [row.source, row.reason])).toEqual([['agent', null]]);

    // A monitor token: every changing action is refused by the console with a next step; reading works.
    const monitorRefused = {
      backupStart: { task: 'docs', type: 'full' },
      jobCancel: { id: first.id },
      jobRerun: { job: first.id },
      loaderLoad: { loader: 'lib1', slot: 1, drive: 0 },
      loaderUnload: { loader: 'lib1', drive: 0 },
      loaderTransfer: { loader: 'lib1', from: 1, to: 2 },
      loaderImport: { loader: 'lib1' },
      loaderExport: { loader: 'lib1', from: 1 },
      mediaLabel: { loader: 'lib1', slot: 5, pool: 'DAILY' },
      licenseInstall: { text: 'x' },
      restoreStart: { saveset, to: target },
    } as const;
    const jobsBefore = (await call<Job[]>(raw, 'job:list', {})).length;
    for (const [name, args] of Object.entries(monitorRefused)) {
      expect(await byMonitor(name as ConsoleCallName, args), name).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(/monitor token.*admin token/) } });
    }
    expect((await call<Job[]>(raw, 'job:list', {})).length).toBe(jobsBefore);
    expect(await byMonitor('loaderInventory', { name: 'lib1' })).toMatchObject({ ok: true });
    expect(await byMonitor('checkRun', {})).toMatchObject({ ok: true });
    expect(await byMonitor('savesetBrowse', { id: saveset, dir: source, limit: 2 })).toMatchObject({ ok: true });
    const alarm = (await monitor.service.listAlarms({})).alarms.find((candidate) => candidate.kind === 'waiting-media');
    expect(alarm).toBeUndefined(); // the starved job was cancelled: its alarm cleared

    // Offline: every action answers UNREACHABLE with the address and what to do; the calendar shows the location's last known runs and says why.
    await expect.poll(async () => (await call<Job[]>(raw, 'job:list', {})).every((job) => ['successful', 'warning', 'error', 'cancelled'].includes(job.state)), { timeout: 30_000 }).toBe(true);
    raw.close();
    await agent.close();
    await waitFor('offline', () => admin.fleet.location(id)?.status === 'offline');
    const offline = { ...monitorRefused, loaderInventory: { name: 'lib1' }, checkRun: {}, savesetBrowse: { id: saveset, dir: source } };
    for (const [name, args] of Object.entries(offline)) {
      expect(await byAdmin(name as ConsoleCallName, args), name).toMatchObject({ ok: false, error: { code: 'UNREACHABLE', message: expect.stringMatching(/not connected.*Online/) } });
    }
    const away: FleetCalendar = await admin.service.getFleetCalendar({ from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date().toISOString() });
    expect(away.locations).toEqual([expect.objectContaining({ id, name: 'hq-berlin', status: 'offline', source: 'replica', reason: expect.stringContaining('Offline') })]);
  });
});
