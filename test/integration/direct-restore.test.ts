/**
 * safeExtract's direct writer (direct-writer.ts) against GNU tar as the oracle: the same archive
 * restored with `direct: false` (every member through GNU tar) and with the default (plain members
 * written by us, members with extended attributes through tar) must give the same tree. Also what
 * is already in the target: a symlink at a file's name is replaced, never written through; an
 * existing directory keeps its mode. Archives come from real GNU tar.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, createReadStream, linkSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { safeExtract } from '../../agent/engine/tar/safe-extract.js';
import { runRestoreWorker } from '../../agent/engine/restore-job.js';
import type { RestoreWorkerInput } from '../../agent/engine/restore-protocol.js';
import { selector } from '../../agent/engine/restore-selection.js';
import { tarFeatures } from '../../agent/engine/tar/gnu-tar.js';
import { DEFAULT_EXTRACT_LIMITS } from '../../agent/engine/tar/extract-policy.js';
import { tempDir } from '../helpers/agents.js';
import { comparable, describeTree } from '../helpers/tar-trees.js';

const ROOT = process.getuid?.() === 0;

function tarCreate(cwd: string, archive: string, names: string[]): void {
  execFileSync('tar', ['--create', '--format=pax', '--xattrs', '--numeric-owner', '--no-recursion', `--file=${archive}`, ...names], { cwd, env: { ...process.env, LC_ALL: 'C' } });
}

const python = (code: string, ...args: string[]) => spawnSync('python3', ['-c', code, ...args], { encoding: 'utf8' });
const setXattr = (path: string, name: string, value: string) => python('import os,sys; os.setxattr(sys.argv[1], sys.argv[2], sys.argv[3].encode())', path, name, value).status === 0;
const getXattr = (path: string, name: string) => python('import os,sys; print(os.getxattr(sys.argv[1], sys.argv[2]).decode())', path, name).stdout.trim();

async function restoreBoth(archive: string, parent: string, options: { keepSpecialBits?: boolean } = {}) {
  const viaTar = join(parent, 'via-tar');
  const direct = join(parent, 'direct');
  mkdirSync(viaTar, { recursive: true });
  mkdirSync(direct, { recursive: true });
  const tarResult = await safeExtract(createReadStream(archive), viaTar, { ...options, direct: false });
  const directResult = await safeExtract(createReadStream(archive, { highWaterMark: 1500 }), direct, { ...options, directMinBytes: 0 });
  return { viaTar, direct, tarResult, directResult };
}

describe('direct writer', () => {
  it('restores what GNU tar restores: modes (0500 directory with contents, odd file modes), fractional mtimes, owners, links', async () => {
    const parent = tempDir('direct-shapes');
    const src = join(parent, 'src');
    mkdirSync(join(src, 'top/locked/deeper'), { recursive: true });
    mkdirSync(join(src, 'top/open'));
    writeFileSync(join(src, 'top/locked/deeper/inside.txt'), 'inside a 0500 directory\n');
    writeFileSync(join(src, 'top/open/rw-all'), 'x'.repeat(70_000));
    writeFileSync(join(src, 'top/open/private'), 'secret\n');
    writeFileSync(join(src, 'top/open/setuid'), '#!/bin/sh\n');
    writeFileSync(join(src, 'top/empty'), '');
    chmodSync(join(src, 'top/open/rw-all'), 0o666);
    chmodSync(join(src, 'top/open/private'), 0o600);
    chmodSync(join(src, 'top/open/setuid'), 0o4755);
    symlinkSync('open/private', join(src, 'top/to-private'));
    linkSync(join(src, 'top/open/private'), join(src, 'top/hard-private'));
    utimesSync(join(src, 'top/open/private'), 1_600_000_000, 1_600_000_000.75);
    utimesSync(join(src, 'top/locked/deeper'), 1_500_000_000, 1_500_000_000.5);
    chmodSync(join(src, 'top/locked/deeper'), 0o500);
    chmodSync(join(src, 'top/locked'), 0o555);
    const names = ['top', 'top/locked', 'top/locked/deeper', 'top/locked/deeper/inside.txt', 'top/open', 'top/open/rw-all', 'top/open/private', 'top/open/setuid', 'top/empty', 'top/to-private', 'top/hard-private'];
    const archive = join(parent, 'shapes.tar');
    tarCreate(src, archive, names);

    const plain = await restoreBoth(archive, join(parent, 'plain'), {});
    expect(plain.directResult).toEqual(plain.tarResult);
    const tree = describeTree(plain.direct);
    expect(comparable(tree)).toEqual(comparable(describeTree(plain.viaTar)));
    expect(tree.get('top/open/setuid')?.mode).toBe(0o755);
    expect(tree.get('top/locked/deeper')?.mode).toBe(0o500);
    expect(tree.get('top/hard-private')?.ino).toBe(tree.get('top/open/private')?.ino);
    expect(readFileSync(join(plain.direct, 'top/locked/deeper/inside.txt'), 'utf8')).toBe('inside a 0500 directory\n');
    if (ROOT) {
      const kept = await restoreBoth(archive, join(parent, 'kept'), { keepSpecialBits: true });
      expect(comparable(describeTree(kept.direct))).toEqual(comparable(describeTree(kept.viaTar)));
      expect(statSync(join(kept.direct, 'top/open/setuid')).mode & 0o7777).toBe(0o4755);
    }
    for (const root of [plain.direct, plain.viaTar]) chmodSync(join(root, 'top/locked/deeper'), 0o700);
  });

  it('replaces a symlink at a file name instead of writing through it; an existing directory keeps its mode; an empty directory at a file name is replaced', async () => {
    const parent = tempDir('direct-existing');
    const src = join(parent, 'src');
    mkdirSync(join(src, 'kept-dir'), { recursive: true });
    writeFileSync(join(src, 'through.txt'), 'from the archive\n');
    writeFileSync(join(src, 'kept-dir/file'), 'in the kept directory\n');
    writeFileSync(join(src, 'was-dir'), 'a file now\n');
    chmodSync(join(src, 'kept-dir'), 0o755);
    const archive = join(parent, 'existing.tar');
    tarCreate(src, archive, ['through.txt', 'kept-dir', 'kept-dir/file', 'was-dir']);

    const outside = join(parent, 'outside.txt');
    writeFileSync(outside, 'must not change\n');
    const target = join(parent, 'target');
    mkdirSync(join(target, 'kept-dir'), { recursive: true });
    chmodSync(join(target, 'kept-dir'), 0o711);
    mkdirSync(join(target, 'was-dir'));
    symlinkSync(outside, join(target, 'through.txt'));

    const result = await safeExtract(createReadStream(archive), target, { directMinBytes: 0 });
    expect(result).toMatchObject({ extracted: 4, skippedCount: 0, warnings: [] });
    expect(readFileSync(outside, 'utf8')).toBe('must not change\n');
    expect(lstatSync(join(target, 'through.txt')).isFile()).toBe(true);
    expect(readFileSync(join(target, 'through.txt'), 'utf8')).toBe('from the archive\n');
    expect(statSync(join(target, 'kept-dir')).mode & 0o7777).toBe(0o711);
    expect(readFileSync(join(target, 'kept-dir/file'), 'utf8')).toBe('in the kept directory\n');
    expect(readFileSync(join(target, 'was-dir'), 'utf8')).toBe('a file now\n');
  });

  it('a file that cannot be written fails the restore with TAR_FAILED naming it; the other members are restored', async () => {
    const parent = tempDir('direct-fail');
    const src = join(parent, 'src');
    mkdirSync(join(src, 'busy'), { recursive: true });
    writeFileSync(join(src, 'busy/inner'), 'inner\n');
    writeFileSync(join(src, 'first.txt'), 'first\n');
    writeFileSync(join(src, 'last.txt'), 'last\n');
    const archive = join(parent, 'fail.tar');
    // "busy" as a file in the archive, while the target has a non-empty directory there.
    const flat = join(parent, 'flat');
    mkdirSync(flat);
    writeFileSync(join(flat, 'busy'), 'a file\n');
    writeFileSync(join(flat, 'first.txt'), 'first\n');
    writeFileSync(join(flat, 'last.txt'), 'last\n');
    tarCreate(flat, archive, ['first.txt', 'busy', 'last.txt']);
    const target = join(parent, 'target');
    mkdirSync(join(target, 'busy'), { recursive: true });
    writeFileSync(join(target, 'busy/keep'), 'keep\n');
    const error = await safeExtract(createReadStream(archive), target, { directMinBytes: 0 }).catch((failure: unknown) => failure);
    expect(error).toMatchObject({ code: 'TAR_FAILED', message: expect.stringMatching(/^busy: Cannot open: ENOTEMPTY/) });
    expect((error as { result: { extracted: number } }).result.extracted).toBe(3);
    expect(readFileSync(join(target, 'last.txt'), 'utf8')).toBe('last\n');
    expect(readFileSync(join(target, 'busy/keep'), 'utf8')).toBe('keep\n');
  });

  it('switches between GNU tar (small members) and the direct writer (big files): contents, and the directory tar created keeps its mode and time', async () => {
    const parent = tempDir('direct-switch');
    const src = join(parent, 'src');
    mkdirSync(join(src, 'ro'), { recursive: true });
    writeFileSync(join(src, 'ro/a.txt'), 'small a\n');
    writeFileSync(join(src, 'ro/big.bin'), Buffer.alloc(300_000, 0x42));
    writeFileSync(join(src, 'ro/z.txt'), 'small z\n');
    writeFileSync(join(src, 'big2.bin'), Buffer.alloc(200_000, 0x43));
    utimesSync(join(src, 'ro'), 1_300_000_000, 1_300_000_000);
    chmodSync(join(src, 'ro'), 0o555);
    const archive = join(parent, 'switch.tar');
    writeFileSync(join(src, 'first.txt'), 'small first: tar, so the directory after it goes to tar too\n');
    tarCreate(src, archive, ['first.txt', 'ro', 'ro/a.txt', 'ro/big.bin', 'ro/z.txt', 'big2.bin']);
    chmodSync(join(src, 'ro'), 0o755);
    const viaTar = join(parent, 'via-tar');
    const mixed = join(parent, 'mixed');
    mkdirSync(viaTar);
    mkdirSync(mixed);
    await safeExtract(createReadStream(archive), viaTar, { direct: false });
    const result = await safeExtract(createReadStream(archive, { highWaterMark: 4096 }), mixed, { directMinBytes: 100_000 });
    expect(result).toMatchObject({ extracted: 6, skippedCount: 0, warnings: [] });
    const tree = describeTree(mixed);
    expect(comparable(tree)).toEqual(comparable(describeTree(viaTar)));
    expect(tree.get('ro')).toMatchObject({ mode: 0o555, mtimeMs: 1_300_000_000_000 });
    expect(tree.get('ro/big.bin')?.size).toBe(300_000);
  });

  const XATTRS = (() => {
    const probe = join(tempDir('direct-xattr-probe'), 'f');
    writeFileSync(probe, '');
    return setXattr(probe, 'user.probe', '1');
  })();

  it.skipIf(!XATTRS)('members with extended attributes go to GNU tar between direct ones: attributes, hard links to them and directory times all come back', async () => {
    const parent = tempDir('direct-mixed');
    const src = join(parent, 'src');
    mkdirSync(join(src, 'd/tagged-dir'), { recursive: true });
    writeFileSync(join(src, 'd/a.txt'), 'plain a\n');
    writeFileSync(join(src, 'd/x.txt'), 'tagged x\n');
    writeFileSync(join(src, 'd/b.txt'), 'plain b\n');
    writeFileSync(join(src, 'd/tagged-dir/in.txt'), 'inside a tagged directory\n');
    expect(setXattr(join(src, 'd/x.txt'), 'user.floe.kind', 'tagged')).toBe(true);
    expect(setXattr(join(src, 'd/tagged-dir'), 'user.floe.kind', 'dir')).toBe(true);
    linkSync(join(src, 'd/x.txt'), join(src, 'd/hard-x'));
    utimesSync(join(src, 'd'), 1_400_000_000, 1_400_000_000);
    utimesSync(join(src, 'd/tagged-dir'), 1_450_000_000, 1_450_000_000);
    const archive = join(parent, 'mixed.tar');
    tarCreate(src, archive, ['d', 'd/a.txt', 'd/x.txt', 'd/hard-x', 'd/b.txt', 'd/tagged-dir', 'd/tagged-dir/in.txt']);

    const { direct, viaTar, directResult } = await restoreBoth(archive, parent);
    expect(directResult).toMatchObject({ extracted: 7, skippedCount: 0, warnings: [] });
    const tree = describeTree(direct);
    expect(comparable(tree)).toEqual(comparable(describeTree(viaTar)));
    expect(tree.get('d/hard-x')?.ino).toBe(tree.get('d/x.txt')?.ino);
    expect(tree.get('d')?.mtimeMs).toBe(1_400_000_000_000);
    expect(tree.get('d/tagged-dir')?.mtimeMs).toBe(1_450_000_000_000);
    expect(getXattr(join(direct, 'd/x.txt'), 'user.floe.kind')).toBe('tagged');
    expect(getXattr(join(direct, 'd/tagged-dir'), 'user.floe.kind')).toBe('dir');
  });
});

describe('restore selection (worker side)', () => {
  it('rebuilds the member filter from roots, hard-link peers and the chain state', () => {
    expect(selector({ roots: null, peers: [], only: null })).toBeUndefined();
    const roots = selector({ roots: ['/data/a'], peers: ['/data/other/peer'], only: null }) as (member: string) => boolean;
    expect(['data/a', 'data/a/', 'data/a/x', 'data/other/peer'].map(roots)).toEqual([true, true, true, true]);
    expect(['data/ab', 'data', 'data/other'].map(roots)).toEqual([false, false, false]);
    const chain = selector({ roots: ['/data'], peers: [], only: ['/data/kept', '/data'] }) as (member: string) => boolean;
    expect(['data/', 'data/kept', 'data/newer'].map(chain)).toEqual([true, true, false]);
    const everything = selector({ roots: null, peers: [], only: ['/x'] }) as (member: string) => boolean;
    expect(['x', 'y'].map(everything)).toEqual([true, false]);
  });
});

describe('restore worker (runRestoreWorker)', () => {
  const input = (to: string): RestoreWorkerInput => ({
    to,
    compress: 'none',
    maxInflatedBytes: 2 ** 40,
    limits: DEFAULT_EXTRACT_LIMITS,
    keepSpecialBits: false,
    selection: { roots: null, peers: [], only: null },
    tarFeatures: tarFeatures(),
  });

  function smallArchive(parent: string): Buffer {
    const src = join(parent, 'src');
    mkdirSync(src, { recursive: true });
    for (let index = 0; index < 50; index++) writeFileSync(join(src, `f${index}`), `file ${index}\n`.repeat(200));
    const archive = join(parent, 'small.tar');
    tarCreate(src, archive, Array.from({ length: 50 }, (_, index) => `f${index}`));
    return readFileSync(archive);
  }

  it('restores through the worker, and a truncated stream rejects with TAR_FORMAT and what was restored', async () => {
    const parent = tempDir('worker-restore');
    const data = smallArchive(parent);
    const whole = join(parent, 'whole');
    mkdirSync(whole);
    async function* pieces(bytes: Buffer): AsyncGenerator<Buffer> {
      for (let offset = 0; offset < bytes.length; offset += 7000) yield Buffer.from(bytes.subarray(offset, offset + 7000));
    }
    const result = await runRestoreWorker(input(whole), pieces(data), { onProgress: () => undefined }, new AbortController().signal);
    expect(result).toMatchObject({ extracted: 50, skippedCount: 0 });
    expect(readFileSync(join(whole, 'f49'), 'utf8')).toBe('file 49\n'.repeat(200));

    const cut = join(parent, 'cut');
    mkdirSync(cut);
    const error = await runRestoreWorker(input(cut), pieces(data.subarray(0, 20_000)), { onProgress: () => undefined }, new AbortController().signal).catch((failure: unknown) => failure);
    expect(error).toMatchObject({ code: 'TAR_FORMAT', message: expect.stringMatching(/truncated/) });
    expect((error as { result: { extracted: number } }).result.extracted).toBeGreaterThan(0);
  });

  it('a cancelled restore ends without waiting for a media read that does not come back', async () => {
    const parent = tempDir('worker-cancel');
    const data = smallArchive(parent);
    const target = join(parent, 'target');
    mkdirSync(target);
    async function* stalled(): AsyncGenerator<Buffer> {
      yield Buffer.from(data.subarray(0, 8192));
      await new Promise(() => undefined);
    }
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled by the test')), 300);
    const started = Date.now();
    await expect(runRestoreWorker(input(target), stalled(), { onProgress: () => undefined }, controller.signal)).rejects.toThrow('cancelled by the test');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
