// Benchmark of the GNU tar data path (gzip tasks, and agents without getfattr; uncompressed backups
// use Floe's own writer, measured end to end by engine-backup.mjs) against GNU tar, in the same run.
// Run: node --import tsx test/bench/data-path.mjs
// Prints numbers only; it never passes or fails. Targets (ARCHITECTURE: data path): our backup path
// >= 0.8x GNU tar's files/s on small files and >= 0.9x its MB/s on large files.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, openSync, writeSync, closeSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { cpus, tmpdir, totalmem, type as osType, release } from 'node:os';
import { join } from 'node:path';
import { makeSmallTree } from './lib/small-tree.mjs';
import { pipeline } from 'node:stream/promises';
import { safeExtract } from '../../agent/engine/tar/safe-extract.js';
import { spawnTarCreate } from '../../agent/engine/tar/tar-create.js';
import { TarIndexer } from '../../agent/engine/tar/tar-indexer.js';

const SMALL_FILES = 20_000;
const LARGE_FILES = 4;
const LARGE_SIZE = 256 * 1024 * 1024;
const ROUNDS = 2;

const root = mkdtempSync(join(tmpdir(), 'floe-bench-tar-'));
const MiB = 1024 * 1024;

function run(command, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, LC_ALL: 'C' } });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}`))));
  });
}

/** Flushes dirty pages first (untimed), so one step's writeback does not land in the next step's time. */
async function timed(fn) {
  execFileSync('sync');
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Our own scan: directories first, then their contents, names relative to cwd. */
async function* walk(cwd, relative) {
  yield relative;
  const subdirs = [];
  const names = [];
  for (const entry of await readdir(join(cwd, relative), { withFileTypes: true })) {
    const path = `${relative}/${entry.name}`;
    if (entry.isDirectory()) subdirs.push(path);
    else names.push(path);
  }
  yield* names;
  for (const subdir of subdirs) yield* walk(cwd, subdir);
}

function makeLargeFiles(dir) {
  mkdirSync(dir);
  const block = randomBytes(16 * MiB);
  for (let file = 0; file < LARGE_FILES; file++) {
    const fd = openSync(join(dir, `large${file}.bin`), 'w');
    for (let offset = 0; offset < LARGE_SIZE; offset += block.length) {
      block.writeUInt32LE(file * 1000 + offset / block.length, 0);
      writeSync(fd, block);
    }
    closeSync(fd);
  }
  return LARGE_FILES * LARGE_SIZE;
}

async function ourCreate(cwd, name, out) {
  let files = 0;
  const job = spawnTarCreate({ cwd, paths: walk(cwd, name) });
  // A 4 MiB write buffer: with fs's default 16 KiB the file writes alone halve the throughput.
  await pipeline(job.stdout, new TarIndexer({ checksum: 'crc32', onEntry: (entry) => { if (entry.type === 'file') files++; } }), createWriteStream(out, { highWaterMark: 4 * MiB }));
  const { exitCode } = await job.done;
  if (exitCode !== 0) throw new Error(`tar exited ${exitCode}`);
  return files;
}

async function measure(label, cwd, name, files, bytes) {
  const gnuOut = join(root, `${name}-gnu.tar`);
  const ourOut = join(root, `${name}-ours.tar`);
  const best = { gnuCreate: Infinity, ourCreate: Infinity, gnuExtract: Infinity, ourExtract: Infinity };
  for (let round = 0; round < ROUNDS; round++) {
    best.gnuCreate = Math.min(best.gnuCreate, await timed(() => run('tar', ['--create', '--format=pax', `--file=${gnuOut}`, name], cwd)));
    let indexed = 0;
    best.ourCreate = Math.min(best.ourCreate, await timed(async () => (indexed = await ourCreate(cwd, name, ourOut))));
    if (indexed !== files) throw new Error(`indexed ${indexed} files, expected ${files}`);
    const gnuTarget = join(root, 'x-gnu');
    const ourTarget = join(root, 'x-ours');
    mkdirSync(gnuTarget);
    mkdirSync(ourTarget);
    best.gnuExtract = Math.min(best.gnuExtract, await timed(() => run('tar', ['--extract', `--file=${ourOut}`, '-C', gnuTarget], root)));
    best.ourExtract = Math.min(best.ourExtract, await timed(() => safeExtract(createReadStream(ourOut, { highWaterMark: MiB }), ourTarget)));
    rmSync(gnuTarget, { recursive: true, force: true });
    rmSync(ourTarget, { recursive: true, force: true });
  }
  const line = (what, anchor, ours) =>
    `${label.padEnd(22)} ${what.padEnd(8)} GNU tar ${(files / anchor).toFixed(0).padStart(8)} files/s ${((bytes / MiB) / anchor).toFixed(1).padStart(8)} MB/s | ours ${(files / ours).toFixed(0).padStart(8)} files/s ${((bytes / MiB) / ours).toFixed(1).padStart(8)} MB/s | ratio ${(anchor / ours).toFixed(2)}x`;
  console.log(line('create', best.gnuCreate, best.ourCreate));
  console.log(line('extract', best.gnuExtract, best.ourExtract));
  console.log(`${''.padEnd(22)} archive sizes: GNU tar ${statSync(gnuOut).size} bytes, ours ${statSync(ourOut).size} bytes`);
  rmSync(gnuOut, { force: true });
  rmSync(ourOut, { force: true });
}

try {
  const cpu = cpus();
  console.log(`# Floe data-path benchmark — ${new Date().toISOString()}`);
  console.log(`# command: node --import tsx test/bench/data-path.mjs`);
  console.log(`# machine: ${osType()} ${release()}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown cpu'}, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, node ${process.version}, ${execFileSync('tar', ['--version']).toString().split('\n')[0]}`);
  console.log(`# anchor create: tar --create --format=pax --file=OUT DIR (tar walks the tree itself)`);
  console.log(`# ours create (the GNU tar data path: gzip tasks, agents without getfattr): own directory walk → spawnTarCreate (GNU tar, file list on stdin) → TarIndexer (CRC-32 per file, as backups since 2026-11-29) → file`);
  console.log(`# anchor extract: tar --extract --file=ARCHIVE -C DIR; ours: safeExtract(file stream, DIR). Best of ${ROUNDS} rounds, warm page cache, sync before each step.`);
  const smallBytes = makeSmallTree(join(root, 'small'), SMALL_FILES);
  const largeBytes = makeLargeFiles(join(root, 'large'));
  await measure(`${SMALL_FILES} files 1–8 KiB`, root, 'small', SMALL_FILES, smallBytes);
  await measure(`${LARGE_FILES} × 256 MiB`, root, 'large', LARGE_FILES, largeBytes);
} finally {
  rmSync(root, { recursive: true, force: true });
}
