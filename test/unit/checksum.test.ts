/** CRC-32 of saveset data: crc32Combine against zlib over whole buffers, and the parser's per-file CRC whatever the piece size. */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createChecksum, crc32Combine, crc32Hex, fastCrc32 } from '../../agent/engine/checksum.js';
import type { TarEntry } from '../../agent/engine/tar/entry.js';
import { TarParser } from '../../agent/engine/tar/tar-parser.js';
import { tempDir } from '../helpers/agents.js';

const root = tempDir('checksum');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('fastCrc32', () => {
  it('gives node:zlib\'s CRC-32 for views at any offset and length, continued from any CRC', () => {
    const data = randomBytes(3 * 1024 * 1024 + 77);
    for (const [offset, length] of [[0, 0], [0, 1], [1, 15], [3, 64], [7, 4096 + 3], [13, 1024 * 1024 + 1], [0, data.length]] as const) {
      const view = data.subarray(offset, offset + length);
      for (const start of [0, 0xdeadbeef, crc32(data.subarray(0, 100))]) expect(fastCrc32(view, start), `${offset}+${length} from ${start}`).toBe(crc32(view, start));
    }
    const checksum = createChecksum('crc32'); // the restore's chunk check: piece by piece
    for (let at = 0; at < data.length; at += 100_003) checksum.update(data.subarray(at, at + 100_003));
    expect(checksum.digest()).toBe(crc32Hex(crc32(data)));
  });
});

describe('crc32Combine', () => {
  it('gives the CRC-32 of the concatenation, for empty, tiny, odd and multi-megabyte pieces', () => {
    const lengths = [0, 1, 3, 511, 512, 65_536, 65_537, 1_000_003, 4 * 1024 * 1024 + 17];
    for (const a of lengths) {
      for (const b of [0, 1, 65_536, 4 * 1024 * 1024 + 17]) {
        const first = randomBytes(a);
        const second = randomBytes(b);
        expect(crc32Combine(crc32(first), crc32(second), b), `${a}+${b}`).toBe(crc32(Buffer.concat([first, second])));
      }
    }
  });

  it('chains over many pieces as the chunk writer uses it', () => {
    const pieces = Array.from({ length: 50 }, (_, index) => randomBytes(1 + ((index * 7919) % 100_000)));
    let combined = 0;
    for (const piece of pieces) combined = crc32Combine(combined, crc32(piece), piece.length);
    expect(crc32Hex(combined)).toBe(crc32Hex(crc32(Buffer.concat(pieces))));
    const running = createChecksum('crc32');
    for (const piece of pieces) running.update(piece);
    expect(running.digest()).toBe(crc32Hex(combined));
  });
});

describe('TarParser with CRC-32', () => {
  it("checksums each file's data, whatever the chunk size", () => {
    const dir = join(root, 'crc');
    mkdirSync(dir);
    writeFileSync(join(dir, 'big.bin'), randomBytes(3 * 65_536 + 1234));
    writeFileSync(join(dir, 'small.txt'), 'a few bytes\n');
    writeFileSync(join(dir, 'empty'), '');
    const archive = execFileSync('tar', ['--create', '--format=pax', '--blocking-factor=128', '-C', root, 'crc'], { maxBuffer: 64 * 1024 * 1024 });
    for (const size of [512, 7777, 65_536, 1024 * 1024]) {
      const entries: TarEntry[] = [];
      const parser = new TarParser({ entry: (entry) => entries.push(entry) }, { checksum: 'crc32' });
      for (let offset = 0; offset < archive.length; offset += size) parser.write(archive.subarray(offset, offset + size));
      parser.end();
      for (const name of ['big.bin', 'small.txt', 'empty']) {
        const entry = entries.find((candidate) => candidate.path === `crc/${name}`);
        expect(entry?.checksum, `${name} in pieces of ${size}`).toBe(crc32Hex(crc32(readFileSync(join(dir, name)))));
        expect(entry?.sha256).toBeNull();
      }
      expect(entries.find((candidate) => candidate.type === 'directory')?.checksum).toBeNull();
    }
  });
});
