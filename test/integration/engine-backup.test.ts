/** Backups and restores on a real agent: real files, a real VTL, GNU tar, SQLite, and bit-exact comparison. */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataDirPaths } from '../../agent/data-dir.js';
import type { RunningAgent } from '../../agent/server/agent.js';
import type { InitResult } from '../../agent/init.js';
import type { Job, Saveset } from '../../shared/engine.js';
import { initAgent, startInProcess, tempDir } from '../helpers/agents.js';
import { call, connectAdmin, makeSourceTree, prepareLibrary, runJob, type Raw } from '../helpers/engine.js';
import { describeTree } from '../helpers/tree-compare.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: { capacity?: number; labelled?: number } = {}): Promise<{ init: InitResult; agent: RunningAgent; socket: Raw; source: string; work: string }> {
  const init = await initAgent('hq-berlin');
  const agent = await startInProcess(init);
  const socket = await connectAdmin(init, agent.port);
  cleanups.push(async () => {
    socket.close();
    await agent.close();
  });
  await prepareLibrary(socket, options);
  const work = tempDir('engine');
  const source = join(work, 'source');
  mkdirSync(source);
  makeSourceTree(source);
  await call(socket, 'task:add', { name: 'docs', sources: [source], pool: 'DAILY', hooks: false });
  return { init, agent, socket, source, work };
}

function chunkFiles(init: InitResult, saveset: string): string[] {
  const root = join(dataDirPaths(init.dataDir).vtlDir, 'lib1');
  const files: string[] = [];
  for (const slot of readdirSync(root)) {
    if (!slot.startsWith('slot-') && !slot.startsWith('drive-')) continue;
    for (const cartridge of readdirSync(join(root, slot))) {
      for (const file of readdirSync(join(root, slot, cartridge))) if (file.includes(`.${saveset}.c`)) files.push(join(root, slot, cartridge, file));
    }
  }
  return files.sort((a, b) => a.slice(-3).localeCompare(b.slice(-3)));
}

/** The file's CRC-32 as GNU gzip stores it in its trailer (an implementation independent of Floe's). */
function gzipCrc32(path: string): string {
  const gz = execFileSync('gzip', ['-c', '-1', path], { maxBuffer: 64 * 1024 * 1024 });
  return gz.readUInt32LE(gz.length - 8).toString(16).padStart(8, '0');
}

