/**
 * Reading a whole small file into the outgoing batch (floe-stream.ts): open (never following a
 * symlink, never blocking on a FIFO), read up to the size the scan saw, take the CRC-32 of what was
 * read, fstat, close. Two readers give the same result: Node's fs calls (`nodeWholeRead`) and one
 * call into Floe's native reader (`nativeWholeReader`, native-io.ts), which the stream worker uses
 * where it loads.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { systemError, type NativeIo } from './native-io.js';
import { millisecondsOf } from './scan.js';
import type { OpenFileState } from './stream-member.js';

/** How the stream writer opens a file to read it (the native reader uses the same flags). */
export const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** Reads up to `size` bytes of the file at `path` into `target` at `offset`. */
export type WholeReader = (path: string, target: Uint8Array, offset: number, size: number) => WholeRead;

/** What one whole-file read gives. */
export type WholeRead =
  | { readonly opened: false; readonly error: NodeJS.ErrnoException }
  | {
      readonly opened: true;
      /** Bytes read: fewer than asked when the file ended early or a read failed. */
      readonly bytes: number;
      readonly crc: number;
      /** The read error that ended the read early, if one did. */
      readonly readError: NodeJS.ErrnoException | null;
      /** The fstat after the read; null when it failed. */
      readonly after: OpenFileState | null;
    };

/** Reads up to `size` bytes of the file at `path` into `target` at `offset`, through the addon. */
export function nativeWholeReader(io: NativeIo): WholeReader {
  const out = new Float64Array(8);
  return (path, target, offset, size) => {
    const bytes = io.readFileInto(path, target, offset, size, out);
    if (bytes < 0) return { opened: false, error: systemError(bytes, 'open', path) };
    const readErrno = out[1] as number;
    const fstatSize = out[2] as number;
    return {
      opened: true,
      bytes,
      crc: out[0] as number,
      readError: readErrno === 0 ? null : systemError(-readErrno, 'read'),
      after:
        fstatSize < 0
          ? null
          : { size: fstatSize, mtimeMs: millisecondsOf(out[3] as number, out[4] as number), ctimeMs: millisecondsOf(out[5] as number, out[6] as number), ino: out[7] as number },
    };
  };
}

/** Node's fs calls, one per step. */
export const nodeWholeRead: WholeReader = (path, target, offset, size) => {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    return { opened: false, error: error as NodeJS.ErrnoException };
  }
  try {
    let bytes = 0;
    let readError: NodeJS.ErrnoException | null = null;
    while (bytes < size) {
      let got: number;
      try {
        got = readSync(fd, target, offset + bytes, size - bytes, bytes);
      } catch (error) {
        readError = error as NodeJS.ErrnoException;
        break;
      }
      if (got === 0) break;
      bytes += got;
    }
    const crc = crc32(target.subarray(offset, offset + bytes));
    let after: OpenFileState | null = null;
    try {
      after = fstatSync(fd);
    } catch {
      // unknown state after the read: reported as changed
    }
    return { opened: true, bytes, crc, readError, after };
  } finally {
    closeSync(fd);
  }
};
