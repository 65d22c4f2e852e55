/**
 * Savesets on a real tape drive's data path, with the fakes of hardware we lack: fake-mtx moves the
 * cartridges, fake-mt positions an emulated tape (a directory of tape files per cartridge; the drive's
 * device path is a symlink to the file under the head). The agent's tape code (mt eod/asf/setblk,
 * block writes, ENOSPC as end of medium, reads to the filemark) and everything above it are real.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InitResult } from '../../agent/init.js';
import type { RunningAgent } from '../../agent/server/agent.js';
import { LABEL_BLOCK_SIZE } from '../../agent/devices/tape/label-block.js';
import type { Job, Saveset } from '../../shared/engine.js';
import { initAgent, REPO_ROOT, startInProcess, tempDir } from '../helpers/agents.js';
import { call, connectAdmin, makeSourceTree, runJob, type Raw } from '../helpers/engine.js';
import { describeTree } from '../helpers/tree-compare.js';

const ENV_KEYS = ['FAKE_MTX_STATE', 'FAKE_MTX_INIT', 'FAKE_MTX_LOG', 'FAKE_MT_STATE', 'FAKE_MT_LOG', 'FAKE_MT_TAPES', 'FAKE_MT_DRIVES', 'FAKE_MT_CAPACITY'] as const;

let dir: string;
let tapes: string;
let init: InitResult;
let agent: RunningAgent;
let socket: Raw;
let source: string;

beforeEach(async () => {
  dir = tempDir('tape-engine');
  tapes = join(dir, 'tapes');
  Object.assign(process.env, {
    FAKE_MTX_STATE: join(dir, 'changer.json'),
    FAKE_MTX_INIT: join(REPO_ROOT, 'test/fixtures/mtx/two-drives-24-slots-4-ie.txt'),
    FAKE_MTX_LOG: join(dir, 'mtx.log'),
    FAKE_MT_STATE: join(dir, 'mt.json'),
    FAKE_MT_LOG: join(dir, 'mt.log'),
    FAKE_MT_TAPES: tapes,
    FAKE_MT_DRIVES: JSON.stringify([join(dir, 'nst0'), join(dir, 'nst1')]),
  });
  init = await initAgent('tape-engine');
  agent = await startInProcess(init);
  socket = await connectAdmin(init, agent.port);
  await call(socket, 'loader:create', {
    name: 'lto',
    kind: 'mtx',
    device: '/dev/sg3',
    tapeDrives: [join(dir, 'nst0'), join(dir, 'nst1')],
    mtxCommand: join(REPO_ROOT, 'test/tools/fake-mtx.mjs'),
    mtCommand: join(REPO_ROOT, 'test/tools/fake-mt.mjs'),
  });
  await call(socket, 'pool:add', { name: 'LTO' });
  source = join(dir, 'source');
  mkdirSync(source);
  makeSourceTree(source);
  await call(socket, 'task:add', { name: 'docs', sources: [source], pool: 'LTO', hooks: false });
});

afterEach(async () => {
  socket.close();
  await agent.close();
  for (const key of ENV_KEYS) delete process.env[key];
});

const tapeFile = (barcode: string, n: number) => join(tapes, barcode, String(n));

function untar(file: string, into: string): ReturnType<typeof describeTree> {
  mkdirSync(into);
  execFileSync('tar', ['-x', '-f', file, '-C', into]);
  return describeTree(join(into, source.slice(1)));
}

describe('savesets on a tape drive', { timeout: 180_000 }, () => {
  it('writes each saveset as the next tape file, restores and verifies it, and GNU tar reads the tape file', async () => {
    await call(socket, 'media:label', { loader: 'lto', slot: 2, pool: 'LTO' });
    const full = await runJob(socket, 'backup:start', { task: 'docs', type: 'full' });
    expect(full.state, full.message ?? '').toBe('successful');
    const stateAfterFull = describeTree(source);
    expect(untar(tapeFile('test22L1', 1), join(dir, 'plain-full'))).toEqual(stateAfterFull);

    appendFileSync(join(source, 'docs', 'readme.txt'), 'changed on day two\n');
    const incr = await runJob(socket, 'backup:start', { task: 'docs', type: 'incr' });
    expect(incr.state, incr.message ?? '').toBe('successful');
    expect(existsSync(tapeFile('test22L1', 2))).toBe(true); // appended after the full, not over it
    expect(readFileSync(tapeFile('test22L1', 0)).subarray(0, 13).toString()).toBe('FLOE-LABEL 1\n');

    const savesets = await call<Saveset[]>(socket, 'saveset:list', {});
    expect(savesets.map((saveset) => saveset.media)).toEqual([['LTO00001'], ['LTO00001']]);
    const media = await call<Array<{ label: string; state: string; used: number }>>(socket, 'media:list', {});
    expect(media[0]).toMatchObject({ label: 'LTO00001', state: 'append', used: statSync(tapeFile('test22L1', 1)).size + statSync(tapeFile('test22L1', 2)).size });

    const pit = join(dir, 'pit');
    const restore = await runJob(socket, 'restore:start', { saveset: savesets[1]?.id, to: pit, chain: true });
    expect(restore.state, restore.message ?? '').toBe('successful');
    expect(describeTree(join(pit, source.slice(1)))).toEqual(describeTree(source));
    const first = join(dir, 'first');
    expect((await runJob(socket, 'restore:start', { saveset: savesets[0]?.id, to: first })).state).toBe('successful');
    expect(describeTree(join(first, source.slice(1)))).toEqual(stateAfterFull);

    for (const readData of [false, true]) {
      const verify = await runJob(socket, 'verify:start', { saveset: savesets[0]?.id, readData });
      expect(verify.state, verify.message ?? '').toBe('successful');
    }
    const mt = readFileSync(join(dir, 'mt.log'), 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as string[]).slice(2).join(' '));
    expect(mt).toEqual(expect.arrayContaining(['setblk 0', 'eod', 'asf 1', 'asf 2']));
  });

  it('verify names a tape file that was cut short', async () => {
    await call(socket, 'media:label', { loader: 'lto', slot: 2, pool: 'LTO' });
    expect((await runJob(socket, 'backup:start', { task: 'docs' })).state).toBe('successful');
    const [saveset] = await call<Saveset[]>(socket, 'saveset:list', {});
    const file = tapeFile('test22L1', 1);
    execFileSync('truncate', ['-s', String(statSync(file).size - 1000), file]);
    const verify = await runJob(socket, 'verify:start', { saveset: saveset?.id });
    expect(verify.state).toBe('error');
    expect(verify.message).toMatch(new RegExp(`saveset ${saveset?.id} is damaged: chunk 0 \\(file 1 on LTO00001\\) has \\d+ bytes`));
  });

  it('goes on with the next cartridge when the drive reports the end of the medium (ENOSPC)', async () => {
    await call(socket, 'media:label', { loader: 'lto', slot: 2, pool: 'LTO' });
    await call(socket, 'media:label', { loader: 'lto', slot: 3, pool: 'LTO' });
    // A cartridge holding more than its label is at its early-warning mark: the next write gets ENOSPC.
    process.env.FAKE_MT_CAPACITY = String(LABEL_BLOCK_SIZE + 1);
    expect((await runJob(socket, 'backup:start', { task: 'docs', type: 'full' })).state).toBe('successful');
    const afterFirst = describeTree(source);
    appendFileSync(join(source, 'docs', 'readme.txt'), 'more\n');
    const second = await runJob(socket, 'backup:start', { task: 'docs', type: 'full' });
    expect(second.state, second.message ?? '').toBe('successful');
    const log = await call<Array<{ text: string }>>(socket, 'job:log', { id: second.id });
    expect(log.map((line) => line.text), JSON.stringify(log)).toContain('media LTO00001 is full; continuing on the next medium');

    const savesets = await call<Saveset[]>(socket, 'saveset:list', {});
    expect(savesets.map((saveset) => saveset.media)).toEqual([['LTO00001'], ['LTO00002']]);
    const media = await call<Array<{ label: string; state: string }>>(socket, 'media:list', {});
    expect(media.map((m) => [m.label, m.state])).toEqual([
      ['LTO00001', 'full'],
      ['LTO00002', 'append'],
    ]);
    expect(existsSync(tapeFile('test23L1', 1))).toBe(true);
    for (const [saveset, state] of [[savesets[0], afterFirst], [savesets[1], describeTree(source)]] as const) {
      const target = join(dir, `restore-${saveset?.id}`);
      const job: Job = await runJob(socket, 'restore:start', { saveset: saveset?.id, to: target });
      expect(job.state, job.message ?? '').toBe('successful');
      expect(describeTree(join(target, source.slice(1)))).toEqual(state);
    }
  });
});
