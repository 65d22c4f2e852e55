/**
 * Floe's native file reader (agent/native/floe-io.c, built by `npm run build:node`), as the stream
 * worker uses it: one call per path for the lstat of the walk (here) and one for a small file's
 * whole read (open, read, CRC-32, fstat, close: whole-read.ts), plain numbers instead of Stats
 * objects; runs of plain small files written with their headers in one call (file-packer.ts);
 * CRC-32 folded with carry-less multiplication (crc32-fold.c, about 3x node:zlib's) and zlib's
 * combination of CRC-32s for the batches' CRCs (floe-stream.ts). Where it is not built or cannot
 * load, the worker uses Node's fs calls: the same archive, slower.
 * The main thread finds it (native-io-location.ts) and passes its path to the worker.
 */
import { getSystemErrorMap } from 'node:util';
import type { Lstat, PathStat } from './scan.js';

/** The addon's functions (see floe-io.c for the layout of `out`). */
export interface NativeIo {
  lstatInto(path: string, out: Float64Array): number;
  readFileInto(path: string, target: Uint8Array, offset: number, size: number, out: Float64Array): number;
  crc32(data: Uint8Array, offset: number, length: number, crc: number): number;
  crc32Combine(crcA: number, crcB: number, lengthB: number): number;
  packFiles(paths: readonly string[], meta: Float64Array, count: number, target: Uint8Array, offset: number, capacity: number, crc: number, results: Float64Array): number;
}

const loaded = new Map<string, NativeIo>();

/** Loads the addon at `path` (once per thread); throws when it cannot load or lacks a function. */
export function loadNativeIo(path: string): NativeIo {
  const known = loaded.get(path);
  if (known) return known;
  const module = { exports: {} as Partial<NativeIo> };
  process.dlopen(module, path);
  const io = module.exports;
  for (const name of ['lstatInto', 'readFileInto', 'crc32', 'crc32Combine', 'packFiles'] as const) {
    if (typeof io[name] !== 'function') throw new Error(`${path} is not Floe's native file reader of this version (it lacks ${name}); run npm run build:node`);
  }
  loaded.set(path, io as NativeIo);
  return io as NativeIo;
}

/** errno → [code, description]; Node builds a new map on every getSystemErrorMap() call (about 22 µs). */
let systemErrors: Map<number, [string, string]> | null = null;

/** An error as Node's fs calls throw it (`code`, `errno`, `syscall`, `path`), for a negative errno from the addon. */
export function systemError(negativeErrno: number, syscall: string, path?: string): NodeJS.ErrnoException {
  systemErrors ??= getSystemErrorMap();
  const [code, description] = systemErrors.get(negativeErrno) ?? [`E${-negativeErrno}`, `system error ${-negativeErrno}`];
  const error: NodeJS.ErrnoException = new Error(`${code}: ${description}, ${syscall}${path === undefined ? '' : ` '${path}'`}`);
  error.code = code;
  error.errno = negativeErrno;
  error.syscall = syscall;
  if (path !== undefined) error.path = path;
  return error;
}

/** The walk's lstat through the addon. */
export function nativeLstat(io: NativeIo): Lstat {
  const out = new Float64Array(13);
  return (path: string): PathStat => {
    const status = io.lstatInto(path, out);
    if (status < 0) throw systemError(status, 'lstat', path);
    return {
      mode: out[0] as number,
      uid: out[1] as number,
      gid: out[2] as number,
      size: out[3] as number,
      mtimeSec: out[4] as number,
      mtimeNsec: out[5] as number,
      ctimeSec: out[6] as number,
      ctimeNsec: out[7] as number,
      ino: out[8] as number,
      dev: out[9] as number,
      nlink: out[10] as number,
      blocks: out[11] as number,
      xattrs: out[12] === 1,
    };
  };
}