describe('backup and restore', () => {
  it.each([
    ['floe', 'on', "Floe's writer (GNU tar for sparse files, extended attributes and special files), files read by the native reader"],
    ['floe', 'off', "Floe's writer (GNU tar for sparse files, extended attributes and special files), files read with Node's fs calls: FLOE_NATIVE_IO=off"],
    ['gnu-tar', 'on', 'GNU tar for every member'],
  ])('restores a full backup bit-exact, and plain GNU tar reads the chunks identically (data path %s, native reader %s)', async (dataPath, nativeIo, logged) => {
    const { init, socket, source, work } = await setup();
    const before = { FLOE_DATA_PATH: process.env.FLOE_DATA_PATH, FLOE_NATIVE_IO: process.env.FLOE_NATIVE_IO };
    Object.assign(process.env, { FLOE_DATA_PATH: dataPath, FLOE_NATIVE_IO: nativeIo }); // the in-process agent reads them when a backup starts
    const job = await runJob(socket, 'backup:start', { task: 'docs', type: 'full' }).finally(() => {
      for (const [name, value] of Object.entries(before)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });
    expect(job).toMatchObject({ state: 'successful', type: 'full' });
    const log = await call<Array<{ text: string }>>(socket, 'job:log', { id: job.id });
    expect(log.map((line) => line.text).join('\n')).toContain(`writing the stream with ${logged}`);
    const [saveset] = await call<Saveset[]>(socket, 'saveset:list', {});
    expect(saveset).toMatchObject({ task: 'docs', type: 'full', status: 'successful', media: ['DAILY00001'] });

    const target = join(work, 'restored');
    const restore = await runJob(socket, 'restore:start', { saveset: saveset?.id, to: target });
    expect(restore.state).toBe('successful');
    expect(describeTree(join(target, source.slice(1)))).toEqual(describeTree(source));

    const plain = join(work, 'plain');
    mkdirSync(plain);
    const stream = execFileSync('cat', chunkFiles(init, saveset?.id ?? ''));
    execFileSync('tar', ['-x', '-C', plain], { input: stream });
    expect(describeTree(join(plain, source.slice(1)))).toEqual(describeTree(source));
  });

  it('compresses with gzip readable by `tar -xz`, and indexes every file with its checksum', async () => {
    const { init, socket, source, work } = await setup();
    await call(socket, 'task:add', { name: 'zipped', sources: [source], pool: 'DAILY', compress: 'gzip', hooks: false });
    expect((await runJob(socket, 'backup:start', { task: 'zipped' })).state).toBe('successful');
    const [saveset] = await call<Saveset[]>(socket, 'saveset:list', { task: 'zipped' });
    const plain = join(work, 'plain');
    mkdirSync(plain);
    execFileSync('tar', ['-xz', '-C', plain], { input: execFileSync('cat', chunkFiles(init, saveset?.id ?? '')) });
    expect(describeTree(join(plain, source.slice(1)))).toEqual(describeTree(source));
    const page = await call<{ entries: Array<{ name: string; checksum: string | null; type: string }> }>(socket, 'saveset:browse', { id: saveset?.id, dir: join(source, 'docs') });
    const readme = page.entries.find((entry) => entry.name === 'readme.txt');
    expect(readme?.checksum).toBe(gzipCrc32(join(source, 'docs', 'readme.txt')));
  });

  it('indexes small and multi-megabyte files with the CRC-32 that GNU gzip computes for them', async () => {
    const { socket, source } = await setup();
    const big = join(source, 'big.bin');
    writeFileSync(big, randomBytes(5 * 1024 * 1024 + 12345));
    expect((await runJob(socket, 'backup:start', { task: 'docs' })).state).toBe('successful');
    const [saveset] = await call<Saveset[]>(socket, 'saveset:list', { task: 'docs' });
    const top = await call<{ entries: Array<{ name: string; checksum: string | null }> }>(socket, 'saveset:browse', { id: saveset?.id, dir: source });
    expect(top.entries.find((entry) => entry.name === 'big.bin')?.checksum).toBe(gzipCrc32(big));
    const docs = await call<{ entries: Array<{ name: string; checksum: string | null }> }>(socket, 'saveset:browse', { id: saveset?.id, dir: join(source, 'docs') });
    expect(docs.entries.find((entry) => entry.name === 'readme.txt')?.checksum).toBe(gzipCrc32(join(source, 'docs', 'readme.txt')));
  });

  it('spans a saveset across two small cartridges; the chunks concatenate into one tar stream', async () => {
    const { init, socket, source, work } = await setup({ capacity: 1024 * 1024, labelled: 3 });
    writeFileSync(join(source, 'big.bin'), Buffer.alloc(1_500_000, 7));
    const job = await runJob(socket, 'backup:start', { task: 'docs' });
    expect(job.state).toBe('successful');
    const [saveset] = await call<Saveset[]>(socket, 'saveset:list', {});
    expect(saveset?.media).toEqual(['DAILY00001', 'DAILY00002']);
    const media = await call<Array<{ label: string; state: string; used: number }>>(socket, 'media:list', {});
    expect(media.find((m) => m.label === 'DAILY00001')).toMatchObject({ state: 'full' });
    expect(media.find((m) => m.label === 'DAILY00002')).toMatchObject({ state: 'append' });
    const files = chunkFiles(init, saveset?.id ?? '');
    expect(files).toHaveLength(2);
    const plain = join(work, 'plain');
    mkdirSync(plain);
    execFileSync('tar', ['-x', '-C', plain], { input: execFileSync('cat', files, { maxBuffer: 64 * 1024 * 1024 }), maxBuffer: 64 * 1024 * 1024 });
    expect(describeTree(join(plain, source.slice(1)))).toEqual(describeTree(source));
    const target = join(work, 'restored');
    expect((await runJob(socket, 'restore:start', { saveset: saveset?.id, to: target })).state).toBe('successful');
    expect(describeTree(join(target, source.slice(1)))).toEqual(describeTree(source));
  });

  it('incremental and differential chains record changes and deletions; point-in-time restore gives each state', async () => {
    const { socket, source, work } = await setup();
    expect((await runJob(socket, 'backup:start', { task: 'docs', type: 'full' })).state).toBe('successful');
    const stateAfterFull = describeTree(source);

    writeFileSync(join(source, 'new-1.txt'), 'added after the full\n');
    appendFileSync(join(source, 'docs', 'readme.txt'), 'changed\n');
    rmSync(join(source, 'script.sh'));
    const incr = await runJob(socket, 'backup:start', { task: 'docs', type: 'incr' });
    expect(incr.state, incr.message ?? '').toBe('successful');
    const stateAfterIncr = describeTree(source);

    rmSync(join(source, 'docs', 'deep'), { recursive: true });
    writeFileSync(join(source, 'new-2.txt'), 'added after the incremental\n');
    const diff = await runJob(socket, 'backup:start', { task: 'docs', type: 'diff' });
    expect(diff.state, diff.message ?? '').toBe('successful');
    const stateAfterDiff = describeTree(source);

    const savesets = await call<Saveset[]>(socket, 'saveset:list', {});
    expect(savesets.map((s) => s.type)).toEqual(['full', 'incr', 'diff']);
    const [full, inc, dif] = savesets as [Saveset, Saveset, Saveset];
    expect(inc.base).toBe(full.id);
    expect(dif.base).toBe(full.id);
    expect(inc.files).toBeLessThan(full.files);
    const deletions = await call<{ entries: Array<{ name: string; deleted: boolean }> }>(socket, 'saveset:browse', { id: inc.id, dir: source });
    expect(deletions.entries.find((entry) => entry.name === 'script.sh')).toMatchObject({ deleted: true });

    const at = async (saveset: Saveset, name: string) => {
      const target = join(work, name);
      const job = await runJob(socket, 'restore:start', { saveset: saveset.id, to: target, chain: true });
      expect(job.state, job.message ?? '').toBe('successful');
      return describeTree(join(target, source.slice(1)));
    };
    expect(await at(full, 'pit-full')).toEqual(stateAfterFull);
    expect(await at(inc, 'pit-incr')).toEqual(stateAfterIncr);
    expect(await at(dif, 'pit-diff')).toEqual(stateAfterDiff);
  });

  it('restores selected paths only, and refuses a target inside the sources unless asked', async () => {
    const { socket, source, work } = await setup();
    await runJob(socket, 'backup:start', { task: 'docs' });
    const [saveset] = await call<Saveset[]>(socket, 'saveset:list', {});
    const target = join(work, 'some');
    const job = await runJob(socket, 'restore:start', { saveset: saveset?.id, to: target, paths: [join(source, 'docs', 'deep')] });
    expect(job.state).toBe('successful');
    expect(existsSync(join(target, source.slice(1), 'docs', 'deep', 'data.bin'))).toBe(true);
    expect(existsSync(join(target, source.slice(1), 'script.sh'))).toBe(false);
    await expect(call(socket, 'restore:start', { saveset: saveset?.id, to: join(source, 'restore-here') })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('waits for media (SM_GET_VOLUME) and continues when a cartridge is labelled', async () => {
    const { socket } = await setup({ labelled: 0 });
    const states: string[] = [];
    socket.on('delta', (delta: { change: { domain: string; change: { job: Job } } }) => {
      if (delta.change.domain === 'jobs') states.push(delta.change.change.job.state);
    });
    const finished = runJob(socket, 'backup:start', { task: 'docs' });
    await expect.poll(() => states.includes('waiting-media'), { timeout: 10_000 }).toBe(true);
    await call(socket, 'media:label', { loader: 'lib1', slot: 3, pool: 'DAILY' });
    const job = await finished;
    expect(job.state).toBe('successful');
    const log = await call<Array<{ text: string }>>(socket, 'job:log', { id: job.id });
    expect(log.some((line) => line.text.includes('SM_GET_VOLUME'))).toBe(true);
  });

  it('a cancelled backup leaves no saveset, no index rows and no partial chunk', async () => {
    const { init, socket, source } = await setup({ labelled: 0 });
    writeFileSync(join(source, 'big.bin'), Buffer.alloc(3_000_000, 1));
    const finished = runJob(socket, 'backup:start', { task: 'docs' });
    const [job] = await call<Job[]>(socket, 'job:list', {});
    await expect.poll(async () => (await call<Job>(socket, 'job:get', { id: job?.id })).state).toBe('waiting-media');
    await call(socket, 'job:cancel', { id: job?.id });
    const ended = await finished;
    expect(ended.state).toBe('cancelled');
    expect(await call(socket, 'saveset:list', {})).toEqual([]);
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(dataDirPaths(init.dataDir).catalog, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM pending_index').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM files').get()).toEqual({ n: 0 });
    db.close();
  });
});
