/**
 * Issue #4's file shapes through the whole engine (agent, archive worker, VTL, catalog, restore): a
 * 9 GiB sparse file (pax size; only its data is stored), hard links (also when only one of them is
 * restored), an empty directory, and a file that changes while it is read (a warning in the job's
 * protocol, the saveset still committed with status warning).
 */
import { spawn } from 'node:child_process';
import { chownSync, closeSync, existsSync, ftruncateSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job, Saveset } from '../../shared/engine.js';
import { dataDirPaths } from '../../agent/data-dir.js';
import { initAgent, startInProcess, tempDir } from '../helpers/agents.js';
import { call, connectAdmin, prepareLibrary, runJob, type Raw } from '../helpers/engine.js';

const BIG = 9 * 1024 ** 3 + 4096;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(source: string, capacity?: number): Promise<{ socket: Raw; work: string; dataDir: string }> {
  const init = await initAgent('file-shapes');
  const agent = await startInProcess(init);
  const socket = await connectAdmin(init, agent.port);
  cleanups.push(async () => {
    socket.close();
    await agent.close();
  });
  await prepareLibrary(socket, capacity === undefined ? {} : { capacity });
  await call(socket, 'task:add', { name: 'shapes', sources: [source], pool: 'DAILY', hooks: false });
  return { socket, work: tempDir('file-shapes'), dataDir: init.dataDir };
}

function tail(path: string, at: number, length: number): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, at);
    return buffer.toString();
  } finally {
    closeSync(fd);
  }
}

