/** The engine commands of floe-agent against a running agent, as an administrator runs them. */
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initAgent, spawnAgent, tempDir, type SpawnedAgent } from '../helpers/agents.js';
import { floeAgent } from '../helpers/cli.js';
import { call, connectAdmin, prepareLibrary, runJob } from '../helpers/engine.js';
import type { InitResult } from '../../agent/init.js';

let init: InitResult;
let agent: SpawnedAgent;
let source: string;
let work: string;
beforeAll(async () => {
  init = await initAgent('hq-berlin');
  agent = await spawnAgent(init.dataDir);
  work = tempDir('engine-cli');
  source = join(work, 'source');
  mkdirSync(source);
  writeFileSync(join(source, 'report.txt'), 'quarterly numbers\n');
  const cli = (...args: string[]) => floeAgent(...args, '--data', init.dataDir);
  await cli('loader', 'create', '--name', 'lib1', '--drives', '1', '--slots', '3', '--capacity', '10M');
  await cli('pool', 'add', '--name', 'DAILY');
  await cli('media', 'label', '--loader', 'lib1', '--slot', '1', '--pool', 'DAILY');
});
afterAll(() => agent.kill('SIGTERM'));

const cli = (...args: string[]) => floeAgent(...args, '--data', init.dataDir);

describe('floe-agent engine commands', () => {
  it('adds a task, backs it up following progress, lists savesets as JSON, restores and verifies', async () => {
    expect((await cli('task', 'add', '--name', 'reports', '--source', source, '--pool', 'DAILY', '--exclude', '*.tmp')).stdout).toMatch(/^reports\s+pool DAILY\s+.*excluding \*\.tmp/);
    const backup = await cli('backup', '--task', 'reports');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/successful\s+full backup of reports/);
    expect(backup.stderr).toMatch(/successful/);
    const savesets = JSON.parse((await cli('savesets', '--json')).stdout) as Array<{ id: string; task: string; type: string; status: string; started: string; ended: string; bytes: number; files: number; media: string[] }>;
    expect(savesets).toEqual([expect.objectContaining({ task: 'reports', type: 'full', status: 'successful', files: 2, media: ['DAILY00001'] })]);
    const id = savesets[0]?.id ?? '';
    const target = join(work, 'restored');
    const restore = await cli('restore', '--saveset', id, '--to', target, '--quiet');
    expect(restore.code).toBe(0);
    expect(readFileSync(join(target, source.slice(1), 'report.txt'), 'utf8')).toBe('quarterly numbers\n');
    const verify = await cli('verify', '--saveset', id, '--read-data', '--json');
    expect(JSON.parse(verify.stdout)).toMatchObject({ kind: 'verify', state: 'successful' });
    const jobs = await cli('jobs');
    expect(jobs.stdout.split('\n').filter(Boolean)).toHaveLength(3);
  });

  it('exits non-zero with the reason when a backup cannot run', async () => {
    const missing = await cli('backup', '--task', 'nope');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no task named nope/);
    const badPool = await cli('task', 'add', '--name', 'x', '--source', source, '--pool', 'WEEKLY');
    expect(badPool.stderr).toMatch(/pool WEEKLY does not exist/);
  });
});

describe('the built agent (dist/, after npm run build:node)', () => {
  it('backs up through its compiled workers (both data paths); the savesets verify with their data read back', async () => {
    const builtInit = await initAgent('hq-built');
    const built = await spawnAgent(builtInit.dataDir, { built: true });
    const socket = await connectAdmin(builtInit, built.port);
    try {
      await prepareLibrary(socket, {});
      await call(socket, 'task:add', { name: 'reports', sources: [source], pool: 'DAILY', hooks: false });
      expect(await runJob(socket, 'backup:start', { task: 'reports' })).toMatchObject({ state: 'successful' });
      const [saveset] = await call<Array<{ id: string; files: number }>>(socket, 'saveset:list', {});
      expect(saveset?.files).toBeGreaterThanOrEqual(2);
      expect(await runJob(socket, 'verify:start', { saveset: saveset?.id, readData: true })).toMatchObject({ state: 'successful' });
      // A gzip task goes through the scan and archive workers (GNU tar), the plain one above through the stream and index workers.
      await call(socket, 'task:add', { name: 'zipped', sources: [source], pool: 'DAILY', compress: 'gzip', hooks: false });
      expect(await runJob(socket, 'backup:start', { task: 'zipped' })).toMatchObject({ state: 'successful' });
      const [zipped] = await call<Array<{ id: string; files: number }>>(socket, 'saveset:list', { task: 'zipped' });
      expect(zipped?.files).toBe(saveset?.files);
      expect(await runJob(socket, 'verify:start', { saveset: zipped?.id, readData: true })).toMatchObject({ state: 'successful' });
    } finally {
      socket.close();
      await built.kill('SIGTERM');
    }
  }, 60_000);
});
