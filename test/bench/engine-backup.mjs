// End-to-end benchmark of a Floe backup and restore on a real agent (uncompressed tasks: the stream
// worker walks the sources and writes the stream with Floe's pax writer, files read by the native
// reader; the index worker writes the file index; chunks on a virtual tape library, written with
// O_DIRECT and fsynced; catalog commit), beside GNU tar on the same data in the same run. Run: node
// --import tsx test/bench/engine-backup.mjs. Prints figures; never fails. FLOE_BENCH_ROUNDS rounds
// (default 3), each printed, then the best of each figure and the spread (the machine may be shared).
// The headline ratio is Floe against plain `tar --create -f FILE` (no fsync); a second anchor,
// "tar+fsync", also flushes the archive to disk as Floe does with its chunks.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { open } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSmallTree } from './lib/small-tree.mjs';
import { initDataDir } from '../../agent/init.js';
import { silentLogger } from '../../agent/log.js';
import { startAgent } from '../../agent/server/agent.js';
import pino from 'pino';
import { closeIdleWorkers } from '../../agent/engine/worker-pool.js';
import { call, connectAdmin, runJob } from '../helpers/engine.js';

const SMALL = Number(process.env.FLOE_BENCH_SMALL_FILES ?? 20_000);
const LARGE = Number(process.env.FLOE_BENCH_LARGE_FILES ?? 4);
const LARGE_MB = Number(process.env.FLOE_BENCH_LARGE_MB ?? 128);
const ROUNDS = Number(process.env.FLOE_BENCH_ROUNDS ?? 3);
const MB = 1e6;

const root = mkdtempSync(join(tmpdir(), 'floe-bench-engine-'));
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;

/** The longest the agent's event loop (this process) went without running a 50 ms timer, in ms. */
const lag = { max: 0, last: 0 };
function watchEventLoop() {
  lag.last = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    lag.max = Math.max(lag.max, now - lag.last - 50);
    lag.last = now;
  }, 50);
  timer.unref();
}

/** Runs a command without blocking the event loop (the agent under test shares this process). */
const run = promisify(execFile);

async function timed(fn) {
  await run('sync');
  const start = process.hrtime.bigint();
  await fn();
  return seconds(start);
}

function makeTrees() {
  const small = join(root, 'small');
  const smallBytes = makeSmallTree(small, SMALL);
  const large = join(root, 'large');
  mkdirSync(large);
  for (let i = 0; i < LARGE; i++) {
    const block = randomBytes(MB);
    const parts = Array.from({ length: LARGE_MB }, (_, n) => (n % 2 ? block : block.reverse()));
    writeFileSync(join(large, `big${i}.bin`), Buffer.concat(parts));
  }
  return { small, smallBytes, large, largeBytes: LARGE * LARGE_MB * MB };
}

