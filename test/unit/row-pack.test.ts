/** Index rows packed for the thread hop (row-pack.ts): every field survives, bad packets are refused. */
import { describe, expect, it } from 'vitest';
import type { IndexRow } from '../../agent/engine/engine-store.js';
import { RowPacker, unpackRows } from '../../agent/engine/row-pack.js';

const base: IndexRow = { path: '/data/a.txt', type: 'file', size: 12, mtime: 1_764_000_000.123456, ctime: 1_764_000_001.5, ino: 42, mode: 0o644, uid: 1000, gid: 100, checksum: '0a1b2c3d', linkTarget: null, deleted: false };

const ROWS: IndexRow[] = [
  base,
  { ...base, path: '/data/dir', type: 'directory', size: 0, checksum: null },
  { ...base, path: '/data/link', type: 'symlink', size: 0, checksum: null, linkTarget: '../elsewhere/ziel ✓' },
  { ...base, path: '/data/hard', type: 'hardlink', checksum: null, linkTarget: '' },
  { ...base, path: '/data/fifo', type: 'other', size: 0, checksum: null },
  { ...base, path: '/data/gone.txt', size: 0, mtime: 0, ctime: 0, ino: 0, mode: 0, uid: 0, gid: 0, checksum: null, deleted: true },
  { ...base, path: '/daten/grüße 名前 \n tab\t.txt', size: 2 ** 53 - 1, mtime: -1000.5, ino: 2 ** 40, uid: 2 ** 31, gid: 4_294_967_294, checksum: '' },
];

describe('index rows packed for the hop to the index worker', () => {
  it('come out as they went in, nulls, empty strings, deletions and large numbers included', () => {
    const packer = new RowPacker(16);
    for (const row of ROWS) packer.add(row);
    expect(packer.count).toBe(ROWS.length);
    const packed = packer.take();
    expect(packer.count).toBe(0);
    expect(unpackRows(structuredClone(packed))).toEqual(ROWS);
    packer.add(base); // the packer goes on after a take
    expect(unpackRows(packer.take())).toEqual([base]);
    expect(unpackRows(packer.take())).toEqual([]);
  });

  it('refuse a row past the capacity and a packet that does not add up', () => {
    const packer = new RowPacker(1);
    packer.add(base);
    expect(() => packer.add(base)).toThrow(RangeError);
    const packed = packer.take();
    expect(() => unpackRows({ ...packed, count: 2 })).toThrow(RangeError);
    expect(() => unpackRows({ ...packed, text: `${packed.text}\0extra` })).toThrow(RangeError);
    expect(() => unpackRows({ ...packed, numbers: packed.numbers.slice(1) })).toThrow(RangeError);
    const badType = packed.numbers.slice();
    badType[0] = 9;
    expect(() => unpackRows({ ...packed, numbers: badType })).toThrow(/type code 9/);
  });
});
