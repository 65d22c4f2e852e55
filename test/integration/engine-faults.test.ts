/** Failures survived: kill -9 mid-backup, bit-rot on media, and the SEP sesam hooks with every argument. */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { dataDirPaths } from '../../agent/data-dir.js';
import type { Saveset } from '../../shared/engine.js';
import { initAgent, spawnAgent, startInProcess, tempDir, type SpawnedAgent } from '../helpers/agents.js';
import { call, connectAdmin, makeSourceTree, prepareLibrary, runJob, type Raw } from '../helpers/engine.js';
import { describeTree } from '../helpers/tree-compare.js';

const sha256Of = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function chunkPaths(dataDir: string, saveset: string): string[] {
  const root = join(dataDirPaths(dataDir).vtlDir, 'lib1');
  const out: string[] = [];
  for (const element of readdirSync(root)) {
    if (element === 'library.json') continue;
    for (const cartridge of readdirSync(join(root, element))) {
      for (const file of readdirSync(join(root, element, cartridge))) if (file.includes(`.${saveset}.c`)) out.push(join(root, element, cartridge, file));
    }
  }
  return out.sort((a, b) => a.slice(-4).localeCompare(b.slice(-4)));
}

describe('kill -9 of the agent during backups', () => {
  it('never leaves a visible partial saveset, and earlier savesets still restore bit-exact', async () => {
    const iterations = Number(process.env.FLOE_FAULT_ITERATIONS ?? 4);
    const init = await initAgent('hq-berlin');
    let agent: SpawnedAgent = await spawnAgent(init.dataDir);
    cleanups.push(() => agent.kill());
    let socket: Raw = await connectAdmin(init, agent.port);
    await prepareLibrary(socket, { labelled: 4 });
    const work = tempDir('faults');
    const source = join(work, 'source');
    mkdirSync(source);
    makeSourceTree(source);
    for (let i = 0; i < 40; i += 1) writeFileSync(join(source, `file-${i}.bin`), randomBytes(100_000));
    await call(socket, 'task:add', { name: 'docs', sources: [source], pool: 'DAILY', hooks: false });
    const first = await runJob(socket, 'backup:start', { task: 'docs' });
    expect(first.state).toBe('successful');
    const expected = describeTree(source);
    const [good] = await call<Saveset[]>(socket, 'saveset:list', {});

    for (let i = 0; i < iterations; i += 1) {
      await call(socket, 'backup:start', { task: 'docs', type: i % 2 ? 'incr' : 'full' });
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 60)));
      socket.close();
      await agent.kill('SIGKILL');
      agent = await spawnAgent(init.dataDir, { port: agent.port });
      socket = await connectAdmin(init, agent.port);
      const savesets = await call<Saveset[]>(socket, 'saveset:list', {});
      // Whatever is visible is complete: every chunk on media with its recorded size.
      for (const saveset of savesets) {
        const verify = await runJob(socket, 'verify:start', { saveset: saveset.id });
        expect(verify.state, `${saveset.id}: ${verify.message}`).toBe('successful');
      }
      const jobs = await call<Array<{ state: string; message: string | null }>>(socket, 'job:list', {});
      expect(jobs.filter((job) => !['successful', 'warning', 'error', 'cancelled'].includes(job.state))).toEqual([]);
      // The killed backup's index rows (written in place while it ran) are gone with it.
      const catalog = new Database(dataDirPaths(init.dataDir).catalog, { readonly: true });
      try {
        expect(catalog.prepare('SELECT COUNT(*) AS n FROM pending_index').get()).toEqual({ n: 0 });
        expect(catalog.prepare('SELECT COUNT(*) AS n FROM files WHERE saveset NOT IN (SELECT id FROM savesets)').get()).toEqual({ n: 0 });
      } finally {
        catalog.close();
      }
    }
    const target = join(work, 'restored');
    const restore = await runJob(socket, 'restore:start', { saveset: good?.id, to: target });
    expect(restore.state).toBe('successful');
    expect(describeTree(join(target, source.slice(1)))).toEqual(expected);
    socket.close();
  });
});

