import { execFileSync } from 'node:child_process';
import { chownSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TarFormatError, type TarEntry } from '../../agent/engine/tar/entry.js';
import { TarIndexer, indexTar } from '../../agent/engine/tar/tar-indexer.js';
import { tempDir } from '../helpers/agents.js';
import { BIG_SPARSE_SIZE, TREE_MEMBERS, makeTree, sha256 } from '../helpers/tar-trees.js';

let root: string;
let archive: Buffer;
let gnuArchive: Buffer;
let entries: TarEntry[];

function tar(args: string[]): void {
  execFileSync('tar', args, { cwd: root, env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'ignore', 'pipe'] });
}

function pieces(buffer: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let offset = 0; offset < buffer.length; offset += size) out.push(buffer.subarray(offset, offset + size));
  return out;
}

beforeAll(async () => {
  root = tempDir('tar-indexer');
  makeTree(root);
  if (process.getuid?.() === 0) chownSync(join(root, 'tree/plain.txt'), 1234, 5678);
  const list = join(root, 'list');
  const gnuList = join(root, 'gnu-list');
  writeFileSync(list, TREE_MEMBERS.map((name) => `${name}\0`).join(''));
  writeFileSync(gnuList, TREE_MEMBERS.filter((name) => !name.includes('sparse')).map((name) => `${name}\0`).join(''));
  tar(['--create', '--file=pax.tar', '--format=pax', '--sparse', '--no-recursion', '--null', '--verbatim-files-from', `--files-from=${list}`, '--pax-option=comment=global-header-test']);
  tar(['--create', '--file=gnu.tar', '--format=gnu', '--owner=someone:3000000', '--group=somegroup:4000000', '--no-recursion', '--null', '--verbatim-files-from', `--files-from=${gnuList}`]);
  archive = readFileSync(join(root, 'pax.tar'));
  gnuArchive = readFileSync(join(root, 'gnu.tar'));
  entries = await indexTar([archive]);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('tar indexer on archives written by GNU tar', () => {
  it('lists every member with its type, owner, mode and mtime', () => {
    expect(entries.map((entry) => entry.path.replace(/\/$/, ''))).toEqual(TREE_MEMBERS);
    for (const entry of entries) {
      const stat = statSync(join(root, entry.path), { throwIfNoEntry: false }) ?? statSync(join(root, entry.path), {});
      const lstat = entry.type === 'symlink' ? null : stat;
      if (lstat) {
        expect(entry.mode & 0o7777, entry.path).toBe(lstat.mode & 0o7777);
        expect(entry.uid, entry.path).toBe(lstat.uid);
        expect(entry.gid, entry.path).toBe(lstat.gid);
        expect(Math.abs(entry.mtime * 1000 - lstat.mtimeMs), entry.path).toBeLessThan(0.001);
      }
    }
    const byPath = new Map(entries.map((entry) => [entry.path.replace(/\/$/, ''), entry]));
    expect(byPath.get('tree/plain.txt')?.mtime).toBeCloseTo(1_600_000_000.123456, 5);
    expect(byPath.get('tree/exec.sh')?.mode).toBe(0o751);
    expect(byPath.get('tree/empty-dir')?.type).toBe('directory');
    expect(byPath.get('tree/link-to-plain')).toMatchObject({ type: 'symlink', linkTarget: 'plain.txt', sha256: null });
    expect(byPath.get('tree/hard-to-plain')).toMatchObject({ type: 'hardlink', linkTarget: 'tree/plain.txt', storedSize: 0 });
    if (process.getuid?.() === 0) expect(byPath.get('tree/plain.txt')).toMatchObject({ uid: 1234, gid: 5678 });
  });

  it('hashes each file to its real SHA-256 and records where its data lies', () => {
    for (const entry of entries.filter((candidate) => candidate.type === 'file')) {
      const stored = archive.subarray(entry.dataOffset, entry.dataOffset + entry.storedSize);
      expect(entry.sha256, entry.path).toBe(sha256(stored));
      if (!entry.sparse) {
        expect(entry.sha256, entry.path).toBe(sha256(readFileSync(join(root, entry.path))));
        expect(entry.size).toBe(statSync(join(root, entry.path)).size);
      }
      expect(archive.subarray(entry.headerOffset + 257, entry.headerOffset + 262).toString()).toBe('ustar');
    }
  });

  it('reads GNU sparse 1.0 members, including a file over 8 GiB, with their real size', () => {
    const sparse = entries.find((entry) => entry.path === 'tree/sparse.bin');
    const big = entries.find((entry) => entry.path === 'tree/big-sparse.img');
    expect(sparse).toMatchObject({ type: 'file', sparse: true, size: 3 * 1024 * 1024 + 4 });
    expect(sparse?.storedSize).toBeLessThan(64 * 1024);
    expect(big).toMatchObject({ type: 'file', sparse: true, size: BIG_SPARSE_SIZE });
    expect(big?.storedSize).toBeLessThan(64 * 1024);
  });

  it('reads GNU long names and links and base-256 owner ids (--format=gnu)', async () => {
    const gnu = await indexTar([gnuArchive]);
    const paths = gnu.map((entry) => entry.path.replace(/\/$/, ''));
    expect(paths).toEqual(TREE_MEMBERS.filter((name) => !name.includes('sparse')));
    expect(gnu.every((entry) => entry.uid === 3_000_000 && entry.gid === 4_000_000)).toBe(true);
    expect(gnu.find((entry) => entry.path.endsWith('.bin'))?.sha256).toBe(sha256(readFileSync(join(root, 'tree', paths.find((path) => path.endsWith('.bin'))!.slice(5)))));
  });

  it('passes every byte through unchanged', async () => {
    const out: Buffer[] = [];
    const seen: TarEntry[] = [];
    await pipeline(Readable.from(pieces(archive, 7919)), new TarIndexer({ onEntry: (entry) => seen.push(entry) }), new Writable({ write: (chunk: Buffer, _encoding, done) => (out.push(chunk), done()) }));
    expect(sha256(Buffer.concat(out))).toBe(sha256(archive));
    expect(seen).toEqual(entries);
  });

  it.each([1, 511, 512, 513, 4096 + 7])('gives identical results when fed in %i-byte pieces', async (size) => {
    expect(await indexTar(pieces(archive, size))).toEqual(entries);
  });
});

describe('tar indexer on damaged archives', () => {
  it('names the offset of a header whose checksum does not match', async () => {
    const victim = entries[3] as TarEntry;
    const damaged = Buffer.from(archive);
    damaged.writeUInt8(damaged.readUInt8(victim.headerOffset + 3) ^ 0x20, victim.headerOffset + 3);
    const error = await indexTar(pieces(damaged, 1000)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TarFormatError);
    expect(error).toMatchObject({ code: 'TAR_FORMAT', offset: victim.headerOffset });
    expect((error as Error).message).toContain(`offset ${victim.headerOffset}`);
  });

  it('reports truncation inside a member, and a missing end-of-archive marker, with the offset', async () => {
    const big = entries.find((entry) => entry.path.endsWith('.bin') && !entry.sparse) as TarEntry;
    const cut = big.dataOffset + 1000;
    const error = await indexTar(pieces(archive.subarray(0, cut), 4096)).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'TAR_FORMAT', offset: cut });
    expect((error as Error).message).toMatch(new RegExp(`truncated.*offset ${cut}.*${big.path.slice(-20)}`));
    const last = entries[entries.length - 1] as TarEntry;
    const end = last.dataOffset + Math.ceil(last.storedSize / 512) * 512;
    await expect(indexTar([archive.subarray(0, end)])).rejects.toMatchObject({ code: 'TAR_FORMAT', offset: end });
  });

  it('fails the pass-through stream with the format error', async () => {
    const damaged = Buffer.from(archive);
    const at = (entries[1] as TarEntry).headerOffset + 150;
    damaged.writeUInt8(damaged.readUInt8(at) ^ 1, at);
    const stream = pipeline(Readable.from(pieces(damaged, 512)), new TarIndexer({ onEntry: () => undefined }), new Writable({ write: (_chunk, _encoding, done) => done() }));
    await expect(stream).rejects.toBeInstanceOf(TarFormatError);
  });
});

