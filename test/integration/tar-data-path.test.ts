import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, createReadStream, createWriteStream, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TarEntry } from '../../agent/engine/tar/entry.js';
import { gunzipCapped } from '../../agent/engine/tar/gunzip-capped.js';
import { safeExtract } from '../../agent/engine/tar/safe-extract.js';
import { spawnTarCreate } from '../../agent/engine/tar/tar-create.js';
import { TarIndexer } from '../../agent/engine/tar/tar-indexer.js';
import { REPO_ROOT, tempDir } from '../helpers/agents.js';
import { TREE_MEMBERS, comparable, describeTree, makeTree } from '../helpers/tar-trees.js';

let root: string;
let archivePath: string;
let entries: TarEntry[];
let created: { exitCode: number; warnings: string[] };

function gnuTar(args: string[], cwd: string): void {
  execFileSync('tar', args, { cwd, env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'ignore', 'pipe'] });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  root = tempDir('tar-data-path');
  mkdirSync(join(root, 'src'));
  makeTree(join(root, 'src'));
  archivePath = join(root, 'saveset.tar');
  entries = [];
  async function* names(): AsyncIterable<string> {
    yield* TREE_MEMBERS;
  }
  const run = spawnTarCreate({ cwd: join(root, 'src'), paths: names() });
  await pipeline(run.stdout, new TarIndexer({ onEntry: (entry) => entries.push(entry) }), createWriteStream(archivePath));
  created = await run.done;
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('backup data path: spawnTarCreate → indexer → file', () => {
  it('writes every listed member (no recursion) and GNU tar restores the tree identically', () => {
    expect(created).toEqual({ exitCode: 0, warnings: [] });
    expect(entries.map((entry) => entry.path.replace(/\/$/, ''))).toEqual(TREE_MEMBERS);
    const restored = join(root, 'gnu-restore');
    mkdirSync(restored);
    gnuTar(['-x', '-f', archivePath], restored);
    const source = describeTree(join(root, 'src'));
    const copy = describeTree(restored);
    expect(comparable(copy)).toEqual(comparable(source));
    expect(copy.get('tree/hard-to-plain')?.ino).toBe(copy.get('tree/plain.txt')?.ino);
    expect(lstatSync(join(restored, 'tree/big-sparse.img')).blocks * 512).toBeLessThan(1024 * 1024);
  });

  it('turns a file that grows while tar reads it into a warning, not a failure', async () => {
    const dir = join(root, 'growing');
    mkdirSync(dir);
    writeFileSync(join(dir, 'log'), Buffer.alloc(8 * 1024 * 1024, 0x61));
    const run = spawnTarCreate({ cwd: dir, paths: ['log', 'vanished'] });
    run.stdout.pause();
    await once(run.stdout, 'readable');
    appendFileSync(join(dir, 'log'), 'more\n'); // tar is blocked on the full pipe, in the middle of the file
    run.stdout.resume();
    run.stdout.on('data', () => undefined);
    const result = await run.done;
    expect(result.exitCode).toBe(1);
    expect(result.warnings.join('\n')).toMatch(/log: file changed as we read it/);
    expect(result.warnings.join('\n')).toMatch(/vanished: .*No such file/);
  });

  it('kills tar when aborted', async () => {
    const controller = new AbortController();
    const run = spawnTarCreate({ cwd: join(root, 'growing'), paths: ['log'], signal: controller.signal });
    run.stdout.pause();
    await once(run.stdout, 'readable');
    expect(alive(run.pid as number)).toBe(true);
    controller.abort();
    run.stdout.resume();
    await expect(run.done).rejects.toMatchObject({ code: 'ABORTED' });
    expect(alive(run.pid as number)).toBe(false);
  });

  it('reports a tar failure (exit 2) with its first stderr line', async () => {
    const run = spawnTarCreate({ cwd: join(root, 'no-such-dir'), paths: ['x'] });
    run.stdout.resume();
    await expect(run.done).rejects.toMatchObject({ code: 'TAR_FAILED' });
  });
});