describe('bit-rot on media', () => {
  async function backedUp() {
    const init = await initAgent('hq-berlin');
    const agent = await startInProcess(init);
    const socket = await connectAdmin(init, agent.port);
    cleanups.push(async () => {
      socket.close();
      await agent.close();
    });
    await prepareLibrary(socket, { capacity: 1024 * 1024, labelled: 3 });
    const work = tempDir('rot');
    const source = join(work, 'source');
    mkdirSync(source);
    writeFileSync(join(source, 'early.txt'), 'stored in the first chunk\n');
    writeFileSync(join(source, 'middle.bin'), randomBytes(1_400_000));
    await call(socket, 'task:add', { name: 'docs', sources: [source], pool: 'DAILY', hooks: false });
    expect((await runJob(socket, 'backup:start', { task: 'docs' })).state).toBe('successful');
    const [saveset] = await call<Saveset[]>(socket, 'saveset:list', {});
    return { init, socket, source, work, saveset: saveset as Saveset, chunks: chunkPaths(init.dataDir, saveset?.id ?? '') };
  }

  /** Flips one byte of a chunk file, runs a read-back verify (which must fail) and returns its log. */
  async function flipByteAndVerify(socket: Parameters<typeof runJob>[0], saveset: string, chunk: string): Promise<string> {
    const bytes = readFileSync(chunk);
    bytes[1000] = (bytes[1000] ?? 0) ^ 0xff;
    writeFileSync(chunk, bytes);
    const verify = await runJob(socket, 'verify:start', { saveset, readData: true });
    expect(verify.state).toBe('error');
    return (await call<Array<{ text: string }>>(socket, 'job:log', { id: verify.id })).map((line) => line.text).join('\n');
  }

  it('verify --read-data names the saveset, the chunk and the file a flipped byte damaged; other files still restore', async () => {
    const { socket, source, work, saveset, chunks } = await backedUp();
    expect(chunks).toHaveLength(2);
    const log = await flipByteAndVerify(socket, saveset.id, chunks[1] ?? '');
    expect(log).toContain(`saveset ${saveset.id} chunk 1`);
    expect(log).toContain(`file ${join(source, 'middle.bin')} does not match its checksum`);
    expect(log).not.toContain('early.txt');

    const target = join(work, 'restored');
    const restore = await runJob(socket, 'restore:start', { saveset: saveset.id, to: target, paths: [join(source, 'early.txt')] });
    expect(restore.state).toBe('error');
    expect(restore.message).toContain('chunk 1');
    expect(readFileSync(join(target, source.slice(1), 'early.txt'), 'utf8')).toBe('stored in the first chunk\n');
  });

  it('structural verify names a truncated chunk and a missing one', async () => {
    const { socket, saveset, chunks } = await backedUp();
    truncateSync(chunks[0] ?? '', 1000);
    const truncated = await runJob(socket, 'verify:start', { saveset: saveset.id });
    expect(truncated).toMatchObject({ state: 'error', message: expect.stringMatching(/chunk 0 .* has 1000 bytes/) });
    rmSync(chunks[1] ?? '');
    const missing = await runJob(socket, 'verify:start', { saveset: saveset.id });
    const log = (await call<Array<{ text: string }>>(socket, 'job:log', { id: missing.id })).map((line) => line.text).join('\n');
    expect(log).toMatch(/chunk 1 \(file \d+ on DAILY0000\d\) is missing/);
  });

  it('a saveset recorded with SHA-256 (as agents before CRC-32 wrote them) still verifies, and a flipped byte is still named', async () => {
    const { init, socket, source, saveset, chunks } = await backedUp();
    // Rewrite the catalog record as an older agent left it: SHA-256 for the chunks and every file.
    const db = new Database(dataDirPaths(init.dataDir).catalog);
    try {
      db.prepare("UPDATE savesets SET checksum = 'sha256' WHERE id = ?").run(saveset.id);
      chunks.forEach((path, index) => db.prepare('UPDATE chunks SET checksum = ? WHERE saveset = ? AND idx = ?').run(sha256Of(readFileSync(path)), saveset.id, index));
      const files = db.prepare("SELECT path FROM files WHERE saveset = ? AND type = 'file' AND checksum IS NOT NULL").all(saveset.id) as Array<{ path: string }>;
      expect(files.map((file) => file.path).sort()).toEqual([join(source, 'early.txt'), join(source, 'middle.bin')]);
      for (const file of files) db.prepare('UPDATE files SET checksum = ? WHERE saveset = ? AND path = ?').run(sha256Of(readFileSync(file.path)), saveset.id, file.path);
    } finally {
      db.close();
    }
    expect((await runJob(socket, 'verify:start', { saveset: saveset.id, readData: true })).state).toBe('successful');
    const log = await flipByteAndVerify(socket, saveset.id, chunks[1] ?? '');
    expect(log).toContain(`saveset ${saveset.id} chunk 1`);
    expect(log).toContain(`file ${join(source, 'middle.bin')} does not match its checksum`);
  });
});

