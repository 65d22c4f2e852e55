/**
 * Floe's own stream writer (agent/engine/floe-stream.ts) on a real tree, read by GNU tar: every
 * member shape (long and unicode names, symlinks, hard links, empty directories, sparse files, a
 * > 8 GiB sparse file, odd modes, fractional mtimes), extended attributes found by the real
 * getfattr (those members and the sparse ones written by GNU tar at the end), files larger than a
 * batch, and files that vanish, shrink or change between the scan and the read. Each case runs with
 * Node's fs calls and with Floe's native file reader (native-io.ts), which must give the same stream.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, linkSync, mkdirSync, readFileSync, rmSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { writeFloeStream } from '../../agent/engine/floe-stream.js';
import { excludeMatcher } from '../../agent/engine/glob.js';
import { loadNativeIo, nativeLstat } from '../../agent/engine/native-io.js';
import { nativeWholeReader } from '../../agent/engine/whole-read.js';
import { nativeFilePacker, type FilePacker } from '../../agent/engine/file-packer.js';
import { nativeIoLocation } from '../../agent/engine/native-io-location.js';
import { nodeLstat, walkSources, type Lstat } from '../../agent/engine/scan.js';
import type { FloeStreamOptions } from '../../agent/engine/floe-stream.js';
import { streamMember, type StreamMember } from '../../agent/engine/stream-member.js';
import { spawnTarCreate } from '../../agent/engine/tar/tar-create.js';
import { pathsWithXattrs } from '../../agent/engine/xattr-list.js';
import { tempDir } from '../helpers/agents.js';
import { comparable, describeTree, makeTree } from '../helpers/tar-trees.js';

function gnuTar(args: string[]): string {
  return execFileSync('tar', args, { env: { ...process.env, LC_ALL: 'C.UTF-8' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** How files are stat'ed and read: Node's fs calls, or the native reader (which `npm ci` builds). */
interface Reader {
  lstat: Lstat;
  readWhole: FloeStreamOptions['readWhole'];
  crc32Combine: FloeStreamOptions['crc32Combine'];
  crc32: FloeStreamOptions['crc32'];
  packer: FloeStreamOptions['packer'];
}

const nodeReader = (): Reader => ({ lstat: nodeLstat, readWhole: undefined, crc32Combine: undefined, crc32: undefined, packer: undefined });

/** The native reader file by file, or (as the stream worker uses it) with runs of plain files packed in one call. */
function nativeReader(packing: boolean): Reader {
  const location = nativeIoLocation({});
  if (location.path === null) throw new Error(`the native file reader is missing: ${location.reason}`);
  const io = loadNativeIo(location.path);
  return { lstat: nativeLstat(io), readWhole: nativeWholeReader(io), crc32Combine: io.crc32Combine, crc32: io.crc32, packer: packing ? nativeFilePacker(io) : undefined };
}

/** The scan's members for `source`, as the stream worker builds them. */
async function scan(source: string, reader: Reader): Promise<StreamMember[]> {
  const withXattrs = await pathsWithXattrs([source], new AbortController().signal);
  const members: StreamMember[] = [];
  for (const { row, stats } of walkSources([source], excludeMatcher([]), null, () => undefined, reader.lstat)) {
    if (!stats) continue;
    const member = streamMember(row, stats);
    // As the stream worker marks them: the native lstat's flag (streamMember), else getfattr's listing.
    if (stats.xattrs === null && withXattrs.has(member.path)) member.viaTar = true;
    members.push(member);
  }
  return members;
}

interface Written {
  stream: Buffer;
  batches: number[];
  crcs: Map<string, number | string | null>;
  warnings: string[];
  tarWarnings: string[];
  leftOut: string[];
}

async function write(members: readonly StreamMember[], reader: Reader, batchBytes = 64 * 1024): Promise<Written> {
  const parts: Buffer[] = [];
  const batches: number[] = [];
  const crcs = new Map<string, number | string | null>();
  const warnings: string[] = [];
  const leftOut: string[] = [];
  const { tarWarnings } = await writeFloeStream({
    members: (async function* () {
      yield members.slice(0, 5);
      yield members.slice(5);
    })(),
    batchBytes,
    readWhole: reader.readWhole,
    packer: reader.packer,
    allocate: (bytes) => Buffer.allocUnsafeSlow(bytes),
    crc32Combine: reader.crc32Combine,
    crc32: reader.crc32,
    send: async (buffer, length, crc) => {
      // The batch's CRC is derived from its files' (never read again): it must be that of its bytes.
      if (crc !== crc32(Buffer.from(buffer, 0, length))) throw new Error(`batch ${batches.length}: CRC ${crc} is not that of its bytes`);
      parts.push(Buffer.from(buffer, 0, length));
      batches.push(length);
    },
    onMember: (name, _type, crc, member) => {
      if (member !== null && member.name !== name) throw new Error(`member ${member.name} reported as ${name}`);
      crcs.set(name, crc);
    },
    onLeftOut: (member) => leftOut.push(member.path),
    warn: (text) => warnings.push(text),
    startTar: (names) => spawnTarCreate({ cwd: '/', paths: names }),
    signal: new AbortController().signal,
  });
  return { stream: Buffer.concat(parts), batches, crcs, warnings, tarWarnings, leftOut };
}