describe('safeExtract', () => {
  it('restores a real archive bit-exact', async () => {
    const target = join(root, 'safe-restore');
    mkdirSync(target);
    const result = await safeExtract(createReadStream(archivePath, { highWaterMark: 3001 }), target);
    expect(result).toMatchObject({ extracted: TREE_MEMBERS.length, skipped: [], skippedCount: 0, warnings: [] });
    const copy = describeTree(target);
    expect(comparable(copy)).toEqual(comparable(describeTree(join(root, 'src'))));
    expect(copy.get('tree/hard-to-plain')?.ino).toBe(copy.get('tree/plain.txt')?.ino);
  });

  it('stops tar and rejects with ABORTED when the restore is cancelled', async () => {
    const target = join(root, 'aborted');
    mkdirSync(target);
    const controller = new AbortController();
    const input = new PassThrough();
    input.write(readFileSync(archivePath).subarray(0, 4096));
    const restore = safeExtract(input, target, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await expect(restore).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('restores only the selected paths', async () => {
    const target = join(root, 'selected');
    mkdirSync(target);
    const result = await safeExtract(createReadStream(archivePath), target, { select: (path) => path === 'tree/exec.sh' || path.startsWith('tree/unicode') });
    expect(result.extracted).toBe(3);
    expect(result.unselected).toBe(TREE_MEMBERS.length - 3);
    expect([...describeTree(target).keys()].sort()).toEqual(['tree', 'tree/exec.sh', 'tree/unicode', 'tree/unicode/héllo wörld 世界 🚀.txt']);
    expect(readFileSync(join(target, 'tree/exec.sh'))).toEqual(readFileSync(join(root, 'src/tree/exec.sh')));
  });
});

type Outcome = { code?: string; skipped: Array<[string, RegExp]>; extracted?: string[] };

const HOSTILE: Record<string, Outcome & { limits?: Record<string, number> }> = {
  'dotdot.tar': { skipped: [['../escape-dotdot.txt', /'\.\.'/], ['sub/../../escape-dotdot2.txt', /'\.\.'/]], extracted: ['ok.txt'] },
  'absolute.tar': { skipped: [['/tmp/floe-hostile-absolute.txt', /absolute path/], ['/tmp/floe-hostile-absolute-pax.txt', /absolute path/]] },
  'pax-dotdot.tar': { skipped: [['../escape-pax.txt', /'\.\.'/], ['../escape-longname.txt', /'\.\.'/]] },
  'symlink-write-through.tar': {
    skipped: [['evil', /absolute path/], ['up', /outside the restore target/], ['inner/through-inner.txt', /parent "inner" is a symlink/], ['chain', /passes through another symlink/]],
    extracted: ['evil', 'evil/floe-hostile-through.txt', 'inner', 'sub', 'sub/kept.txt'],
  },
  'symlink-etc-hardlink.tar': { skipped: [['etc', /absolute path/], ['passwd', /was not restored earlier/], ['shadow', /absolute path/]] },
  'hardlink-outside.tar': {
    skipped: [['h-abs', /absolute path/], ['h-up', /'\.\.'/], ['h-missing', /was not restored earlier/]],
    extracted: ['h-ok', 'real.txt'],
  },
  'devices.tar': { skipped: [['null-dev', /device, FIFO/], ['fifo', /device, FIFO/], ['data-link', /must not carry data/]] },
  'deep.tar': { code: 'LIMIT', skipped: [] },
  'huge-size.tar': { code: 'TAR_FORMAT', limits: { maxEntryBytes: 1024 ** 3 }, skipped: [['huge-octal.bin', /more than maxEntryBytes/]] },
  'huge-base256.tar': { code: 'TAR_FORMAT', skipped: [['huge-base256.bin', /more than maxEntryBytes/]] },
  'many-entries.tar': { code: 'LIMIT', limits: { maxEntries: 100 }, skipped: [] },
  'bad-checksum.tar': { code: 'TAR_FORMAT', skipped: [] },
  'truncated.tar': { code: 'TAR_FORMAT', skipped: [] },
};

function listAll(dir: string, skip: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path === skip) continue;
    out.push(path);
    if (lstatSync(path).isDirectory()) out.push(...listAll(path, skip));
  }
  return out;
}

describe('safeExtract of the hostile corpus', () => {
  it('the committed corpus is exactly what scripts/make-hostile-corpus.mjs writes', () => {
    const out = tempDir('hostile-regen');
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/make-hostile-corpus.mjs'), out]);
    const committed = join(REPO_ROOT, 'test/fixtures/hostile');
    expect(readdirSync(out).sort()).toEqual(readdirSync(committed).sort());
    for (const name of readdirSync(out)) expect(readFileSync(join(out, name)).equals(readFileSync(join(committed, name))), name).toBe(true);
    expect(Object.keys(HOSTILE).sort()).toEqual(readdirSync(committed).sort());
    rmSync(out, { recursive: true, force: true });
  });

  it.each(Object.entries(HOSTILE).flatMap(([name, outcome]) => [[name, outcome, 'default'] as const, [name, outcome, 'all direct'] as const]))('%s (%s writer): nothing outside the target, each refusal reported', async (name, outcome, writer) => {
    const parent = tempDir('hostile');
    const target = join(parent, 'target');
    mkdirSync(target);
    writeFileSync(join(parent, 'sentinel'), 'outside');
    const before = listAll(parent, target);
    const tmpBefore = readdirSync(tmpdir()).filter((entry) => entry.startsWith('floe-hostile-'));
    const input = createReadStream(join(REPO_ROOT, 'test/fixtures/hostile', name));
    const settled = await safeExtract(input, target, { limits: outcome.limits, ...(writer === 'all direct' ? { directMinBytes: 0 } : {}) }).then(
      (result) => ({ result, error: null }),
      (error: { code: string; result: Awaited<ReturnType<typeof safeExtract>> }) => ({ result: error.result, error }),
    );
    expect(settled.error?.code).toBe(outcome.code);
    expect(settled.result.skipped.map((skip) => skip.path)).toEqual(outcome.skipped.map(([path]) => path));
    outcome.skipped.forEach(([, reason], index) => expect(settled.result.skipped[index]?.reason).toMatch(reason));
    expect(listAll(parent, target)).toEqual(before);
    expect(readFileSync(join(parent, 'sentinel'), 'utf8')).toBe('outside');
    expect(readdirSync(tmpdir()).filter((entry) => entry.startsWith('floe-hostile-'))).toEqual(tmpBefore);
    expect(existsSync(join(parent, 'escape-dotdot.txt')) || existsSync('/escape-dotdot.txt')).toBe(false);
    if (outcome.extracted) expect(listAll(target, '').map((path) => path.slice(target.length + 1)).sort()).toEqual(outcome.extracted);
    rmSync(parent, { recursive: true, force: true });
  });

  it('stops a gzip bomb (10 GiB of zeros in ~10 MB) with gunzipCapped', async () => {
    const zeros = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: constants.Z_BEST_COMPRESSION });
    const header = Buffer.alloc(1024);
    header.write('bomb.bin', 0);
    header.write('0000644\0' + '0000000\0' + '0000000\0', 100);
    header.write('77777777777\0', 124);
    header.write('00000000000\0', 136);
    header.write('0', 156);
    header.write('ustar\u000000', 257);
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (let index = 0; index < 512; index++) sum += header[index] as number;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    const members = [gzipSync(header.subarray(0, 512)), ...Array.from({ length: 160 }, () => zeros)];
    expect(members.reduce((total, member) => total + member.length, 0)).toBeLessThan(16 * 1024 * 1024);

    const ratio = new PassThrough();
    Readable.from(members).pipe(ratio);
    let out = 0;
    const byRatio = pipeline(ratio, gunzipCapped(64 * 1024 ** 3, { ratioGraceBytes: 32 * 1024 * 1024 }), async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) out += chunk.length;
    });
    await expect(byRatio).rejects.toMatchObject({ code: 'LIMIT', message: expect.stringMatching(/expands more than 1000 times/) });
    expect(out).toBeLessThan(64 * 1024 * 1024);

    const parent = tempDir('bomb');
    const target = join(parent, 'target');
    mkdirSync(target);
    const capped = Readable.from(members).pipe(gunzipCapped(16 * 1024 * 1024, { maxRatio: Infinity }));
    await expect(safeExtract(capped, target)).rejects.toMatchObject({ code: 'LIMIT', message: expect.stringMatching(/more than 16777216 bytes/) });
    expect(statSync(join(target, 'bomb.bin'), { throwIfNoEntry: false })?.size ?? 0).toBeLessThanOrEqual(16 * 1024 * 1024);
    rmSync(parent, { recursive: true, force: true });
  });
});
