/**
 * A VTL data file written with O_DIRECT (and its buffered fallback): after close the file holds
 * exactly the bytes written, in order, with no padding, whatever the sizes of the writes; a
 * filesystem that refuses the first direct write gets it re-done buffered; a write error reaches
 * the caller. Real files, the real kernel: which mode a directory gets is probed, not assumed.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createDataFile, type DataFileOptions } from '../../agent/devices/vtl/data-file.js';
import { tempDir } from '../helpers/agents.js';
import { probeDirect } from '../helpers/direct-io.js';

const KIB = 1024;
const MIB = 1024 * KIB;
const SEED = Date.now() % 2 ** 31;

/** A small deterministic generator, so a failing pattern can be replayed from its seed. */
function generator(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * below);
  };
}

async function writeFile(dir: string, name: string, pieces: Buffer[], options: DataFileOptions = {}): Promise<{ mode: string; content: Buffer }> {
  const path = join(dir, name);
  const file = await createDataFile(path, options);
  for (const piece of pieces) await file.write(piece);
  await file.close();
  return { mode: file.mode, content: readFileSync(path) };
}

function sizes(random: (below: number) => number): Record<string, number[]> {
  return {
    empty: [],
    'one empty write': [0],
    'under one block': [1000],
    'exactly one block': [4096],
    'many small writes': Array.from({ length: 2000 }, () => 1 + random(3000)),
    'one big write past the stage': [17 * MIB + 3],
    'block multiples': Array.from({ length: 10 }, () => 4096 * (1 + random(400))),
    'stage size and one more': [8 * MIB, 1, 8 * MIB - 1, 4096],
    'batches like the chunk writer': Array.from({ length: 4 }, () => 4 * MIB + random(200 * KIB)),
    'mixed': Array.from({ length: 24 }, () => [random(10), 4096 * random(64), random(2 * MIB), 4 * MIB + random(5000)][random(4)] ?? 0),
  };
}

describe('VTL data file (O_DIRECT)', () => {
  it('is written directly where the filesystem takes O_DIRECT, byte for byte, whatever the write sizes', async () => {
    const dir = tempDir('direct-file');
    const { direct } = await probeDirect(dir);
    const random = generator(SEED);
    for (const [pattern, lengths] of Object.entries(sizes(random))) {
      const pieces = lengths.map((length) => randomBytes(length));
      const { mode, content } = await writeFile(dir, pattern.replaceAll(' ', '-'), pieces);
      expect(mode, `${pattern} (seed ${SEED})`).toBe(direct ? 'direct' : 'buffered');
      expect(content.length, `${pattern} (seed ${SEED})`).toBe(lengths.reduce((sum, length) => sum + length, 0));
      expect(content.equals(Buffer.concat(pieces)), `${pattern} (seed ${SEED})`).toBe(true);
    }
  });

  it('writes the same bytes buffered (the fallback), and with a staging area the kernel refuses', async () => {
    const dir = tempDir('direct-fallback');
    const { direct, checksAlignment } = await probeDirect(dir);
    const random = generator(SEED + 1);
    for (const [pattern, lengths] of Object.entries(sizes(random))) {
      const pieces = lengths.map((length) => randomBytes(length));
      const name = pattern.replaceAll(' ', '-');
      const buffered = await writeFile(dir, `${name}.buffered`, pieces, { direct: false });
      expect(buffered.mode).toBe('buffered');
      expect(buffered.content.equals(Buffer.concat(pieces)), `${pattern} buffered (seed ${SEED})`).toBe(true);
      // One byte off the page: the first direct write fails with EINVAL and is re-done buffered.
      const refused = await writeFile(dir, `${name}.refused`, pieces, { misalignStaging: true });
      const total = lengths.reduce((sum, length) => sum + length, 0);
      // A file under one block never reaches a direct write: its only bytes are the tail, written buffered.
      if (direct && checksAlignment && total >= 4096) expect(refused.mode, pattern).toBe('buffered');
      expect(refused.content.equals(Buffer.concat(pieces)), `${pattern} refused (seed ${SEED})`).toBe(true);
    }
  });

  it('writes correctly on tmpfs too (direct or not, as the kernel decides)', async () => {
    if (!existsSync('/dev/shm')) return;
    const dir = join('/dev/shm', `floe-direct-${process.pid}`);
    const { mkdirSync, rmSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    try {
      const pieces = [randomBytes(5 * MIB + 17), randomBytes(4096), randomBytes(3)];
      const { content } = await writeFile(dir, 'shm', pieces);
      expect(content.equals(Buffer.concat(pieces))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates a file only once, with mode 0600', async () => {
    const dir = tempDir('direct-excl');
    const file = await createDataFile(join(dir, 'one'));
    await file.close();
    expect(statSync(join(dir, 'one')).mode & 0o777).toBe(0o600);
    await expect(createDataFile(join(dir, 'one'))).rejects.toThrow(/EEXIST/);
  });

  it('passes a write error to the caller (the file size limit of the process: EFBIG)', () => {
    const dir = tempDir('direct-error');
    const module = fileURLToPath(new URL('../../agent/devices/vtl/data-file.ts', import.meta.url));
    const script = `
      import { createDataFile } from ${JSON.stringify(module)};
      const [path, options] = [process.argv[1], JSON.parse(process.argv[2])];
      const file = await createDataFile(path, options);
      const outcome = {};
      try { await file.write(Buffer.alloc(8 * 1024 * 1024, 7)); outcome.write = 'ok'; } catch (error) { outcome.write = error.code; }
      outcome.mode = file.mode;
      try { await file.close(); outcome.close = 'ok'; } catch (error) { outcome.close = error.code; }
      console.log(JSON.stringify(outcome));`;
    // 4097 KiB: the direct write stops short off a block boundary, the rest goes buffered and fails.
    for (const [name, options] of [['direct', {}], ['buffered', { direct: false }]] as const) {
      const path = join(dir, name);
      const run = spawnSync('bash', ['-c', 'ulimit -f 4097 && exec "$0" --import tsx --input-type=module -e "$1" "$2" "$3"', process.execPath, script, path, JSON.stringify(options)], { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) });
      expect(run.status, run.stderr).toBe(0);
      const outcome = JSON.parse(run.stdout.trim()) as { write: string; close: string };
      expect(outcome, name).toMatchObject({ write: 'EFBIG', close: 'EFBIG' });
      expect(statSync(path).size).toBe(4097 * 1024);
    }
  });
});