describe.each([
  ["Node's fs calls", nodeReader],
  ['the native file reader', (): Reader => nativeReader(false)],
  ['the native file reader, plain files packed', (): Reader => nativeReader(true)],
])("Floe's stream writer, files read by %s", (_name, reader) => {
  it('writes every member shape so that GNU tar restores the tree exactly, extended attributes included', async () => {
    const root = tempDir('floe-stream');
    const src = join(root, 'src');
    mkdirSync(src);
    makeTree(src);
    const tree = join(src, 'tree');
    writeFileSync(join(tree, 'large.bin'), Buffer.from(Array.from({ length: 3 * 1024 * 1024 + 17 }, (_, index) => (index * 31) % 253)));
    writeFileSync(join(tree, 'tagged.txt'), 'with an attribute\n');
    execFileSync('setfattr', ['-n', 'user.floe.origin', '-v', 'berlin', join(tree, 'tagged.txt')]);
    execFileSync('setfattr', ['-n', 'user.floe.dir', '-v', 'yes', join(tree, 'empty-dir')]);

    const members = await scan(tree, reader());
    const special = members.filter((member) => member.viaTar).map((member) => member.path.slice(tree.length));
    expect(special.sort()).toEqual(['/big-sparse.img', '/empty-dir', '/sparse.bin', '/tagged.txt']);
    const written = await write(members, reader());
    expect(written.warnings).toEqual([]);
    expect(written.leftOut).toEqual([]);
    expect(written.stream.length % 512).toBe(0);
    expect(written.batches.slice(0, -1).every((length) => length >= 64 * 1024)).toBe(true); // full batches, the large file across several
    expect(written.batches.length).toBeGreaterThanOrEqual(4); // a batch holds up to 1 MiB past its nominal size

    const archive = join(root, 'saveset.tar');
    writeFileSync(archive, written.stream);
    const listed = gnuTar(['-tf', archive]).trim().split('\n');
    expect(listed.slice(-4).map((name) => name.slice(tree.length - 1).replace(/\/$/, ''))).toEqual(['/big-sparse.img', '/empty-dir', '/sparse.bin', '/tagged.txt']); // GNU tar's run comes last, in scan order
    const target = join(root, 'restored');
    mkdirSync(target);
    gnuTar(['-x', '--xattrs', '--xattrs-include=user.*', '-f', archive, '-C', target]);
    const restored = join(target, tree.slice(1));
    expect(comparable(describeTree(restored))).toEqual(comparable(describeTree(tree)));
    expect(execFileSync('getfattr', ['--absolute-names', '--only-values', '-n', 'user.floe.origin', join(restored, 'tagged.txt')], { encoding: 'utf8' })).toBe('berlin');
    expect(execFileSync('getfattr', ['--absolute-names', '--only-values', '-n', 'user.floe.dir', join(restored, 'empty-dir')], { encoding: 'utf8' })).toBe('yes');

    // Each file's CRC-32 is that of its content, from our writer (a number) or from GNU tar's stream (hex).
    const name = (relative: string): string => join(tree, relative).slice(1);
    expect(written.crcs.get(name('large.bin'))).toBe(crc32(readFileSync(join(tree, 'large.bin'))));
    expect(written.crcs.get(name('hard-to-plain'))).toBe(crc32(readFileSync(join(tree, 'plain.txt')))); // the first name in the walk carries the data
    expect(written.crcs.get(name('plain.txt'))).toBeNull(); // the second name is a hard link
    expect(written.crcs.get(name('tagged.txt'))).toBe(crc32(readFileSync(join(tree, 'tagged.txt'))).toString(16).padStart(8, '0'));
  });

  it('leaves out a file that vanished, pads one that shrank, and warns about one that changed after the scan', async () => {
    const root = tempDir('floe-stream-changes');
    const tree = join(root, 'tree');
    mkdirSync(tree);
    writeFileSync(join(tree, 'gone.txt'), 'here at the scan\n');
    writeFileSync(join(tree, 'shrinking.txt'), 'x'.repeat(5000));
    writeFileSync(join(tree, 'growing.txt'), 'y'.repeat(100));
    writeFileSync(join(tree, 'steady.txt'), 'steady\n');
    const members = await scan(tree, reader());
    rmSync(join(tree, 'gone.txt'));
    truncateSync(join(tree, 'shrinking.txt'), 1000);
    appendFileSync(join(tree, 'growing.txt'), 'more');

    const written = await write(members, reader());
    expect(written.warnings).toHaveLength(3);
    expect(written.warnings[0]).toMatch(new RegExp(`^${join(tree, 'gone.txt')}: Cannot open: ENOENT .*; not saved$`));
    expect(written.warnings[1]).toBe(`${join(tree, 'growing.txt')}: file changed as we read it`);
    expect(written.warnings[2]).toBe(`${join(tree, 'shrinking.txt')}: File shrank by 4000 bytes; padding with zeros`);

    const archive = join(root, 'saveset.tar');
    writeFileSync(archive, written.stream);
    const target = join(root, 'restored');
    mkdirSync(target);
    gnuTar(['-x', '-f', archive, '-C', target]);
    const restored = join(target, tree.slice(1));
    expect(readFileSync(join(restored, 'shrinking.txt'))).toEqual(Buffer.concat([Buffer.alloc(1000, 'x'), Buffer.alloc(4000)]));
    expect(readFileSync(join(restored, 'growing.txt'), 'utf8')).toBe('y'.repeat(100)); // the size the header announced
    expect(readFileSync(join(restored, 'steady.txt'), 'utf8')).toBe('steady\n');
    expect(gnuTar(['-tf', archive])).not.toContain('gone.txt');
    expect(written.leftOut).toEqual([join(tree, 'gone.txt')]);
    expect(written.crcs.has(join(tree, 'gone.txt').slice(1))).toBe(false);
    expect(written.crcs.get(join(tree, 'shrinking.txt').slice(1))).toBe(crc32(readFileSync(join(restored, 'shrinking.txt'))));
  });
});

