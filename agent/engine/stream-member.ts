/**
 * What Floe's stream writer (floe-stream.ts) is told about each path the scan saves: the member's
 * header fields from the path's lstat, whether GNU tar must write it instead, the key that makes
 * later names of a multiply linked file hard links, and what tells a file that changed while it
 * was read. Plain numbers only (a member may wait for getfattr's listing, for its batch). Members
 * never leave the stream worker.
 */
import type { IndexRow } from './engine-store.js';
import { millisecondsOf, type PathStat } from './scan.js';
import type { PlainMember } from './tar/pax-writer.js';

export interface StreamMember extends PlainMember {
  /** Absolute path of the member (the name with its leading slash). */
  readonly path: string;
  /** The member's index row (the stream worker completes a file's with its checksum). */
  readonly row: IndexRow;
  /**
   * GNU tar must write it: a sparse file, a path with extended attributes or ACLs, a device, FIFO or
   * socket. Such members go into one tar run at the end of the stream (their other fields unused).
   * Set here from the native lstat's attribute flag, or by the stream worker for paths getfattr lists.
   */
  viaTar: boolean;
  /** For a file with more than one link, `dev:ino`: later names of the same file become hard links. */
  readonly linkKey: string | null;
  /** Inode, mtime and ctime (milliseconds as Node's Stats has them) at the scan; with the size, they tell a changed file. */
  readonly ino: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}

/** What an fstat of the open file tells after the read (Node's Stats, or the native reader's numbers). */
export interface OpenFileState {
  readonly size: number;
  readonly ino: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}

/** Whether the open file's state after the read differs from the scan in size, mtime, ctime or inode. */
export function changedSinceScan(member: StreamMember, now: OpenFileState): boolean {
  return now.size !== member.size || now.ino !== member.ino || now.mtimeMs !== member.mtimeMs || now.ctimeMs !== member.ctimeMs;
}

/** The member Floe's writer stores for a scanned path; GNU tar's when it is special (see StreamMember.viaTar). */
export function streamMember(row: IndexRow, stats: PathStat): StreamMember {
  const sparse = row.type === 'file' && stats.blocks * 512 < stats.size;
  const type = row.type === 'other' ? 'file' : row.type; // 'other' goes via GNU tar, which reads the type itself
  return {
    path: row.path,
    row,
    name: row.path.slice(1) || '.',
    type,
    mode: row.mode,
    uid: row.uid,
    gid: row.gid,
    size: row.size,
    mtimeSec: stats.mtimeSec,
    mtimeNsec: stats.mtimeNsec,
    linkName: row.linkTarget,
    viaTar: row.type === 'other' || sparse || stats.xattrs === true,
    linkKey: row.type === 'file' && stats.nlink > 1 ? `${stats.dev}:${stats.ino}` : null,
    ino: row.ino,
    mtimeMs: millisecondsOf(stats.mtimeSec, stats.mtimeNsec),
    ctimeMs: millisecondsOf(stats.ctimeSec, stats.ctimeNsec),
  };
}
