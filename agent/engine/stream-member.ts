/**
 * What Floe's stream writer (floe-stream.ts) is told about each path the scan saves: the member's
 * header fields from the path's lstat, whether GNU tar must write it instead, the key that makes
 * later names of a multiply linked file hard links, and the stamp that tells a file that changed
 * while it was read.
 */
import type { BigIntStats } from 'node:fs';
import { memberStamp, type StreamMember } from './archive-protocol.js';
import type { IndexRow } from './engine-store.js';

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

/** The member Floe's writer stores for a scanned path; GNU tar's when it is special (see StreamMember.viaTar). */
export function streamMember(row: IndexRow, stats: BigIntStats, withXattrs: ReadonlySet<string>): StreamMember {
  const [mtimeSec, mtimeNsec] = splitNs(stats.mtimeNs);
  const sparse = row.type === 'file' && stats.blocks * 512n < stats.size;
  const type = row.type === 'other' ? 'file' : row.type; // 'other' goes via GNU tar, which reads the type itself
  return {
    path: row.path,
    name: row.path.slice(1) || '.',
    type,
    mode: row.mode,
    uid: row.uid,
    gid: row.gid,
    size: row.size,
    mtimeSec,
    mtimeNsec,
    linkName: row.linkTarget,
    viaTar: row.type === 'other' || sparse || withXattrs.has(row.path),
    linkKey: row.type === 'file' && stats.nlink > 1n ? `${stats.dev}:${stats.ino}` : null,
    stamp: memberStamp(stats.size, stats.mtimeNs, stats.ctimeNs, stats.ino),
  };
}

