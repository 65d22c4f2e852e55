/** Clearing setuid/setgid/sticky in a member's own header, whatever extended headers precede it and however the stream is cut. */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mainHeaderIndex, stripSpecialBits } from '../../agent/engine/tar/special-bits.js';
import { parseHeader, verifyChecksum } from '../../agent/engine/tar/tar-header.js';
import { TarParser } from '../../agent/engine/tar/tar-parser.js';

function members(archive: Buffer, piece: number): Array<{ path: string; raw: Buffer[] }> {
  const found: Array<{ path: string; raw: Buffer[] }> = [];
  const parser = new TarParser({ member: (entry, raw) => found.push({ path: entry.path, raw: raw.map((block) => Buffer.from(block)) }) });
  for (let offset = 0; offset < archive.length; offset += piece) parser.write(archive.subarray(offset, offset + piece));
  parser.end();
  return found;
}

describe('stripSpecialBits', () => {
  it('finds the member header after a pax header cut in odd pieces, clears 07000 and keeps a valid checksum', () => {
    const root = mkdtempSync(join(tmpdir(), 'special-bits-'));
    const long = `${'d'.repeat(90)}/${'s'.repeat(120)}`;
    mkdirSync(join(root, 'd'.repeat(90)));
    writeFileSync(join(root, long), 'x');
    chmodSync(join(root, long), 0o6755);
    mkdirSync(join(root, 'sticky'));
    chmodSync(join(root, 'sticky'), 0o1777);
    execFileSync('tar', ['--format=pax', '-cf', join(root, 'a.tar'), '-C', root, long, 'sticky']);
    const archive = readFileSync(join(root, 'a.tar'));
    for (const piece of [7, 512, 3001]) {
      const [file, dir] = members(archive, piece);
      expect(file?.path).toBe(long);
      const index = mainHeaderIndex(file?.raw ?? []);
      expect(index).toBeGreaterThan(0); // the pax header and its data come first
      const stripped = stripSpecialBits(file?.raw ?? []);
      const header = stripped[index] as Buffer;
      expect(() => verifyChecksum(header, 0)).not.toThrow();
      expect(parseHeader(header, 0).mode).toBe(0o755);
      expect(stripped.slice(0, index)).toEqual(file?.raw.slice(0, index));
      const sticky = stripSpecialBits(dir?.raw ?? []);
      expect(parseHeader(sticky[mainHeaderIndex(sticky)] as Buffer, 0).mode).toBe(0o777);
    }
    const plain = members(archive, 512)[0]?.raw ?? [];
    const again = stripSpecialBits(stripSpecialBits(plain));
    expect(stripSpecialBits(again)).toBe(again); // nothing left to clear: the same blocks back
  });
});
