/** Schedules on a real agent: fires through the engine, the calendar with overlaps and missed runs, the pre-flight check. */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent } from '../../agent/server/agent.js';
import { silentLogger } from '../../agent/log.js';
import type { Job } from '../../shared/engine.js';
import type { CalendarRun, CheckReport } from '../../shared/schedule.js';
import { initAgent, startInProcess, tempDir } from '../helpers/agents.js';
import { call, connectAdmin, prepareLibrary, runJob, type Raw } from '../helpers/engine.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function agentWithTask(options: { labelled?: number } = {}) {
  const init = await initAgent('hq-berlin');
  const agent = await startInProcess(init);
  const socket = await connectAdmin(init, agent.port);
  cleanups.push(async () => {
    socket.close();
    await agent.close();
  });
  await prepareLibrary(socket, options);
  const source = join(tempDir('sched'), 'source');
  mkdirSync(source);
  writeFileSync(join(source, 'a.txt'), 'a\n');
  await call(socket, 'task:add', { name: 'docs', sources: [source], pool: 'DAILY', hooks: false });
  await call(socket, 'task:add', { name: 'mail', sources: [source], pool: 'DAILY', hooks: false });
  return { init, agent, socket, source };
}

function jobsOf(socket: Raw): Promise<Job[]> {
  return call<Job[]>(socket, 'job:list', {});
}

