// Benchmark of the restore data path alone (no agent, no media): GNU tar -x beside safeExtract, on
// archives written by GNU tar, restored into tmpfs (/dev/shm when present) so the shared disk's
// writeback does not decide the figures. Each round runs every contender once, in turn; the
// figures are medians over FLOE_BENCH_ROUNDS rounds (default 5), wall time and CPU time (user+sys
// of this process and its waited-for children, from /proc/self/stat). Prints figures; never fails.
// Run: node --import tsx test/bench/restore-path.mjs
// Contenders: "tar -x" (tar -x -f ARCHIVE -C DIR); "floe" (safeExtract as restores use it: small
// members through GNU tar, files of DIRECT_MIN_BYTES and more by the direct writer); "via tar"
// (direct: false: every member piped to GNU tar); "all direct" (directMinBytes: 0: every plain
// member by the direct writer). FLOE_BENCH_BASELINE=DIR adds "baseline": safeExtract from another
// checkout (e.g. the commit before a change) in the same rounds.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSmallTree } from './lib/small-tree.mjs';
import { safeExtract } from '../../agent/engine/tar/safe-extract.js';

const SMALL = Number(process.env.FLOE_BENCH_SMALL_FILES ?? 20_000);
const LARGE = Number(process.env.FLOE_BENCH_LARGE_FILES ?? 2);
const LARGE_MB = Number(process.env.FLOE_BENCH_LARGE_MB ?? 256);
const ROUNDS = Number(process.env.FLOE_BENCH_ROUNDS ?? 5);
const MB = 1e6;
const fast = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const root = mkdtempSync(join(tmpdir(), 'floe-bench-restore-'));
const out = mkdtempSync(join(fast, 'floe-bench-restore-out-'));

const ticks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
/** CPU seconds of this process plus its waited-for children (utime, stime, cutime, cstime). */
function cpuSeconds() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / ticks;
}

function runTar(args) {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', args, { stdio: 'ignore', env: { ...process.env, LC_ALL: 'C' } });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar ${args.join(' ')} exited ${code}`))));
  });
}

function makeData() {
  const small = join(root, 'src', 'small');
  const smallBytes = makeSmallTree(small, SMALL);
  const large = join(root, 'src', 'large');
  mkdirSync(large);
  const block = randomBytes(MB);
  for (let i = 0; i < LARGE; i++) writeFileSync(join(large, `big${i}.bin`), Buffer.concat(Array.from({ length: LARGE_MB }, () => block)));
  for (const name of ['small', 'large']) execFileSync('tar', ['--create', '--format=pax', '--numeric-owner', '--pax-option=delete=atime,delete=ctime', '-f', join(root, `${name}.tar`), name], { cwd: join(root, 'src') });
  rmSync(join(root, 'src'), { recursive: true, force: true });
  return { small: { files: SMALL, bytes: smallBytes }, large: { files: LARGE, bytes: LARGE * LARGE_MB * MB } };
}

async function main() {
  const contenders = [
    ['tar -x', (archive, target) => runTar(['-x', '-f', archive, '-C', target])],
    ['floe', (archive, target) => safeExtract(createReadStream(archive, { highWaterMark: 1024 * 1024 }), target)],
    ['via tar', (archive, target) => safeExtract(createReadStream(archive, { highWaterMark: 1024 * 1024 }), target, { direct: false })],
    ['all direct', (archive, target) => safeExtract(createReadStream(archive, { highWaterMark: 1024 * 1024 }), target, { directMinBytes: 0 })],
  ];
  if (process.env.FLOE_BENCH_BASELINE) {
    const baseline = await import(join(process.env.FLOE_BENCH_BASELINE, 'agent/engine/tar/safe-extract.ts'));
    contenders.push(['baseline', (archive, target) => baseline.safeExtract(createReadStream(archive, { highWaterMark: 1024 * 1024 }), target)]);
  }
  console.log(`# Floe restore data-path benchmark — ${new Date().toISOString()}`);
  console.log(`# command: node --import tsx test/bench/restore-path.mjs   (FLOE_BENCH_SMALL_FILES=${SMALL} FLOE_BENCH_LARGE_FILES=${LARGE} FLOE_BENCH_LARGE_MB=${LARGE_MB} FLOE_BENCH_ROUNDS=${ROUNDS}${process.env.FLOE_BENCH_BASELINE ? ` FLOE_BENCH_BASELINE=${process.env.FLOE_BENCH_BASELINE}` : ''})`);
  console.log(`# machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ${execFileSync('tar', ['--version']).toString().split('\n')[0]}; load average before: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  console.log(`# restores into ${fast} (tmpfs when /dev/shm), archive in the page cache; medians over ${ROUNDS} rounds, contenders in turn; ratio = tar -x time / contender time`);
  const sets = makeData();
  for (const [name, { files, bytes }] of Object.entries(sets)) {
    const archive = join(root, `${name}.tar`);
    readFileSync(archive); // into the page cache
    const times = new Map(contenders.map(([label]) => [label, { wall: [], cpu: [] }]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [label, restore] of contenders) {
        const target = join(out, label.replace(/\W/g, '-'));
        mkdirSync(target);
        const cpu = cpuSeconds();
        const start = process.hrtime.bigint();
        await restore(archive, target);
        times.get(label).wall.push(Number(process.hrtime.bigint() - start) / 1e9);
        times.get(label).cpu.push(cpuSeconds() - cpu);
        rmSync(target, { recursive: true, force: true });
      }
    }
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const anchor = median(times.get('tar -x').wall);
    for (const [label, { wall, cpu }] of times) {
      const w = median(wall);
      console.log(
        `${name.padEnd(6)} ${label.padEnd(10)} ${(files / w).toFixed(0).padStart(7)} files/s ${(bytes / MB / w).toFixed(1).padStart(8)} MB/s  wall ${w.toFixed(3)} s (min ${Math.min(...wall).toFixed(3)}, max ${Math.max(...wall).toFixed(3)})  cpu ${median(cpu).toFixed(2)} s | ratio ${(anchor / w).toFixed(2)}x`,
      );
    }
  }
}

try {
  await main();
} finally {
  rmSync(root, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
}