describe('hooks', () => {
  it('runs sbc_pre with 10 and sbc_post with 12 arguments, sm_notify, and sm_disaster with the catalog record', async () => {
    const init = await initAgent('hq-berlin');
    const hooks = join(init.dataDir, 'hooks');
    mkdirSync(hooks);
    const record = join(init.dataDir, 'hook-calls');
    for (const name of ['sbc_pre', 'sbc_post', 'sm_notify', 'sm_alarm', 'sm_disaster']) {
      const status = name === 'sbc_pre' || name === 'sbc_post' ? 'echo "STATUS:OK"' : '';
      writeFileSync(join(hooks, name), `#!/bin/sh\nprintf '%s\\n' "${name}" "$#" "$@" >> ${record}\necho "--" >> ${record}\n${status}\n`);
      chmodSync(join(hooks, name), 0o700);
    }
    const agent = await startInProcess(init);
    const socket = await connectAdmin(init, agent.port);
    cleanups.push(async () => {
      socket.close();
      await agent.close();
    });
    await prepareLibrary(socket);
    const source = join(tempDir('hooks'), 'source');
    mkdirSync(source);
    writeFileSync(join(source, 'a.txt'), 'a\n');
    await call(socket, 'task:add', { name: 'docs', sources: [source], pool: 'DAILY' });
    const job = await runJob(socket, 'backup:start', { task: 'docs', type: 'full' });
    expect(job.state).toBe('successful');
    const [saveset] = await call<Saveset[]>(socket, 'saveset:list', {});
    await expect.poll(() => readFileSync(record, 'utf8').includes('sm_disaster')).toBe(true);
    const calls = readFileSync(record, 'utf8').split('--\n').filter(Boolean).map((block) => block.trim().split('\n'));
    const byName = new Map(calls.map(([name, count, ...args]) => [name, { count: Number(count), args }]));
    expect(byName.get('sbc_pre')).toEqual({ count: 10, args: [source, expect.any(String), 'docs', 'lib1:0', 'full', '1', saveset?.id, 'DAILY00001', 'DAILY', 'manual'] });
    expect(byName.get('sbc_post')).toEqual({ count: 12, args: [source, expect.any(String), 'docs', 'lib1:0', 'F', '1', 'ok', '1', saveset?.id, 'DAILY00001', 'DAILY', expect.stringMatching(/^20\d\d-/)] });
    expect(byName.get('sm_notify')?.args[0]).toBe('sbc');
    const disaster = byName.get('sm_disaster')?.args[0] ?? '';
    expect(JSON.parse(readFileSync(disaster, 'utf8'))).toMatchObject({ saveset: { id: saveset?.id }, chunks: [{ label: 'DAILY00001' }] });
    expect(byName.has('sm_alarm')).toBe(false);
    expect(execFileSync('stat', ['-c', '%a', disaster]).toString().trim()).toBe('600');
  });

  it('a PRE error stops the backup unless the task says otherwise; BACKUP_SRC replaces the source; a POST error makes a warning', async () => {
    const init = await initAgent('hq-berlin');
    const hooks = join(init.dataDir, 'hooks');
    mkdirSync(hooks);
    const work = tempDir('hooks');
    const source = join(work, 'source');
    const snapshot = join(work, 'snapshot');
    mkdirSync(source);
    mkdirSync(snapshot);
    writeFileSync(join(snapshot, 'from-snapshot.txt'), 'x\n');
    const pre = join(hooks, 'sbc_pre');
    const post = join(hooks, 'sbc_post');
    writeFileSync(pre, '#!/bin/sh\necho "STATUS:ERROR database not quiesced"\n');
    writeFileSync(post, '#!/bin/sh\necho "STATUS:OK"\n');
    chmodSync(pre, 0o700);
    chmodSync(post, 0o700);
    const agent = await startInProcess(init);
    const socket = await connectAdmin(init, agent.port);
    cleanups.push(async () => {
      socket.close();
      await agent.close();
    });
    await prepareLibrary(socket);
    await call(socket, 'task:add', { name: 'db', sources: [source], pool: 'DAILY' });
    expect(await runJob(socket, 'backup:start', { task: 'db' })).toMatchObject({ state: 'error', message: expect.stringContaining('database not quiesced') });
    expect(await call(socket, 'saveset:list', {})).toEqual([]);

    writeFileSync(pre, `#!/bin/sh\necho "STATUS:OK BACKUP_SRC=${snapshot}"\n`);
    writeFileSync(post, '#!/bin/sh\necho "STATUS:ERROR could not restart the service"\n');
    const job = await runJob(socket, 'backup:start', { task: 'db' });
    expect(job.state).toBe('warning');
    const [saveset] = await call<Saveset[]>(socket, 'saveset:list', {});
    const page = await call<{ entries: Array<{ name: string }> }>(socket, 'saveset:browse', { id: saveset?.id, dir: snapshot });
    expect(page.entries.map((entry) => entry.name)).toEqual(['from-snapshot.txt']);
  });
});