describe('schedules on the agent', () => {
  it('fires backups through the engine, and stops when the schedule is removed', async () => {
    const { socket } = await agentWithTask();
    await call(socket, 'schedule:add', { name: 'often', cron: '* * * * * *', tasks: ['docs'], type: 'full' });
    await expect.poll(async () => (await jobsOf(socket)).some((job) => job.state === 'successful'), { timeout: 15_000 }).toBe(true);
    await call(socket, 'schedule:remove', { name: 'often' });
    const [job] = (await jobsOf(socket)).filter((candidate) => candidate.state === 'successful');
    const log = await call<Array<{ text: string }>>(socket, 'job:log', { id: job?.id });
    expect(log[0]?.text).toMatch(/^started by schedule often/);
    await new Promise((r) => setTimeout(r, 1500));
    const settled = (await jobsOf(socket)).length;
    await new Promise((r) => setTimeout(r, 2000));
    expect((await jobsOf(socket)).length).toBe(settled);
  });

  it('refuses unknown tasks and bad cron expressions with a clear reason', async () => {
    const { socket } = await agentWithTask();
    await expect(call(socket, 'schedule:add', { name: 'x', cron: '0 22 * * *', tasks: ['nope'], type: 'full' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(call(socket, 'schedule:add', { name: 'x', cron: '99 99 * * *', tasks: ['docs'], type: 'full' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call(socket, 'schedule:add', { name: 'x', cron: '0 22 * * *', tasks: ['docs'], type: 'full', timezone: 'Mars/Olympus' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await call(socket, 'schedule:list', {})).toEqual([]);
  });

  it('answers the calendar with past runs and planned ones, flagging runs that need the same drive at the same time', async () => {
    const { socket } = await agentWithTask();
    const done = await runJob(socket, 'backup:start', { task: 'docs' });
    expect(done.state).toBe('successful');
    await call(socket, 'schedule:add', { name: 'nightly-docs', cron: '0 22 * * *', tasks: ['docs'], type: 'incr', timezone: 'UTC' });
    await call(socket, 'schedule:add', { name: 'nightly-mail', cron: '30 21 * * *', tasks: ['mail'], type: 'full', timezone: 'UTC' });
    const from = new Date(Date.now() - 3600_000);
    const to = new Date(Date.now() + 3 * 86_400_000);
    const runs = await call<CalendarRun[]>(socket, 'calendar:query', { from: from.toISOString(), to: to.toISOString() });
    const past = runs.filter((run) => run.kind === 'past');
    expect(past).toEqual([expect.objectContaining({ jobId: done.id, task: 'docs', status: 'successful', drive: { loader: 'lib1', number: 0 } })]);
    const planned = runs.filter((run) => run.kind === 'planned');
    const docs = planned.filter((run) => run.task === 'docs');
    expect(docs.length).toBeGreaterThanOrEqual(2);
    for (const run of docs) expect(run.start).toMatch(/T22:00:00/);
    // Between 21:30 and 22:00 UTC today's mail run is already past (not planned): only docs runs whose
    // mail run is still ahead can overlap it.
    const withMailAhead = docs.filter((run) => Date.parse(run.start) - 30 * 60_000 > Date.now());
    expect(withMailAhead.length).toBeGreaterThanOrEqual(2);
    for (const run of withMailAhead) {
      expect(run.overlaps.length, 'mail at 21:30 (no history: an hour) overlaps docs at 22:00 on the same drive').toBe(1);
    }
    await expect(call(socket, 'calendar:query', { from: from.toISOString(), to: new Date(from.getTime() + 90 * 86_400_000).toISOString() })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('records runs missed while the agent was down', async () => {
    const init = await initAgent('hq-berlin');
    const t0 = new Date('2026-11-23T08:00:00Z');
    const first = await startAgent({ dataDir: init.dataDir, logger: silentLogger(), listen: { host: '127.0.0.1', port: 0 }, clock: () => t0 });
    let socket = await connectAdmin(init, first.port);
    await prepareLibrary(socket);
    const source = join(tempDir('sched'), 'source');
    mkdirSync(source);
    await call(socket, 'task:add', { name: 'docs', sources: [source], pool: 'DAILY', hooks: false });
    await call(socket, 'schedule:add', { name: 'hourly', cron: '0 * * * *', tasks: ['docs'], type: 'incr', timezone: 'UTC' });
    socket.close();
    await first.close();
    const t5 = new Date(t0.getTime() + 5 * 3600_000 + 60_000);
    const later = await startAgent({ dataDir: init.dataDir, logger: silentLogger(), listen: { host: '127.0.0.1', port: 0 }, clock: () => t5 });
    socket = await connectAdmin(init, later.port);
    try {
      const runs = await call<CalendarRun[]>(socket, 'calendar:query', { from: t0.toISOString(), to: t5.toISOString() });
      expect(runs.filter((run) => run.kind === 'missed').map((run) => run.start)).toEqual(['09', '10', '11', '12', '13'].map((h) => `2026-11-23T${h}:00:00.000Z`));
    } finally {
      socket.close();
      await later.close();
    }
  });

  it('the pre-flight check names missing media and unreadable sources, and raises sm_alarm', async () => {
    const { init, socket, source } = await agentWithTask({ labelled: 0 });
    const hooks = join(init.dataDir, 'hooks');
    mkdirSync(hooks);
    const record = join(init.dataDir, 'alarms');
    writeFileSync(join(hooks, 'sm_alarm'), `#!/bin/sh\necho "$@" >> ${record}\n`);
    chmodSync(join(hooks, 'sm_alarm'), 0o700);
    await call(socket, 'task:add', { name: 'gone', sources: [join(source, 'no-such-dir')], pool: 'DAILY', hooks: false });
    const report = await call<CheckReport>(socket, 'check:run', {});
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ severity: 'error', subject: 'pool DAILY', message: expect.stringMatching(/no appendable or scratch media/) }),
        expect.objectContaining({ severity: 'error', subject: 'task gone', message: expect.stringMatching(/ENOENT/) }),
      ]),
    );
    expect(readFileSync(record, 'utf8')).toMatch(/^CHECK /);
    await call(socket, 'media:label', { loader: 'lib1', slot: 1, pool: 'DAILY' });
    await call(socket, 'task:remove', { name: 'gone' });
    const ready = await call<CheckReport>(socket, 'check:run', {});
    expect(ready.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    expect(ready.ok).toBe(true);
  });
});

describe('the backup day and scheduled checks', () => {
  it('at NEWDAY reports the previous day through sm_notify, and a check schedule runs the pre-flight check', async () => {
    const init = await initAgent('hq-berlin');
    const hooks = join(init.dataDir, 'hooks');
    mkdirSync(hooks);
    const record = join(init.dataDir, 'hook-calls');
    for (const name of ['sm_notify', 'sm_alarm']) {
      writeFileSync(join(hooks, name), `#!/bin/sh\necho "${name} $*" >> ${record}\n`);
      chmodSync(join(hooks, name), 0o700);
    }
    // A clock that runs from just before the 06:00 UTC boundary: NEWDAY is about two real seconds away.
    const offset = Date.parse('2026-11-24T05:59:58.000Z') - Date.now();
    const agent = await startAgent({ dataDir: init.dataDir, logger: silentLogger(), listen: { host: '127.0.0.1', port: 0 }, clock: () => new Date(Date.now() + offset) });
    const socket = await connectAdmin(init, agent.port);
    cleanups.push(async () => {
      socket.close();
      await agent.close();
    });
    const deltas: Array<{ newDay: boolean; check: CheckReport | null }> = [];
    socket.on('delta', (delta: { change: { domain: string; change: { newDay: boolean; check: CheckReport | null } } }) => {
      if (delta.change.domain === 'schedules') deltas.push(delta.change.change);
    });
    await call(socket, 'backupday:set', { boundary: '06:00', timezone: 'UTC' });
    await call(socket, 'schedule:add', { name: 'amcheck', cron: '* * * * * *', tasks: [], type: 'check', timezone: 'UTC' });
    await expect.poll(() => deltas.some((change) => change.newDay), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => deltas.some((change) => change.check !== null), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => (readFileSync(record, 'utf8').match(/^sm_notify NEWDAY 2026-11-24 begins/m) ? 'seen' : 'not yet'), { timeout: 10_000 }).toBe('seen');
    const report = deltas.find((change) => change.check !== null)?.check;
    expect(report?.problems).toEqual(expect.arrayContaining([expect.objectContaining({ severity: 'warning', subject: 'tasks' })]));
  });
});
