/**
 * Walks a task's sources and decides what a backup saves: everything for a full or a copy; for a
 * differential or an incremental, what changed against the reference state (size, mtime, ctime
 * or inode differ), plus every directory, plus a "deleted" record for each path that vanished.
 * Never archive bits or the source's own flags.
 */
import { constants, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import type { IndexRow } from './engine-store.js';
import type { PathMatcher } from './glob.js';

export type ReferenceState = ReadonlyMap<string, Pick<IndexRow, 'type' | 'size' | 'mtime' | 'ctime' | 'ino'>>;

function changed(previous: ReferenceState extends ReadonlyMap<string, infer V> ? V : never, current: IndexRow): boolean {
  return previous.type !== current.type || previous.size !== current.size || previous.mtime !== current.mtime || previous.ctime !== current.ctime || previous.ino !== current.ino;
}

/**
 * What the walk keeps of a path's lstat: plain numbers (a Stats object carries four Dates, a
 * BigIntStats eighteen BigInts), times as whole seconds (floored) and nanoseconds. From Node's
 * lstat (`nodeLstat`) or from Floe's native reader (native-io.ts), which fill the same fields.
 */
export interface PathStat {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly mtimeSec: number;
  readonly mtimeNsec: number;
  readonly ctimeSec: number;
  readonly ctimeNsec: number;
  readonly ino: number;
  readonly dev: number;
  readonly nlink: number;
  /** 512-byte blocks allocated (fewer than the size needs: a sparse file). */
  readonly blocks: number;
  /**
   * Whether the path carries an extended attribute or ACL GNU tar stores (the native reader's
   * lstat tells); null when this lstat cannot tell (Node's: the stream worker asks getfattr).
   */
  readonly xattrs: boolean | null;
}

/** A path's lstat; throws as lstatSync does (an error with `code`). */
export type Lstat = (path: string) => PathStat;

/** Whole seconds (floored) and nanoseconds of a time in nanoseconds. */
function splitNs(ns: bigint): [number, number] {
  let sec = ns / 1_000_000_000n;
  let nsec = ns % 1_000_000_000n;
  if (nsec < 0n) {
    sec -= 1n;
    nsec += 1_000_000_000n;
  }
  return [Number(sec), Number(nsec)];
}

/** Node's lstat, in nanoseconds, as a PathStat. */
export function nodeLstat(path: string): PathStat {
  const stats = lstatSync(path, { bigint: true });
  const [mtimeSec, mtimeNsec] = splitNs(stats.mtimeNs);
  const [ctimeSec, ctimeNsec] = splitNs(stats.ctimeNs);
  return {
    mode: Number(stats.mode),
    uid: Number(stats.uid),
    gid: Number(stats.gid),
    size: Number(stats.size),
    mtimeSec,
    mtimeNsec,
    ctimeSec,
    ctimeNsec,
    ino: Number(stats.ino),
    dev: Number(stats.dev),
    nlink: Number(stats.nlink),
    blocks: Number(stats.blocks),
    xattrs: null,
  };
}

/**
 * Milliseconds since the epoch of a time in whole seconds (floored) and nanoseconds, as the catalog
 * has always recorded them: the nanoseconds divided with truncation, then `sec * 1e3 + nsec / 1e6`
 * as Node's Stats computes `mtimeMs`. Rows of earlier backups compare equal, also before 1970.
 */
export function millisecondsOf(sec: number, nsec: number): number {
  return sec < 0 && nsec > 0 ? (sec + 1) * 1e3 + (nsec - 1e9) / 1e6 : sec * 1e3 + nsec / 1e6;
}

function typeOf(mode: number): IndexRow['type'] {
  const format = mode & constants.S_IFMT;
  return format === constants.S_IFREG ? 'file' : format === constants.S_IFDIR ? 'directory' : format === constants.S_IFLNK ? 'symlink' : 'other';
}

function rowOf(path: string, lstat: Lstat): { row: IndexRow; stats: PathStat } {
  const stats = lstat(path);
  const type = typeOf(stats.mode);
  const row: IndexRow = {
    path,
    type,
    size: type === 'file' ? stats.size : 0,
    mtime: millisecondsOf(stats.mtimeSec, stats.mtimeNsec) / 1000,
    ctime: millisecondsOf(stats.ctimeSec, stats.ctimeNsec) / 1000,
    ino: stats.ino,
    mode: stats.mode & 0o7777,
    uid: stats.uid,
    gid: stats.gid,
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
  /** The path's lstat, or null for a "deleted" record. */
  readonly stats: PathStat | null;
}

/** Whether `path` is `root` or lies below it (both normalized). */
function within(path: string, root: string): boolean {
  return path === root || path.startsWith(root === '/' ? '/' : `${root}/`);
}

/** The roots without those inside another (or repeated), in their order: each path is walked once. */
function outermost(roots: readonly string[]): string[] {
  return roots.filter((root, index) => !roots.some((other, at) => at !== index && within(root, other) && (root !== other || at < index)));
}

/**
 * The walk itself, synchronous and streaming: yields each path as soon as it is stat'ed (parents
 * before children, names sorted), then the "deleted" records. The backup worker feeds GNU tar from
 * it while the walk goes on. Warnings (unreadable paths) go to `warn`. `lstat` is Node's unless the
 * caller has the native reader's (native-io.ts).
 */
export function* walkSources(sources: readonly string[], exclude: PathMatcher, reference: ReferenceState | null, warn: (text: string) => void, lstat: Lstat = nodeLstat): Generator<ScannedPath> {
  const roots = outermost(sources.map((source) => resolve(source)));
  // Paths walked, to tell the deletions: needed only against a reference (the roots do not nest, and
  // the walk never follows a symlink, so no path comes twice).
  const seen = reference === null ? null : new Set<string>();
  // Depth first without recursion (nested generators cost per path and per level): the paths still
  // to visit, children pushed in reverse so that they come out sorted, before the next sibling.
  const pending = [...roots].reverse();
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (exclude(path)) continue;
    seen?.add(path);
    let row: IndexRow;
    let stats: PathStat;
    try {
      ({ row, stats } = rowOf(path, lstat));
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
  if (reference !== null && seen !== null) {
    for (const [path, previous] of reference) {
      if (seen.has(path) || !roots.some((root) => within(path, root))) continue;
      yield { row: { path, type: previous.type, size: 0, mtime: 0, ctime: 0, ino: 0, mode: 0, uid: 0, gid: 0, checksum: null, linkTarget: null, deleted: true }, archive: false, stats: null };
    }
  }
}
