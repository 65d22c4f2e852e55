/**
 * Plain small files written into the outgoing batch by one call into Floe's native reader per run
 * of them (floe-io.c's packFiles): headers, data, padding and CRC-32s without a JavaScript step per
 * file. "Plain" is what pax-writer.ts writes with at most an mtime record: a regular file of one
 * link, not left to GNU tar, whose name is printable ASCII of at most 100 bytes, with ids and times
 * ustar holds, small enough to fit a batch whole. The bytes are the same as floe-stream.ts writes
 * for such a file with its own writer (the tests compare them); the native side decides which
 * files are plain and stops before one that is not.
 */
import type { NativeIo } from './native-io.js';
import type { StreamMember } from './stream-member.js';

/** Numbers per file in `meta` and in the results (floe-io.c's META_FIELDS and RESULT_FIELDS). */
const META_FIELDS = 9;
const RESULT_FIELDS = 4;

/** Why a packing call stopped. */
export const enum PackStop {
  /** Every file asked for is in the batch. */
  Done = 0,
  /** The next file is not plain: the JavaScript writer takes it. */
  NotPlain = 1,
  /** The batch is full: hand it on, then go on. */
  Full = 2,
}

/** One packing call's outcome; the per-file results stay in the packer until its next call. */
export interface PackRun {
  /** Files packed, from the first asked for. */
  readonly files: number;
  /** The batch's length after them. */
  readonly end: number;
  /** CRC-32 of the batch's bytes up to `end`. */
  readonly crc: number;
  readonly stop: PackStop;
}

export interface FilePacker {
  /**
   * Writes `members[from..to)` (files as `mayPack` allows) into `target` from `offset`, while the
   * batch is under `capacity`; `crc` is the CRC-32 of `target` before `offset`.
   */
  pack(members: readonly StreamMember[], from: number, to: number, target: Buffer, offset: number, capacity: number, crc: number): PackRun;
  /** The `index`-th file packed by the last call: bytes read (negative errno: it could not be opened), its data's CRC-32, the errno of a read error (0: none), and whether it changed while it was read. */
  bytes(index: number): number;
  crc(index: number): number;
  readErrno(index: number): number;
  changed(index: number): boolean;
}

/** Whether a member may go to the packer at all (it checks the rest: name, ids, times, size). */
export function mayPack(member: StreamMember): boolean {
  return member.type === 'file' && !member.viaTar && member.linkKey === null;
}

/** The packer on Floe's native reader. */
export function nativeFilePacker(io: NativeIo): FilePacker {
  let meta = new Float64Array(256 * META_FIELDS);
  let results = new Float64Array(3 + 256 * RESULT_FIELDS);
  return {
    pack(members, from, to, target, offset, capacity, crc) {
      const count = to - from;
      if (meta.length < count * META_FIELDS) {
        meta = new Float64Array(count * META_FIELDS);
        results = new Float64Array(3 + count * RESULT_FIELDS);
      }
      const paths: string[] = new Array<string>(count);
      for (let index = 0; index < count; index += 1) {
        const member = members[from + index] as StreamMember;
        paths[index] = member.path;
        const at = index * META_FIELDS;
        meta[at] = member.size;
        meta[at + 1] = member.mode;
        meta[at + 2] = member.uid;
        meta[at + 3] = member.gid;
        meta[at + 4] = member.mtimeSec;
        meta[at + 5] = member.mtimeNsec;
        meta[at + 6] = member.mtimeMs;
        meta[at + 7] = member.ctimeMs;
        meta[at + 8] = member.ino;
      }
      const files = io.packFiles(paths, meta, count, target, offset, capacity, crc, results);
      return { files, end: results[0] as number, crc: results[1] as number, stop: results[2] as PackStop };
    },
    bytes: (index) => results[3 + index * RESULT_FIELDS] as number,
    crc: (index) => results[4 + index * RESULT_FIELDS] as number,
    readErrno: (index) => results[5 + index * RESULT_FIELDS] as number,
    changed: (index) => results[6 + index * RESULT_FIELDS] === 1,
  };
}