describe('plain files packed by the native reader', () => {
  it("give the same stream, batches and CRCs as Node's fs calls file by file, whatever stops a run", async () => {
    const root = tempDir('floe-stream-packed');
    const tree = join(root, 'tree');
    mkdirSync(join(tree, 'sub'), { recursive: true });
    const sizes = [0, 1, 511, 512, 513, 4096, 70_000, 300_000, 2 * 1024 * 1024 + 3];
    for (let index = 0; index < 120; index += 1) {
      const size = sizes[index % sizes.length] as number;
      writeFileSync(join(tree, 'sub', `f${index}.bin`), Buffer.from(Array.from({ length: size }, (_, at) => (at * 13 + index) % 251)));
    }
    // Runs stop before what the packer leaves to the file-by-file writer: long and non-ASCII names,
    // a hard link, a symlink, a directory; whole-second and nanosecond mtimes; a time before 1970.
    writeFileSync(join(tree, 'sub', `${'n'.repeat(100 - join(tree, 'sub').length)}`), 'a name of exactly 100 bytes\n');
    writeFileSync(join(tree, 'sub', `${'m'.repeat(101 - join(tree, 'sub').length)}`), 'a name of 101 bytes\n');
    writeFileSync(join(tree, 'sub', 'grüße.txt'), 'not ASCII\n');
    linkSync(join(tree, 'sub', 'f1.bin'), join(tree, 'sub', 'f1-again.bin'));
    symlinkSync('f2.bin', join(tree, 'sub', 'link'));
    utimesSync(join(tree, 'sub', 'f3.bin'), 1_500_000_000, 1_500_000_000);
    utimesSync(join(tree, 'sub', 'f4.bin'), 1_500_000_000, 1_500_000_000.000_001);
    utimesSync(join(tree, 'sub', 'f5.bin'), -1000.5, -1000.5);

    const members = await scan(tree, nodeReader());
    expect(members.some((member) => member.name.length === 100)).toBe(true);
    for (const batchBytes of [64 * 1024, 4 * 1024 * 1024]) {
      const plain = await write(members, nodeReader(), batchBytes);
      const reader = nativeReader(true);
      const packer = reader.packer as FilePacker;
      let packedFiles = 0;
      reader.packer = { ...packer, pack: (...args) => {
        const run = packer.pack(...args);
        packedFiles += run.files;
        return run;
      } };
      const packed = await write(members, reader, batchBytes);
      expect(packedFiles, 'files the packer wrote').toBeGreaterThan(100);
      expect(packed.warnings).toEqual([]);
      expect(packed.batches, `batch lengths at ${batchBytes}`).toEqual(plain.batches);
      expect(packed.stream.equals(plain.stream), `stream at ${batchBytes}`).toBe(true);
      expect([...packed.crcs]).toEqual([...plain.crcs]);
    }
  });
});