async function main() {
  console.log(`# Floe end-to-end backup benchmark — ${new Date().toISOString()}`);
  console.log(`# command: node --import tsx test/bench/engine-backup.mjs   (FLOE_BENCH_SMALL_FILES=${SMALL} FLOE_BENCH_LARGE_FILES=${LARGE} FLOE_BENCH_LARGE_MB=${LARGE_MB} FLOE_BENCH_ROUNDS=${ROUNDS})`);
  console.log(`# machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ${execFileSync('tar', ['--version']).toString().split('\n')[0]}`);
  console.log('# anchor: tar --create --format=pax -f FILE DIR (tar+fsync: then fsync FILE), and tar -x -f FILE -C DIR (tar -x disk: FILE read with dd iflag=direct, from the disk as Floe reads its O_DIRECT-written chunks), on the same data; sync before each step');
  console.log('# Floe backup includes scan, index, checksums, fsync of every chunk and the catalog commit; ratio = GNU tar time / Floe time (>1: Floe faster)');
  console.log('# an unmeasured warm-up backup and restore of one file runs first (from the sources, the first of a process bundles the worker threads);');
  console.log('# every measured backup is the first after the agent\'s start: the agent is restarted and the backup starts 1 s after the agent logged that it warmed up its backup workers (agent/engine/warm-up.ts, 3 s after a start, here at once);');
  console.log('# the small set is also backed up with the pool empty ("workers cold": a backup within the agent\'s first 3 s), and once more at once, its workers warm from the last job, as every later backup would ("workers warm")');
  const trees = makeTrees();
  watchEventLoop();
  const init = await initDataDir({ dataDir: join(root, 'agent'), name: 'bench', listen: '127.0.0.1:0', now: new Date() });
  let agent = await startAgent({ dataDir: init.dataDir, logger: silentLogger(), listen: { host: '127.0.0.1', port: 0 }, warmUpAfterMs: 0 });
  /** Restarts the agent and resolves once it has warmed up its backup workers. */
  const restartWarm = async () => {
    await agent.close();
    let ended;
    const done = new Promise((resolve) => (ended = resolve));
    // The warm-up's one line: warmed up, not warmed up (a backup came first) or could not be.
    const logger = pino({ level: 'info' }, { write: (line) => ((JSON.parse(line).msg ?? '').includes('backup workers') ? ended(JSON.parse(line).msg) : undefined) });
    agent = await startAgent({ dataDir: init.dataDir, logger, listen: { host: '127.0.0.1', port: 0 }, warmUpAfterMs: 0 });
    const said = await done;
    if (said !== 'backup workers warmed up') throw new Error(`the restarted agent said: ${said}`);
  };
  let socket = await connectAdmin(init, agent.port);
  try {
    await call(socket, 'loader:create', { name: 'lib1', kind: 'vtl', drives: 1, slots: 4, ieSlots: 0, capacity: 64 * 1024 ** 3, barcodePrefix: 'BN' });
    await call(socket, 'pool:add', { name: 'BENCH' });
    await call(socket, 'media:label', { loader: 'lib1', slot: 1, pool: 'BENCH' });
    const best = new Map();
    const keep = (key, value) => best.set(key, [...(best.get(key) ?? []), value]);
    const sets = [
      ['small', trees.small, trees.smallBytes, SMALL],
      ['large', trees.large, trees.largeBytes, LARGE],
    ];
    for (const [name, dir] of sets) await call(socket, 'task:add', { name, sources: [dir], pool: 'BENCH', hooks: false });
    // Warm-up, not measured: from the TypeScript sources the first backup and restore of a process
    // also bundle their worker threads (an installed agent loads them built).
    const warm = join(root, 'warm');
    mkdirSync(warm);
    writeFileSync(join(warm, 'file.txt'), 'warm-up\n');
    await call(socket, 'task:add', { name: 'warm', sources: [warm], pool: 'BENCH', hooks: false });
    const warmed = await runJob(socket, 'backup:start', { task: 'warm', type: 'full' }, 600_000);
    const [warmSet] = await call(socket, 'saveset:list', { task: 'warm' });
    await runJob(socket, 'restore:start', { saveset: warmSet.id, to: join(root, 'warm-restore') }, 600_000);
    if (warmed.state !== 'successful') throw new Error(`the warm-up backup ended ${warmed.state}: ${warmed.message}`);
    const line = (name, what, files, bytes, anchorName, anchor, mine) =>
      `${name.padEnd(6)} ${what.padEnd(8)} ${anchorName.padEnd(11)} ${(files / anchor).toFixed(0).padStart(7)} files/s ${(bytes / MB / anchor).toFixed(1).padStart(8)} MB/s | Floe ${(files / mine).toFixed(0).padStart(7)} files/s ${(bytes / MB / mine).toFixed(1).padStart(8)} MB/s | ratio ${(anchor / mine).toFixed(2)}x`;
    for (let round = 1; round <= ROUNDS; round++) {
      console.log(`## round ${round}`);
      for (const [name, dir, bytes, files] of sets) {
        // A fresh admin connection per step: a long run otherwise outlives the socket (calls then time out).
        socket.close();
        socket = await connectAdmin(init, agent.port);
        const archive = join(root, `${name}.tar`);
        const tarCreate = await timed(() => run('tar', ['--create', '--format=pax', '-f', archive, dir]));
        const tarSynced = await timed(async () => {
          await run('tar', ['--create', '--format=pax', '-f', archive, dir]);
          const handle = await open(archive, 'r');
          await handle.sync();
          await handle.close();
        });
        // Workers cold: the pool empty, as in the agent's first seconds (the small set only).
        let coldJob;
        await closeIdleWorkers();
        const oursCold = name === 'small' ? await timed(async () => {
          coldJob = await runJob(socket, 'backup:start', { task: name, type: 'full' }, 600_000);
        }) : null;
        if (coldJob && coldJob.state !== 'successful') throw new Error(`cold backup ${name} ended ${coldJob.state}: ${coldJob.message}`);
        // The headline: the first backup after the agent's start, its workers warmed up by the agent.
        socket.close();
        await restartWarm();
        socket = await connectAdmin(init, agent.port);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        let job;
        lag.max = 0;
        const ours = await timed(async () => {
          job = await runJob(socket, 'backup:start', { task: name, type: 'full' }, 600_000);
        });
        if (job.state !== 'successful') throw new Error(`backup ${name} ended ${job.state}: ${job.message}`);
        const backupLag = lag.max;
        if (round === 1) {
          const log = await call(socket, 'job:log', { id: job.id });
          console.log(`# ${name}: ${log.find((entry) => entry.text.startsWith('writing the stream'))?.text ?? 'no data path line in the job log'}`);
        }
        // The same backup again at once, its workers warm from the pool (as the next task of a nightly run).
        let warmJob;
        const oursWarm = name === 'small' ? await timed(async () => {
          warmJob = await runJob(socket, 'backup:start', { task: name, type: 'full' }, 600_000);
        }) : null;
        if (warmJob && warmJob.state !== 'successful') throw new Error(`warm backup ${name} ended ${warmJob.state}: ${warmJob.message}`);
        const plain = join(root, `${name}-tar-out`);
        mkdirSync(plain);
        const tarExtract = await timed(() => run('tar', ['-x', '-f', archive, '-C', plain]));
        // Floe's chunks bypass the page cache (O_DIRECT), so its restore reads them from the disk; tar's
        // archive, just written, is in the page cache. This anchor reads it from the disk too.
        const fromDisk = join(root, `${name}-tar-out-disk`);
        mkdirSync(fromDisk);
        const tarExtractDisk = await timed(() => run('sh', ['-c', 'dd if="$1" iflag=direct bs=1M status=none | tar -x -f - -C "$2"', 'sh', archive, fromDisk]));
        rmSync(fromDisk, { recursive: true, force: true });
        const savesets = await call(socket, 'saveset:list', { task: name });
        const saveset = savesets[savesets.length - 1];
        const target = join(root, `${name}-restore`);
        let restore;
        lag.max = 0;
        const oursRestore = await timed(async () => {
          restore = await runJob(socket, 'restore:start', { saveset: saveset.id, to: target }, 600_000);
        });
        if (restore.state !== 'successful') throw new Error(`restore ${name} ended ${restore.state}: ${restore.message}`);
        const restoreLag = lag.max;
        console.log(line(name, 'backup', files, bytes, 'GNU tar', tarCreate, ours));
        console.log(line(name, 'backup', files, bytes, 'tar+fsync', tarSynced, ours));
        if (oursWarm !== null) console.log(`${line(name, 'backup', files, bytes, 'GNU tar', tarCreate, oursWarm)} (workers warm)`);
        if (oursCold !== null) console.log(`${line(name, 'backup', files, bytes, 'GNU tar', tarCreate, oursCold)} (workers cold)`);
        console.log(line(name, 'restore', files, bytes, 'GNU tar -x', tarExtract, oursRestore));
        console.log(line(name, 'restore', files, bytes, 'tar -x disk', tarExtractDisk, oursRestore));
        console.log(`${name.padEnd(6)} longest event-loop stall of the agent during its backup: ${backupLag} ms, during its restore: ${restoreLag} ms`);
        keep(`${name} backup`, tarCreate / ours);
        keep(`${name} backup (tar+fsync)`, tarSynced / ours);
        if (oursWarm !== null) keep(`${name} backup (workers warm)`, tarCreate / oursWarm);
        if (oursCold !== null) keep(`${name} backup (workers cold)`, tarCreate / oursCold);
        keep(`${name} restore`, tarExtract / oursRestore);
        keep(`${name} restore (archive from disk)`, tarExtractDisk / oursRestore);
        rmSync(plain, { recursive: true, force: true });
        rmSync(target, { recursive: true, force: true });
        rmSync(archive, { force: true });
      }
    }
    console.log(`## ratios over ${ROUNDS} rounds (best, then min–median–max)`);
    for (const [key, values] of best) {
      const sorted = [...values].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      console.log(`${key.padEnd(28)} best ${sorted[sorted.length - 1].toFixed(2)}x   spread ${sorted[0].toFixed(2)}–${median.toFixed(2)}–${sorted[sorted.length - 1].toFixed(2)}x`);
    }
  } finally {
    socket.close();
    await agent.close();
    rmSync(root, { recursive: true, force: true });
  }
}

await main().catch((error) => {
  console.log(`# FAILED: ${error.message}; longest event-loop stall since the last backup started: ${lag.max} ms`);
  process.exitCode = 1;
});
