/**
 * Floe's pax header writer, read back by Floe's own tar parser (which verifies every header
 * checksum): plain ustar fields, and the pax records for what ustar cannot hold. GNU tar reads the
 * same headers in test/integration/floe-stream.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { TarEntry } from '../../agent/engine/tar/entry.js';
import { MAX_HEADER_BYTES, paxRecord, paxTime, writeEndOfArchive, writeMemberHeaders, type PlainMember } from '../../agent/engine/tar/pax-writer.js';
import { TarParser } from '../../agent/engine/tar/tar-parser.js';

const BASE: PlainMember = { name: 'srv/data/a.txt', type: 'file', mode: 0o644, uid: 1000, gid: 100, size: 0, mtimeSec: 1_764_445_891, mtimeNsec: 0, linkName: null };

/** Writes the members (with `size` bytes of 'x' as data for files) and an end marker, and parses the stream. */
function roundTrip(members: readonly PlainMember[]): TarEntry[] {
  const parts: Buffer[] = [];
  for (const member of members) {
    const header = Buffer.alloc(MAX_HEADER_BYTES, 0xee); // garbage: the writer must not rely on zeroed memory
    parts.push(header.subarray(0, writeMemberHeaders(header, 0, member)));
    if (member.type === 'file' && member.size > 0) parts.push(Buffer.alloc(Math.ceil(member.size / 512) * 512, 0x78).fill(0, member.size));
  }
  const end = Buffer.alloc(1024, 0xee);
  writeEndOfArchive(end, 0);
  parts.push(end);
  const entries: TarEntry[] = [];
  const parser = new TarParser({ entry: (entry) => entries.push(entry) }, { checksum: 'crc32' });
  parser.write(Buffer.concat(parts));
  parser.end();
  return entries;
}

describe('pax header writer', () => {
  it('writes ustar fields that a tar parser reads back, header checksums included', () => {
    const [file, dir, link, hard] = roundTrip([
      { ...BASE, mode: 0o4755, size: 1000 },
      { ...BASE, name: 'srv/data', type: 'directory', mode: 0o1777 },
      { ...BASE, name: 'srv/data/link', type: 'symlink', mode: 0o777, linkName: '../elsewhere' },
      { ...BASE, name: 'srv/data/b.txt', type: 'hardlink', linkName: 'srv/data/a.txt' },
    ]);
    expect(file).toMatchObject({ path: 'srv/data/a.txt', type: 'file', mode: 0o4755, uid: 1000, gid: 100, size: 1000, mtime: 1_764_445_891, uname: '', gname: '' });
    expect(dir).toMatchObject({ path: 'srv/data/', type: 'directory', mode: 0o1777 });
    expect(link).toMatchObject({ type: 'symlink', linkTarget: '../elsewhere' });
    expect(hard).toMatchObject({ type: 'hardlink', linkTarget: 'srv/data/a.txt', size: 0 });
  });

  it('uses pax records for long and non-ASCII names and link targets, big ids, and nanosecond or negative times', () => {
    const longName = `srv/${'deep-directory/'.repeat(12)}file-with-a-long-name.txt`;
    const unicode = 'srv/héllo wörld 世界 🚀.txt';
    const target = `../${'t'.repeat(150)}`;
    const [long, uni, link, ids, late] = roundTrip([
      { ...BASE, name: longName, size: 3 },
      { ...BASE, name: unicode },
      { ...BASE, name: 'srv/l', type: 'symlink', linkName: target },
      { ...BASE, name: 'srv/ids', uid: 4_000_000_000, gid: 3_000_000, mtimeSec: 1_600_000_000, mtimeNsec: 123_456_789 },
      { ...BASE, name: 'srv/old', mtimeSec: -2, mtimeNsec: 500_000_000 },
    ]);
    expect(long).toMatchObject({ path: longName, size: 3 });
    expect(uni?.path).toBe(unicode);
    expect(link?.linkTarget).toBe(target);
    expect(ids).toMatchObject({ uid: 4_000_000_000, gid: 3_000_000, mtime: 1_600_000_000.123456789 });
    expect(late?.mtime).toBe(-1.5);
  });

  it('writes a size of 8 GiB or more as a pax record', () => {
    const header = Buffer.alloc(MAX_HEADER_BYTES);
    const size = 9 * 1024 ** 3 + 1;
    const length = writeMemberHeaders(header, 0, { ...BASE, size });
    expect(length).toBe(3 * 512); // pax header, one block of records, ustar header
    expect(header.subarray(512, 1024).toString('utf8')).toContain(`size=${size}\n`);
    expect(header.subarray(1024 + 124, 1024 + 136).toString('latin1')).toBe('00000000000\0'); // the ustar field defers to the record
  });

  it('counts the length of a pax record with its own digits, across digit boundaries', () => {
    for (let value = 0; value < 300; value += 1) {
      const record = paxRecord('k', 'v'.repeat(value));
      expect(Number(record.split(' ')[0])).toBe(Buffer.byteLength(record));
    }
    expect(paxRecord('path', 'é')).toBe('11 path=é\n'); // é is two bytes
  });

  it('writes pax times as seconds with the nanoseconds as a fraction', () => {
    expect(paxTime(1_600_000_000, 0)).toBe('1600000000');
    expect(paxTime(1_600_000_000, 250_000_000)).toBe('1600000000.25');
    expect(paxTime(1_600_000_000, 1)).toBe('1600000000.000000001');
    expect(paxTime(-2, 500_000_000)).toBe('-1.5');
    expect(paxTime(-1, 999_999_999)).toBe('-0.000000001');
  });

  it('refuses a name longer than any real path', () => {
    expect(() => writeMemberHeaders(Buffer.alloc(MAX_HEADER_BYTES), 0, { ...BASE, name: 'x'.repeat(20_000) })).toThrow(/too long to archive/);
  });
});
