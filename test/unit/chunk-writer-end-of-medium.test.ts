/**
 * The chunk writer on media that end in the middle of a write (a tape drive's ENOSPC at its early
 * warning): each chunk holds exactly the bytes its medium took, with their real checksum, and the
 * chunks concatenate to the stream. The media here are in-memory stand-ins for the DataIo target,
 * so the end can fall at any byte (the fake tape in the integration test can only end between files).
 */
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EndOfMedium, type DataFileWriter, type DataIo, type DriveIo, type Mount } from '../../agent/devices/adapters.js';
import { ChunkWriter, type MediaSource } from '../../agent/engine/chunk-writer.js';
import { crc32Hex } from '../../agent/engine/checksum.js';

class MemoryTape implements DataIo {
  readonly files = new Map<number, Buffer[]>();
  used = 0;
  constructor(readonly capacity: number) {}
  async remaining() {
    return Number.MAX_SAFE_INTEGER;
  }
  async nextFileNumber() {
    return this.files.size + 1;
  }
  async createFile(number: number): Promise<DataFileWriter> {
    const parts: Buffer[] = [];
    this.files.set(number, parts);
    return {
      write: async (data) => {
        const room = Math.max(0, this.capacity - this.used);
        const take = Math.min(room, data.length);
        parts.push(Buffer.from(data.subarray(0, take)));
        this.used += take;
        if (take < data.length) throw new EndOfMedium(take, 'end of medium');
      },
      close: async () => undefined,
    };
  }
  async readFile(number: number) {
    return Readable.from([Buffer.concat(this.files.get(number) ?? [])]);
  }
  async fileSize(number: number) {
    return this.files.has(number) ? Buffer.concat(this.files.get(number) ?? []).length : null;
  }
  async discardFile(number: number) {
    this.files.delete(number);
  }
}

function source(tapes: MemoryTape[]): MediaSource & { done: MediaSource['done'] } {
  let next = 0;
  const drive = { ready: async () => undefined, release: async () => undefined, readLabel: async () => null, writeLabel: async () => undefined } satisfies DriveIo;
  return {
    next: async (): Promise<Mount> => {
      const tape = tapes[next];
      if (!tape) throw new Error('out of media');
      const label = `T${next}`;
      next += 1;
      return { loader: 'mem', drive: 0, label, io: Object.assign(tape, drive) };
    },
    done: async () => undefined,
  };
}

describe('ChunkWriter when a write hits the end of the medium', () => {
  it.each([
    ['the writer computes every CRC', false],
    ['the caller gives each write its CRC', true],
  ])('splits exactly where each medium ended; checksums and sizes are of what the medium holds (%s)', async (_case, callerCrc) => {
    const stream = randomBytes(11 * 1024 * 1024 + 12345);
    const tapes = [new MemoryTape(3 * 1024 * 1024 + 777), new MemoryTape(0), new MemoryTape(5 * 1024 * 1024 + 1), new MemoryTape(64 * 1024 * 1024)];
    const writer = new ChunkWriter('S1', source(tapes));
    for (let offset = 0; offset < stream.length; ) {
      const size = 1 + ((offset * 7919) % 700_000);
      const piece = stream.subarray(offset, offset + size);
      await writer.write(piece, callerCrc ? crc32(piece) : undefined);
      offset += size;
    }
    const chunks = await writer.finish();
    expect(chunks.map((chunk) => [chunk.label, chunk.bytes])).toEqual([
      ['T0', 3 * 1024 * 1024 + 777],
      ['T2', 5 * 1024 * 1024 + 1],
      ['T3', stream.length - (3 * 1024 * 1024 + 777) - (5 * 1024 * 1024 + 1)],
    ]);
    expect(chunks.map((chunk) => chunk.index)).toEqual([0, 1, 2]);
    const tapeOf = { T0: tapes[0], T2: tapes[2], T3: tapes[3] } as Record<string, MemoryTape>;
    const stored = chunks.map((chunk) => Buffer.concat(tapeOf[chunk.label]?.files.get(chunk.fileNumber) ?? []));
    for (const [n, chunk] of chunks.entries()) {
      expect(stored[n]?.length).toBe(chunk.bytes);
      expect(crc32Hex(crc32(stored[n] as Buffer))).toBe(chunk.checksum);
    }
    expect(Buffer.concat(stored).equals(stream)).toBe(true);
    expect([...writer.media]).toEqual([
      ['T0', { bytes: 3 * 1024 * 1024 + 777, filled: true }],
      ['T1', { bytes: 0, filled: true }],
      ['T2', { bytes: 5 * 1024 * 1024 + 1, filled: true }],
      ['T3', { bytes: chunks[2]?.bytes, filled: false }],
    ]);
    expect(tapes[1]?.files.size).toBe(0); // the medium that was full from its first byte keeps no file
  });

  it('a medium that ends exactly with the stream, discovered at finish, still gets every byte', async () => {
    const stream = randomBytes(1_000_000);
    const tapes = [new MemoryTape(999_999), new MemoryTape(10_000_000)];
    const writer = new ChunkWriter('S2', source(tapes));
    await writer.write(stream);
    const chunks = await writer.finish();
    expect(chunks.map((chunk) => chunk.bytes)).toEqual([999_999, 1]);
    expect(Buffer.concat([...(tapes[0]?.files.get(1) ?? []), ...(tapes[1]?.files.get(1) ?? [])]).equals(stream)).toBe(true);
  });
});