describe('file shapes through the engine', () => {
  it('stores a 9 GiB sparse file as its data only and restores it sparse; keeps hard links and empty directories', async () => {
    const source = join(tempDir('shapes-src'), 'tree');
    mkdirSync(join(source, 'empty'), { recursive: true });
    mkdirSync(join(source, 'other'));
    const fd = openSync(join(source, 'big-sparse.img'), 'w');
    ftruncateSync(fd, BIG);
    writeSync(fd, Buffer.from('data at the end'), 0, 15, BIG - 4096);
    closeSync(fd);
    writeFileSync(join(source, 'first.txt'), 'shared by two names\n');
    linkSync(join(source, 'first.txt'), join(source, 'other', 'second.txt'));
    const ROOT = process.getuid?.() === 0;
    if (ROOT) chownSync(join(source, 'first.txt'), 1234, 5678);
    const { socket, work } = await setup(source);

    const backup = await runJob(socket, 'backup:start', { task: 'shapes', type: 'full' });
    expect(backup.state, backup.message ?? '').toBe('successful');
    const [saveset] = (await call<Saveset[]>(socket, 'saveset:list', {})) as [Saveset];
    expect(saveset.bytes).toBeLessThan(4 * 1024 * 1024); // holes are not stored
    const page = await call<{ entries: Array<{ name: string; size: number; type: string }> }>(socket, 'saveset:browse', { id: saveset.id, dir: source });
    expect(page.entries.find((entry) => entry.name === 'big-sparse.img')).toMatchObject({ type: 'file', size: BIG });

    const target = join(work, 'all');
    const restore = await runJob(socket, 'restore:start', { saveset: saveset.id, to: target });
    expect(restore.state, restore.message ?? '').toBe('successful');
    const root = join(target, source.slice(1));
    const big = lstatSync(join(root, 'big-sparse.img'));
    expect(big.size).toBe(BIG);
    expect(big.blocks * 512).toBeLessThan(4 * 1024 * 1024);
    expect(tail(join(root, 'big-sparse.img'), BIG - 4096, 15)).toBe('data at the end');
    expect(lstatSync(join(root, 'other', 'second.txt')).ino).toBe(lstatSync(join(root, 'first.txt')).ino);
    expect(lstatSync(join(root, 'empty')).isDirectory()).toBe(true);
    if (ROOT) expect(lstatSync(join(root, 'first.txt'))).toMatchObject({ uid: 1234, gid: 5678 }); // owners come back when the agent runs as root

    // Only the second name selected: its data lives in the first name's member, which comes along.
    const only = join(work, 'only-second');
    const selected = await runJob(socket, 'restore:start', { saveset: saveset.id, to: only, paths: [join(source, 'other', 'second.txt')] });
    expect(selected.state, selected.message ?? '').toBe('successful');
    expect(tail(join(only, source.slice(1), 'other', 'second.txt'), 0, 19)).toBe('shared by two names');
    expect(existsSync(join(only, source.slice(1), 'big-sparse.img'))).toBe(false);
  });

  it('records a file that changes while it is read as a warning in the protocol; the saveset is kept with status warning', async () => {
    const source = join(tempDir('changing-src'), 'tree');
    mkdirSync(source, { recursive: true });
    writeFileSync(join(source, 'growing.log'), Buffer.alloc(48 * 1024 * 1024, 0x61));
    writeFileSync(join(source, 'steady.txt'), 'steady\n');
    const { socket } = await setup(source);
    const writer = spawn('sh', ['-c', `while :; do printf x >> '${join(source, 'growing.log')}'; done`], { stdio: 'ignore' });
    cleanups.push(() => {
      writer.kill('SIGKILL');
    });
    const job = await runJob(socket, 'backup:start', { task: 'shapes', type: 'full' });
    writer.kill('SIGKILL');
    expect(job.state, job.message ?? '').toBe('warning');
    const log = await call<Array<{ level: string; text: string }>>(socket, 'job:log', { id: job.id });
    expect(log.find((line) => line.level === 'warn' && /growing\.log: file changed as we read it/.test(line.text))).toBeDefined();
    const [saveset] = await call<Saveset[]>(socket, 'saveset:list', {});
    expect(saveset).toMatchObject({ status: 'warning' });
  });

  it('cancels a backup while its data is being written: no saveset, no chunk, no index rows', async () => {
    const source = join(tempDir('cancel-src'), 'tree');
    mkdirSync(source, { recursive: true });
    const fd = openSync(join(source, 'large.bin'), 'w');
    const piece = Buffer.alloc(8 * 1024 * 1024, 0x5a);
    for (let i = 0; i < 40; i += 1) writeSync(fd, piece);
    closeSync(fd);
    const { socket, dataDir } = await setup(source, 1024 * 1024 * 1024);
    const vtl = join(dataDirPaths(dataDir).vtlDir, 'lib1');
    const chunkFiles = (): string[] => readdirSync(vtl, { recursive: true }).map(String).filter((name) => /\.c\d{3}$/.test(name));
    let id = '';
    let cancelled = false;
    // Cancelled once its first chunk file is on the cartridge (a backup this size may end between two
    // pushes of its progress, so the file is watched, not only the job's bytes).
    socket.on('delta', (delta: { change: { domain: string; change: { job: Job } } }) => {
      const job = delta.change.domain === 'jobs' ? delta.change.change.job : null;
      if (job && job.kind === 'backup' && job.state === 'running') id = job.id;
    });
    const watch = setInterval(() => {
      if (cancelled || id === '' || chunkFiles().length === 0) return;
      cancelled = true;
      void call(socket, 'job:cancel', { id });
    }, 2);
    const ended = await runJob(socket, 'backup:start', { task: 'shapes', type: 'full' }).finally(() => clearInterval(watch));
    expect(cancelled).toBe(true);
    expect(ended).toMatchObject({ id, state: 'cancelled' });
    expect(await call(socket, 'saveset:list', {})).toEqual([]);
    expect(chunkFiles()).toEqual([]);
    const drives = await call<Array<{ state: string; job: string | null }>>(socket, 'drive:list', {});
    expect(drives.every((drive) => drive.job === null)).toBe(true);
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(dataDirPaths(dataDir).catalog, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM pending_index').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM files').get()).toEqual({ n: 0 });
    db.close();
  });
});
