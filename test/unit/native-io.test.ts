/**
 * Floe's native file reader (agent/native/floe-io.c through agent/engine/native-io.ts) against
 * Node's own fs calls on real files: the same lstat fields, the same whole-file reads (bytes,
 * CRC-32, the fstat after the read, open and read errors with Node's codes), and clear errors for
 * bad arguments. `npm ci` builds the reader; this test fails when it is not built.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNativeIo, nativeLstat, systemError, type NativeIo } from '../../agent/engine/native-io.js';
import { nativeIoLocation } from '../../agent/engine/native-io-location.js';
import { nodeLstat } from '../../agent/engine/scan.js';
import { nativeWholeReader, nodeWholeRead } from '../../agent/engine/whole-read.js';
import { nativeFilePacker, PackStop } from '../../agent/engine/file-packer.js';
import type { StreamMember } from '../../agent/engine/stream-member.js';
import { paxRecord, paxTime } from '../../agent/engine/tar/pax-writer.js';
import { tempDir } from '../helpers/agents.js';

let io: NativeIo;
let root: string;

beforeAll(() => {
  const location = nativeIoLocation({});
  if (location.path === null) throw new Error(`the native file reader is missing: ${location.reason}`);
  io = loadNativeIo(location.path);
  root = tempDir('native-io');
  writeFileSync(join(root, 'file.bin'), Buffer.from(Array.from({ length: 70_000 }, (_, index) => (index * 7) % 251)));
  writeFileSync(join(root, 'empty'), '');
  mkdirSync(join(root, 'dir'));
  symlinkSync('file.bin', join(root, 'link'));
});

describe('native file reader', () => {
  it('is found and loads where the agent runs from; FLOE_NATIVE_IO=off turns it off', () => {
    expect(nativeIoLocation({}).path).toMatch(/floe_io\.node$/);
    expect(nativeIoLocation({ FLOE_NATIVE_IO: 'off' })).toEqual({ path: null, reason: 'FLOE_NATIVE_IO=off' });
  });

  it("gives the same lstat as Node's for a file, an empty file, a directory and a symlink, and tells which carry attributes", () => {
    const lstat = nativeLstat(io);
    for (const name of ['file.bin', 'empty', 'dir', 'link']) expect(lstat(join(root, name)), name).toEqual({ ...nodeLstat(join(root, name)), xattrs: false });
    expect(nodeLstat(join(root, 'file.bin')).xattrs).toBeNull(); // Node cannot tell: getfattr lists them
    writeFileSync(join(root, 'tagged'), 'x');
    mkdirSync(join(root, 'tagged-dir'));
    for (const name of ['tagged', 'tagged-dir']) execFileSync('setfattr', ['-n', 'user.floe.origin', '-v', 'berlin', join(root, name)]);
    expect(lstat(join(root, 'tagged'))).toEqual({ ...nodeLstat(join(root, 'tagged')), xattrs: true });
    expect(lstat(join(root, 'tagged-dir')).xattrs).toBe(true);
  });

  it("throws Node's error for a missing path and a path longer than PATH_MAX", () => {
    const lstat = nativeLstat(io);
    const missing = join(root, 'missing');
    expect(() => lstat(missing)).toThrow(expect.objectContaining({ code: 'ENOENT', syscall: 'lstat', path: missing, message: `ENOENT: no such file or directory, lstat '${missing}'` }));
    expect(() => nodeLstat(missing)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    const long = `/${'x'.repeat(5000)}`;
    expect(() => lstat(long)).toThrow(expect.objectContaining({ code: 'ENAMETOOLONG' }));
  });

  it("reads a whole file into the target at an offset as Node's calls do: bytes, CRC-32 and the state after the read", () => {
    const read = nativeWholeReader(io);
    const path = join(root, 'file.bin');
    const ours = Buffer.alloc(80_000, 0xee);
    const theirs = Buffer.alloc(80_000, 0xee);
    const native = read(path, ours, 1000, 70_000);
    const node = nodeWholeRead(path, theirs, 1000, 70_000);
    expect(ours).toEqual(theirs);
    expect(ours[999]).toBe(0xee); // nothing before the offset
    expect(ours[71_000]).toBe(0xee); // nothing past the size
    if (!native.opened || !node.opened) throw new Error('both must open the file');
    expect(native.bytes).toBe(70_000);
    expect(native.crc).toBe(crc32(ours.subarray(1000, 71_000)));
    expect(native.readError).toBeNull();
    const after = node.after as { size: number; ino: number; mtimeMs: number; ctimeMs: number };
    expect(native.after).toEqual({ size: after.size, ino: after.ino, mtimeMs: after.mtimeMs, ctimeMs: after.ctimeMs });
  });

  it('stops at the end of a file that is shorter than asked, and reads an empty file', () => {
    const read = nativeWholeReader(io);
    const target = Buffer.alloc(100_000);
    expect(read(join(root, 'file.bin'), target, 0, 90_000)).toMatchObject({ opened: true, bytes: 70_000 });
    expect(read(join(root, 'empty'), target, 0, 0)).toMatchObject({ opened: true, bytes: 0, crc: 0, readError: null });
  });

  it("reports open and read errors with Node's codes, as Node's calls do", () => {
    const read = nativeWholeReader(io);
    const target = Buffer.alloc(4096);
    const missing = read(join(root, 'missing'), target, 0, 10);
    expect(missing).toMatchObject({ opened: false, error: { code: 'ENOENT', syscall: 'open' } });
    expect(nodeWholeRead(join(root, 'missing'), target, 0, 10)).toMatchObject({ opened: false, error: { code: 'ENOENT', syscall: 'open' } });
    expect(read(join(root, 'link'), target, 0, 10)).toMatchObject({ opened: false, error: { code: 'ELOOP' } }); // never follows a symlink
    const directory = read(join(root, 'dir'), target, 0, 10); // opens, but reading a directory fails
    expect(directory).toMatchObject({ opened: true, bytes: 0, readError: { code: 'EISDIR', syscall: 'read' } });
    expect(nodeWholeRead(join(root, 'dir'), target, 0, 10)).toMatchObject({ opened: true, bytes: 0, readError: { code: 'EISDIR' } });
  });

  it('refuses bad arguments with a TypeError or RangeError and reads nothing', () => {
    const out = new Float64Array(8);
    const target = Buffer.alloc(16, 1);
    const path = join(root, 'file.bin');
    expect(() => io.readFileInto(path, target, 8, 9, out)).toThrow(RangeError); // past the end of the target
    expect(() => io.readFileInto(path, target, -1, 4, out)).toThrow(RangeError);
    expect(() => io.readFileInto(path, target, 0.5, 4, out)).toThrow(RangeError);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 1e30, 2 ** 64]) {
      expect(() => io.readFileInto(path, target, bad, 4, out)).toThrow(RangeError);
      expect(() => io.readFileInto(path, target, 0, bad, out)).toThrow(RangeError);
    }
    expect(() => io.readFileInto(path, target, 0, 4, new Float64Array(2))).toThrow(TypeError);
    expect(() => io.readFileInto(path, new Float64Array(4) as unknown as Uint8Array, 0, 4, out)).toThrow(TypeError);
    expect(() => io.readFileInto(42 as unknown as string, target, 0, 4, out)).toThrow(TypeError);
    expect(() => io.lstatInto(path, new Float64Array(3))).toThrow(TypeError);
    expect(() => io.lstatInto(`${path}\0.txt`, new Float64Array(13))).toThrow(TypeError); // C would see only what precedes the NUL
    expect(() => io.readFileInto(`${path}\0.txt`, target, 0, 4, out)).toThrow(TypeError);
    expect(target.equals(Buffer.alloc(16, 1))).toBe(true);
  });

  it('combines CRC-32s as zlib does (crc of A then B from crc(A), crc(B) and the length of B), refusing what is not a CRC', () => {
    const data = Buffer.from(Array.from({ length: 100_000 }, (_, index) => (index * 13) % 256));
    for (const cut of [0, 1, 511, 512, 65_536, 99_999, 100_000]) {
      const [a, b] = [data.subarray(0, cut), data.subarray(cut)];
      expect(io.crc32Combine(crc32(a), crc32(b), b.length), `cut at ${cut}`).toBe(crc32(data));
    }
    expect(() => io.crc32Combine(-1, 0, 1)).toThrow(RangeError);
    expect(() => io.crc32Combine(2 ** 32, 0, 1)).toThrow(RangeError);
    expect(() => io.crc32Combine(0, 0, 1.5)).toThrow(RangeError);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 2 ** 64]) expect(() => io.crc32Combine(0, 0, bad)).toThrow(RangeError);
    expect(() => io.crc32Combine('0' as unknown as number, 0, 1)).toThrow(TypeError);
  });

  it('packs plain files with their headers and CRC-32s, stopping before one that is not plain or when the batch is full', () => {
    const packer = nativeFilePacker(io);
    const member = (name: string, size: number, extra: Partial<StreamMember> = {}): StreamMember =>
      ({ path: join(root, name), name: join(root, name).slice(1), type: 'file', mode: 0o644, uid: 0, gid: 0, size, mtimeSec: 1_700_000_000, mtimeNsec: 0, linkName: null, viaTar: false, linkKey: null, ino: 0, mtimeMs: 0, ctimeMs: 0, ...extra }) as StreamMember;
    const target = Buffer.alloc(300_000, 0xee);
    const files = [member('file.bin', 70_000), member('missing', 10), member('empty', 0, { mtimeNsec: 5 }), member('file.bin', 70_000, { uid: 2 ** 21 })];
    const run = packer.pack(files, 0, files.length, target, 512, 200_000, crc32(target.subarray(0, 512)));
    expect(run).toMatchObject({ files: 3, stop: PackStop.NotPlain }); // a uid ustar cannot hold: the JavaScript writer's
    expect(packer.bytes(0)).toBe(70_000);
    expect(packer.crc(0)).toBe(crc32(readFileSync(join(root, 'file.bin'))));
    expect(packer.changed(0)).toBe(true); // inode and times given as 0 here, not as the file has them
    expect(packer.bytes(1)).toBe(-2); // ENOENT: left out, no bytes
    expect([packer.bytes(2), packer.crc(2)]).toEqual([0, 0]);
    expect(run.end).toBe(512 + 512 + 70_144 + 1024 + 512); // file.bin: header, data, padding; empty: pax mtime header and its record, header
    expect(run.crc).toBe(crc32(target.subarray(0, run.end)));
    expect(target.subarray(512 + 512 + 70_000, 512 + 512 + 70_144).every((byte) => byte === 0)).toBe(true);
    const record = paxRecord('mtime', paxTime(1_700_000_000, 5));
    expect(target.subarray(512 + 512 + 70_144 + 512, 512 + 512 + 70_144 + 512 + record.length).toString()).toBe(record);
    expect(target[run.end]).toBe(0xee); // nothing past the end

    const full = packer.pack(files, 0, 1, target, 200_000, 200_000, 0);
    expect(full).toMatchObject({ files: 0, end: 200_000, stop: PackStop.Full });
    const large = packer.pack([member('file.bin', 2 * 1024 * 1024)], 0, 1, target, 0, 1000, 0);
    expect(large).toMatchObject({ files: 0, end: 0, stop: PackStop.NotPlain }); // larger than a batch's slack
  });

  it('refuses bad packing arguments with a TypeError or RangeError and writes nothing', () => {
    const target = Buffer.alloc(64 * 1024, 1);
    const meta = new Float64Array(9);
    const results = new Float64Array(7);
    const path = join(root, 'file.bin');
    expect(() => io.packFiles('x' as unknown as string[], meta, 1, target, 0, 10, 0, results)).toThrow(TypeError);
    expect(() => io.packFiles([path], meta, 2, target, 0, 10, 0, results)).toThrow(RangeError); // more than the paths
    expect(() => io.packFiles([path], meta, 1, target, 0, 10, 2 ** 32, results)).toThrow(RangeError);
    for (const bad of [Number.NaN, -1, 0.5, 1e30]) expect(() => io.packFiles([path], meta, 1, target, bad, 10, 0, results)).toThrow(RangeError);
    expect(() => io.packFiles([path], meta, 1, target, 0, target.length + 1, 0, results)).toThrow(RangeError);
    expect(() => io.packFiles([path], new Float64Array(8), 1, target, 0, 10, 0, results)).toThrow(TypeError);
    expect(() => io.packFiles([path], meta, 1, target, 0, 10, 0, new Float64Array(6))).toThrow(TypeError);
    expect(() => io.packFiles([42 as unknown as string], meta, 1, target, 0, 10, 0, results)).toThrow(TypeError);
    expect(target.equals(Buffer.alloc(64 * 1024, 1))).toBe(true);
  });

  it("computes CRC-32 as node:zlib does, for every length, offset and starting CRC, and refuses what is not data", () => {
    const data = Buffer.from(Array.from({ length: 3 * 1024 * 1024 + 77 }, (_, index) => (index * 2_654_435_761) >>> 24));
    for (let length = 0; length <= 300; length += 1) {
      for (const offset of [0, 1, 15]) {
        const piece = data.subarray(offset, offset + length);
        expect(io.crc32(data, offset, length, 0), `${length} bytes from ${offset}`).toBe(crc32(piece));
        expect(io.crc32(data, offset, length, 0xdeadbeef)).toBe(crc32(piece, 0xdeadbeef));
      }
    }
    for (const [offset, length] of [[0, data.length], [3, 1024 * 1024 + 5], [64, 4096]] as const) expect(io.crc32(data, offset, length, 7)).toBe(crc32(data.subarray(offset, offset + length), 7));
    expect(() => io.crc32(data, 0, data.length + 1, 0)).toThrow(RangeError);
    expect(() => io.crc32(data, -1, 1, 0)).toThrow(RangeError);
    for (const bad of [Number.NaN, 0.5, 2 ** 32]) expect(() => io.crc32(data, 0, 1, bad)).toThrow(RangeError);
    expect(() => io.crc32(new Float64Array(4) as unknown as Uint8Array, 0, 1, 0)).toThrow(TypeError);
  });

  it("builds Node's error text for an errno", () => {
    expect(systemError(-2, 'open', '/x').message).toBe("ENOENT: no such file or directory, open '/x'");
    expect(systemError(-21, 'read').message).toBe('EISDIR: illegal operation on a directory, read');
  });
});
