/** The console's alarm feed from real agent failures, acknowledged and persisted. */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsoleCore } from '../../main/core/console-core.js';
import { followTopic } from '../helpers/topic-replica.js';
import { initAgent, startInProcess, tempDir, waitFor } from '../helpers/agents.js';
import { call, connectAdmin, prepareLibrary, runJob } from '../helpers/engine.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('alarm feed', () => {
  it('raises failed jobs, waiting for media, pre-flight problems and a long offline location; acknowledgements persist', async () => {
    const init = await initAgent('hq-berlin');
    const hooks = join(init.dataDir, 'hooks');
    mkdirSync(hooks);
    writeFileSync(join(hooks, 'sbc_pre'), '#!/bin/sh\necho "STATUS:ERROR database not quiesced"\n');
    chmodSync(join(hooks, 'sbc_pre'), 0o700);
    const agent = await startInProcess(init);
    const admin = await connectAdmin(init, agent.port);
    const configDir = tempDir('console');
    const console = createConsoleCore({ configDir, backoff: { minMs: 50, maxMs: 200, jitter: 0.5 }, pushIntervalMs: 10, offlineAlarmMs: 300 });
    cleanups.push(async () => {
      console.dispose();
      admin.close();
      await agent.close();
    });
    const pushed = followTopic(console.service, 'alarms');
    cleanups.push(pushed.stop);
    const view = await console.service.addLocation({ name: 'hq-berlin', host: '127.0.0.1', port: agent.port, token: init.token, fingerprint: init.fingerprint });
    await waitFor('online', () => console.fleet.location(view.id)?.status === 'online');

    await prepareLibrary(admin);
    const source = join(tempDir('alarms'), 'source');
    mkdirSync(source);
    await call(admin, 'task:add', { name: 'db', sources: [source], pool: 'DAILY' });
    await call(admin, 'task:add', { name: 'archive', sources: [source], pool: 'DAILY', hooks: false });
    await call(admin, 'pool:add', { name: 'EMPTY' });
    await call(admin, 'task:add', { name: 'starved', sources: [source], pool: 'EMPTY', hooks: false });
    expect((await runJob(admin, 'backup:start', { task: 'db' })).state).toBe('error');
    await call(admin, 'backup:start', { task: 'starved' });
    await call(admin, 'check:run', {});

    const kinds = async () => (await console.service.listAlarms({})).alarms.map((alarm) => `${alarm.severity}:${alarm.kind}`).sort();
    await expect.poll(kinds, { timeout: 10_000 }).toEqual(['critical:check', 'critical:job-failed', 'critical:waiting-media']);
    const failed = (await console.service.listAlarms({})).alarms.find((alarm) => alarm.kind === 'job-failed');
    expect(failed).toMatchObject({ location: 'hq-berlin', acknowledged: false, text: expect.stringContaining('database not quiesced') });
    await expect.poll(() => pushed.value()?.alarms.length).toBe(3);
    const summary = await console.service.getFleetSummary({});
    expect(summary.locations).toEqual([expect.objectContaining({ name: 'hq-berlin', waitingForMedia: 1, failedToday: 1, drives: 2, media: { scratch: 2, append: 0, full: 0, other: 0 } })]);
    expect(summary.jobsByState).toMatchObject({ error: 1, 'waiting-media': 1 });
    expect(summary.licenses).toEqual({ trial: 1 });

    await console.service.acknowledgeAlarm({ id: failed?.id ?? '' });
    const after = (await console.service.listAlarms({})).alarms;
    expect(after.at(-1)).toMatchObject({ id: failed?.id, acknowledged: true });
    await expect(console.service.acknowledgeAlarm({ id: 'no-such-alarm' })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    admin.close();
    await agent.close();
    await expect.poll(async () => (await kinds()).includes('critical:offline'), { timeout: 40_000 }).toBe(true);

    const { AcknowledgedAlarms } = await import('../../main/core/alarms.js');
    expect(new AcknowledgedAlarms(join(configDir, 'alarms-acknowledged.json')).has(failed?.id ?? '')).toBe(true);
  });
});
