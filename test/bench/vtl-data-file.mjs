// Benchmark of a VTL data file written with O_DIRECT against the buffered writer (the fallback, and
// the writer before O_DIRECT), beside `dd` writing the same bytes both ways, in the same run.
// Run: node --import tsx test/bench/vtl-data-file.mjs   (ROUNDS=3, MB=128 by default)
// Prints numbers only; it never passes or fails. What matters is the system CPU of the libuv
// threadpool (page-cache copy and writeback submission), which a backup takes from its stream worker.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataFile } from '../../agent/devices/vtl/data-file.js';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const MB = Number(process.env.MB ?? 128);
const WRITE = 4 * 1024 * 1024;
const root = mkdtempSync(join(tmpdir(), 'floe-bench-vtl-'));
const TICK_MS = 10;

/** User and system time (ms) of each thread of this process, from /proc (10 ms ticks). */
function threadTimes() {
  const times = new Map();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
      times.set(tid, { user: Number(fields[11]) * TICK_MS, system: Number(fields[12]) * TICK_MS });
    } catch {
      // the thread ended
    }
  }
  return times;
}

async function writeOnce(mode, round) {
  // Distinct buffers as the chunk writer passes them; the content does not matter to the kernel.
  const pieces = Array.from({ length: 4 }, () => randomBytes(WRITE));
  const path = join(root, `${mode}-${round}`);
  execFileSync('sync');
  const threadsBefore = threadTimes();
  const cpuBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  const file = await createDataFile(path, { direct: mode === 'direct' });
  for (let written = 0; written < MB * 1024 * 1024; written += WRITE) await file.write(pieces[(written / WRITE) % pieces.length]);
  await file.close();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  let pool = 0;
  let main = 0;
  for (const [tid, after] of threadTimes()) {
    const before = threadsBefore.get(tid) ?? { user: 0, system: 0 };
    if (tid === String(process.pid)) main = after.system - before.system;
    else pool += after.system - before.system;
  }
  rmSync(path);
  console.log(
    `${mode.padEnd(8)} ${file.mode.padEnd(8)} ${seconds.toFixed(3)} s  ${(MB / seconds).toFixed(0)} MB/s  process user ${(cpu.user / 1000).toFixed(0)} ms sys ${(cpu.system / 1000).toFixed(0)} ms  (threads sys: main ${main} ms, others ${pool} ms)`,
  );
}

function dd(flags) {
  const path = join(root, 'dd');
  execFileSync('sync');
  const out = execFileSync('bash', ['-c', `TIMEFORMAT='%R %U %S'; { time dd if=/dev/zero of=${path} bs=4M count=${MB / 4} ${flags} 2>/dev/null; } 2>&1`], { encoding: 'utf8' }).trim();
  const [real, user, system] = out.split(' ');
  rmSync(path);
  console.log(`dd ${flags.padEnd(28)} ${real} s  user ${(Number(user) * 1000).toFixed(0)} ms sys ${(Number(system) * 1000).toFixed(0)} ms`);
}

try {
  console.log(`VTL data file: ${MB} MB in 4 MiB writes + fsync, ${ROUNDS} rounds each, in ${tmpdir()}`);
  dd('conv=fdatasync');
  dd('oflag=direct conv=fdatasync');
  for (let round = 0; round < ROUNDS; round++) {
    await writeOnce('buffered', round);
    await writeOnce('direct', round);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
