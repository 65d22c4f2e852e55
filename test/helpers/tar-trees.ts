/**
 * Source trees for the tar engine tests: every kind of member GNU tar must carry (long and unicode
 * names, symlinks, hard links, empty directories, sparse files, a > 8 GiB sparse file, odd modes,
 * fractional mtimes), and a comparison of two trees by type, mode, mtime, link target and content.
 */
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, ftruncateSync, linkSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, readlinkSync, symlinkSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const LONG_DIR = `${'long-directory-name-'.repeat(4)}x`; // > 80 bytes
export const LONG_FILE = `${LONG_DIR}/${'f'.repeat(40)}.txt`; // > 100 bytes
export const VERY_LONG_FILE = `${LONG_DIR}/${'deeper-'.repeat(20)}/${'g'.repeat(60)}.bin`; // > 255 bytes
export const UNICODE_FILE = 'unicode/héllo wörld 世界 🚀.txt';
export const BIG_SPARSE_SIZE = 9 * 1024 ** 3 + 4096;

/** Member names in archive order (parents before children). */
export const TREE_MEMBERS = [
  'tree',
  'tree/plain.txt',
  'tree/exec.sh',
  'tree/empty-dir',
  `tree/${LONG_DIR}`,
  `tree/${LONG_FILE}`,
  `tree/${LONG_DIR}/${'deeper-'.repeat(20)}`,
  `tree/${VERY_LONG_FILE}`,
  'tree/unicode',
  `tree/${UNICODE_FILE}`,
  'tree/link-to-plain',
  'tree/hard-to-plain',
  'tree/sparse.bin',
  'tree/big-sparse.img',
  'tree/empty.txt',
];

export function makeTree(root: string): void {
  const at = (name: string): string => join(root, 'tree', name);
  mkdirSync(at(`${LONG_DIR}/${'deeper-'.repeat(20)}`), { recursive: true });
  mkdirSync(at('empty-dir'));
  mkdirSync(at('unicode'));
  writeFileSync(at('plain.txt'), 'plain text\n'.repeat(100));
  writeFileSync(at('exec.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(at('exec.sh'), 0o751);
  writeFileSync(at(LONG_FILE), 'long name\n');
  writeFileSync(at(VERY_LONG_FILE), Buffer.from(Array.from({ length: 70_000 }, (_, index) => (index * 7) % 251)));
  writeFileSync(at(UNICODE_FILE), 'unicode ✓\n');
  writeFileSync(at('empty.txt'), '');
  symlinkSync('plain.txt', at('link-to-plain'));
  linkSync(at('plain.txt'), at('hard-to-plain'));
  const sparse = openSync(at('sparse.bin'), 'w');
  writeSync(sparse, Buffer.alloc(8192, 0x5a), 0, 8192, 1024 * 1024);
  writeSync(sparse, Buffer.from('tail'), 0, 4, 3 * 1024 * 1024);
  closeSync(sparse);
  const big = openSync(at('big-sparse.img'), 'w');
  ftruncateSync(big, BIG_SPARSE_SIZE);
  writeSync(big, Buffer.from('data at the end'), 0, 15, BIG_SPARSE_SIZE - 4096);
  closeSync(big);
  utimesSync(at('plain.txt'), 1_600_000_000.25, 1_600_000_000.123456);
  utimesSync(at('exec.sh'), 1_500_000_000, 1_500_000_000.5);
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface TreeNode {
  type: 'file' | 'directory' | 'symlink' | 'other';
  mode: number;
  mtimeMs: number;
  size: number;
  target: string | null;
  sha: string | null;
  ino: number;
}

/** Every path under root (relative), with what a restore must reproduce. Big sparse files are hashed only by size. */
export function describeTree(root: string): Map<string, TreeNode> {
  const nodes = new Map<string, TreeNode>();
  const walk = (relative: string): void => {
    for (const name of readdirSync(join(root, relative))) {
      const path = relative === '' ? name : `${relative}/${name}`;
      const full = join(root, path);
      const stat = lstatSync(full);
      const type = stat.isSymbolicLink() ? 'symlink' : stat.isDirectory() ? 'directory' : stat.isFile() ? 'file' : 'other';
      nodes.set(path, {
        type,
        mode: stat.mode & 0o7777,
        mtimeMs: type === 'symlink' ? 0 : Math.floor(stat.mtimeMs),
        size: type === 'file' ? stat.size : 0,
        target: type === 'symlink' ? readlinkSync(full) : null,
        sha: type === 'file' && stat.size < 64 * 1024 * 1024 ? sha256(readFileSync(full)) : null,
        ino: stat.ino,
      });
      if (type === 'directory') walk(path);
    }
  };
  walk('');
  return nodes;
}

/** The tree without inode numbers (which differ between source and restore). */
export function comparable(nodes: Map<string, TreeNode>): Record<string, Omit<TreeNode, 'ino'>> {
  return Object.fromEntries([...nodes].map(([path, { ino: _ino, ...rest }]) => [path, rest]));
}