/** A ustar header block with a valid checksum (hand-made archives for cases GNU tar cannot be made to write). */
function block(name: string, typeflag: string, size: number): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write('0000644\0' + '0000000\0' + '0000000\0', 100);
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  header.write('14000000000\0', 136);
  header.write(typeflag, 156);
  header.write('ustar\u000000', 257);
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

function paxData(records: Record<string, string>): Buffer {
  let text = '';
  for (const [key, value] of Object.entries(records)) {
    const body = ` ${key}=${value}\n`;
    let length = body.length + 1;
    while (`${length}${body}`.length !== length) length++;
    text += `${length}${body}`;
  }
  const data = Buffer.from(text);
  return Buffer.concat([data, Buffer.alloc(Math.ceil(data.length / 512) * 512 - data.length)]);
}

describe('tar indexer on hand-made pax archives', () => {
  const globalRecords = paxData({ uname: 'global-user', comment: 'x' });
  const records = paxData({ path: 'pax/named.bin', size: '5', uid: '4000000000', gid: '7', mtime: '1700000000.75', gname: 'staff' });
  const built = Buffer.concat([
    block('pax_global_header', 'g', globalRecords.length), globalRecords,
    block('PaxHeaders/x', 'x', records.length), records,
    block('ustar-name-ignored', '0', 0), Buffer.concat([Buffer.from('hello'), Buffer.alloc(507)]),
    Buffer.alloc(1024),
  ]);

  it('applies pax size, path, ids, fractional mtime and global keywords over the ustar fields', async () => {
    const [entry] = await indexTar([built]);
    expect(entry).toMatchObject({ path: 'pax/named.bin', size: 5, storedSize: 5, uid: 4_000_000_000, gid: 7, uname: 'global-user', gname: 'staff', mtime: 1_700_000_000.75, headerOffset: 512 + globalRecords.length });
    expect(entry?.sha256).toBe(sha256('hello'));
  });

  it('refuses a global header that would rename every member', async () => {
    const renaming = paxData({ path: 'everything' });
    const archiveWithGlobalPath = Buffer.concat([block('g', 'g', renaming.length), renaming, Buffer.alloc(1024)]);
    await expect(indexTar([archiveWithGlobalPath])).rejects.toMatchObject({ code: 'TAR_FORMAT', offset: 0 });
  });

  it('reports truncation inside an extended header', async () => {
    await expect(indexTar([built.subarray(0, 512 + globalRecords.length + 600)])).rejects.toMatchObject({ code: 'TAR_FORMAT', offset: 512 + globalRecords.length + 600 });
  });
});

