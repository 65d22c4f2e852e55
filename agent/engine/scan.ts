/**
 * Walks a task's sources and decides what a backup saves: everything for a full or a copy; for a
 * differential or an incremental, what changed against the reference state (size, mtime, ctime
 * or inode differ), plus every directory, plus a "deleted" record for each path that vanished.
 * Never archive bits or the source's own flags.
 */
import { lstatSync, readdirSync, readlinkSync, type BigIntStats } from 'node:fs';
import { resolve } from 'node:path';
import type { IndexRow } from './engine-store.js';
import type { PathMatcher } from './glob.js';

export type ReferenceState = ReadonlyMap<string, Pick<IndexRow, 'type' | 'size' | 'mtime' | 'ctime' | 'ino'>>;

function changed(previous: ReferenceState extends ReadonlyMap<string, infer V> ? V : never, current: IndexRow): boolean {
  return previous.type !== current.type || previous.size !== current.size || previous.mtime !== current.mtime || previous.ctime !== current.ctime || previous.ino !== current.ino;
}

/**
 * Milliseconds since the epoch of a time in nanoseconds, computed exactly as Node's (non-bigint)
 * Stats computes `mtimeMs` (`sec * 1e3 + nsec / 1e6`): the two compare equal, and rows written
 * before and after the switch to nanosecond stats compare equal.
 */
export function millisecondsOf(ns: bigint): number {
  return Number(ns / 1_000_000_000n) * 1e3 + Number(ns % 1_000_000_000n) / 1e6;
}

function rowOf(path: string): { row: IndexRow; stats: BigIntStats } {
  const stats = lstatSync(path, { bigint: true });
  const type: IndexRow['type'] = stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : stats.isSymbolicLink() ? 'symlink' : 'other';
  const row: IndexRow = {
    path,
    type,
    size: type === 'file' ? Number(stats.size) : 0,
    mtime: millisecondsOf(stats.mtimeNs) / 1000,
    ctime: millisecondsOf(stats.ctimeNs) / 1000,
    ino: Number(stats.ino),
    mode: Number(stats.mode) & 0o7777,
    uid: Number(stats.uid),
    gid: Number(stats.gid),
    checksum: null,
    linkTarget: type === 'symlink' ? readlinkSync(path) : null,
    deleted: false,
  };
  return { row, stats };
}

/** One scanned path: its index row, and whether the archive must carry it. */
export interface ScannedPath {
  readonly row: IndexRow;
  readonly archive: boolean;
  /** The path's lstat (nanosecond times), or null for a "deleted" record. */
  readonly stats: BigIntStats | null;
}

/**
 * The walk itself, synchronous and streaming: yields each path as soon as it is stat'ed (parents
 * before children, names sorted), then the "deleted" records. The backup worker feeds GNU tar from
 * it while the walk goes on. Warnings (unreadable paths) go to `warn`.
 */
export function* walkSources(sources: readonly string[], exclude: PathMatcher, reference: ReferenceState | null, warn: (text: string) => void): Generator<ScannedPath> {
  const seen = new Set<string>();
  const roots = sources.map((source) => resolve(source));
  // Depth first without recursion (nested generators cost per path and per level): the paths still
  // to visit, children pushed in reverse so that they come out sorted, before the next sibling.
  const pending = [...roots].reverse();
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (seen.has(path) || exclude(path)) continue;
    seen.add(path);
    let row: IndexRow;
    let stats: BigIntStats;
    try {
      ({ row, stats } = rowOf(path));
    } catch (error) {
      warn(`skipped ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      continue;
    }
    const before = reference?.get(path);
    if (reference === null || row.type === 'directory' || !before || changed(before, row)) yield { row, archive: true, stats };
    if (row.type !== 'directory') continue;
    let names: string[];
    try {
      names = readdirSync(path).sort();
    } catch (error) {
      warn(`cannot read directory ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      continue;
    }
    const prefix = path === '/' ? '/' : `${path}/`; // a normalized path: plain concatenation is enough
    for (let index = names.length - 1; index >= 0; index -= 1) pending.push(prefix + (names[index] as string));
  }
  if (reference !== null) {
    for (const [path, previous] of reference) {
      if (seen.has(path) || !roots.some((root) => path === root || path.startsWith(root === '/' ? '/' : `${root}/`))) continue;
      yield { row: { path, type: previous.type, size: 0, mtime: 0, ctime: 0, ino: 0, mode: 0, uid: 0, gid: 0, checksum: null, linkTarget: null, deleted: true }, archive: false, stats: null };
    }
  }
}
