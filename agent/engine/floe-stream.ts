/**
 * Floe's own saveset stream writer (data path "floe", see archive-protocol.ts): writes each member
 * the scan chose as pax headers (tar/pax-writer.ts) and, for files, their data read straight into
 * the outgoing batch, computing each file's CRC-32 on the bytes in place (runs of plain small files
 * in one call to the native reader's packer, file-packer.ts, where it is loaded). No tar process, no pipe,
 * no parsing, no names and checksums passed between threads (figures in docs/benchmarks.md).
 *
 * Members GNU tar must write (sparse files, extended attributes and ACLs, devices, FIFOs, sockets)
 * are collected and archived by one GNU tar run at the end; its stream, parsed for the files'
 * checksums, is appended as it comes and ends the archive with tar's own end-of-archive blocks.
 * Without such members the stream ends with two zero blocks, padded to a 10 KiB record.
 *
 * Like GNU tar with --ignore-failed-read: a file that vanished or cannot be opened is a warning
 * and is left out; one that changed while it was read is a warning ("PATH: file changed as we
 * read it"); one that shrank is padded with zeros to the size its header announced.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { nodeWholeRead, OPEN_FLAGS, type WholeReader } from './whole-read.js';
import { crc32Combine } from './checksum.js';
import { mayPack, PackStop, type FilePacker } from './file-packer.js';
import { systemError } from './native-io.js';
import { changedSinceScan, type StreamMember } from './stream-member.js';
import { BLOCK } from './tar/tar-header.js';
import { END_OF_ARCHIVE_BYTES, MAX_HEADER_BYTES, writeEndOfArchive, writeMemberHeaders } from './tar/pax-writer.js';
import { TarParser } from './tar/tar-parser.js';
import type { TarCreateRun } from './tar/tar-create.js';
import type { TarEntry } from './tar/entry.js';

export type CrcOf = (data: Uint8Array, offset: number, length: number, crc: number) => number;

/** node:zlib's CRC-32 in CrcOf's shape. */
const zlibCrc: CrcOf = (data, offset, length, crc) => crc32(data.subarray(offset, offset + length), crc);

/** GNU tar's default record: the stream's length is a multiple of it. */
const RECORD = 10 * 1024;
const ZEROS = Buffer.alloc(64 * 1024);

export interface FloeStreamOptions {
  /** The scan's members, batch by batch. */
  readonly members: AsyncIterable<readonly StreamMember[]>;
  /** Bytes per outgoing batch. */
  readonly batchBytes: number;
  /** A buffer for a batch of at least `bytes` (not zero-filled; its own ArrayBuffer). */
  allocate(bytes: number): Buffer;
  /**
   * Hands one full batch on (the first `length` bytes of `buffer`, which the callee owns from then
   * on) with their CRC-32; resolves when another may follow.
   */
  send(buffer: ArrayBuffer, length: number, crc: number): Promise<void>;
  /**
   * One member is in the stream: its name (relative to `/`), type and, for files, the data's CRC-32:
   * a number from this writer, hex from GNU tar's members (parsed), null for other types; `member`
   * is the scan's member for those this writer wrote, null for GNU tar's.
   */
  onMember(name: string, type: TarEntry['type'], crc: number | string | null, member: StreamMember | null): void;
  /** A member left out: it could not be opened (warned). */
  onLeftOut(member: StreamMember): void;
  warn(text: string): void;
  /** CRC-32 of A followed by B (the native reader's, native-io.ts); checksum.ts's when absent. */
  readonly crc32Combine?: ((crcA: number, crcB: number, lengthB: number) => number) | undefined;
  /** CRC-32 of `length` bytes of `data` from `offset`, continuing `crc` (the native reader's, folded; node:zlib's when absent). */
  readonly crc32?: CrcOf | undefined;
  /** Reads a whole small file into the batch (the native reader's, native-io.ts); Node's fs calls when absent. */
  readonly readWhole?: WholeReader | undefined;
  /** Writes runs of plain small files in one call each (the native reader's, file-packer.ts); file by file when absent. */
  readonly packer?: FilePacker | undefined;
  /** Starts GNU tar on the members it must write (names relative to `/`). */
  startTar(names: readonly string[]): TarCreateRun;
  readonly signal: AbortSignal;
}

/**
 * Room past a batch's nominal size: a member that starts before the batch is full fits whole if
 * it is no larger than this, so every batch but the last carries at least `batchBytes` (the media
 * writer then writes each as it comes, without joining it to the next).
 */
const SLACK = 1024 * 1024;

/**
 * The batch being filled; handed on once it holds at least its nominal size, with its CRC-32. The
 * CRC is derived, not read again: a file's data comes with the CRC its read computed (`dataCrc`,
 * combined in); the bytes between (headers, padding, GNU tar's stream) are read once to catch up.
 */
class OutgoingBatch {
  private buffer: Buffer;
  private flushed = 0;
  used = 0;
  /** CRC-32 of the batch's bytes before `crcAt`. */
  private crc = 0;
  private crcAt = 0;
  /** CRC-32 of A followed by B (the native reader's when it is there). */
  readonly combine: (crcA: number, crcB: number, lengthB: number) => number;
  /** CRC-32 of bytes (the native reader's when it is there). */
  readonly crcOf: CrcOf;

  constructor(
    readonly capacity: number,
    private readonly options: FloeStreamOptions,
  ) {
    this.buffer = options.allocate(capacity + SLACK);
    this.combine = options.crc32Combine ?? crc32Combine;
    this.crcOf = options.crc32 ?? zlibCrc;
  }

  /** The bytes [from, from + length) of the batch, whose CRC-32 is `crc`, were just written (file data). */
  dataCrc(from: number, length: number, crc: number): void {
    this.catchUp(from);
    this.crc = this.combine(this.crc, crc, length);
    this.crcAt = from + length;
  }

  /** The CRC-32 of the batch's bytes before `at` (the bytes from there on are about to be written by the packer). */
  crcBefore(at: number): number {
    this.catchUp(at);
    return this.crc;
  }

  /** The packer wrote up to `end`; `crc` is the CRC-32 of the batch's bytes before it. */
  packed(end: number, crc: number): void {
    this.used = end;
    this.crc = crc;
    this.crcAt = end;
  }

  private catchUp(to: number): void {
    if (to > this.crcAt) this.crc = this.crcOf(this.buffer, this.crcAt, to - this.crcAt, this.crc);
    this.crcAt = to;
  }

  get target(): Buffer {
    return this.buffer;
  }

  /** Bytes of the stream so far. */
  get position(): number {
    return this.flushed + this.used;
  }

  /** Bytes that still fit in the buffer. */
  get free(): number {
    return this.buffer.length - this.used;
  }

  /**
   * Whether the batch must be handed on before a member of `bytes` (headers and data): when it is
   * full, or when the member would not fit whole in what is left. A member larger than SLACK needs
   * room for its headers only (its data then fills batch after batch). A plain check, so that the
   * common case costs no promise.
   */
  mustFlushBefore(bytes: number): boolean {
    const needed = bytes > SLACK ? MAX_HEADER_BYTES : bytes;
    return this.used >= this.capacity || needed > this.free;
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    this.options.signal.throwIfAborted();
    const length = this.used;
    this.catchUp(length);
    const crc = this.crc;
    this.crc = 0;
    this.crcAt = 0;
    await this.options.send(this.buffer.buffer as ArrayBuffer, length, crc);
    // After the send: a buffer the main thread gave back with its credit is there to reuse.
    this.buffer = this.options.allocate(this.capacity + SLACK);
    this.flushed += length;
    this.used = 0;
  }

  /** Appends bytes that are not ours to place in advance (GNU tar's stream). */
  async append(piece: Buffer): Promise<void> {
    let offset = 0;
    while (offset < piece.length) {
      if (this.free <= 0) await this.flush();
      const take = Math.min(this.free, piece.length - offset);
      piece.copy(this.buffer, this.used, offset, offset + take);
      this.used += take;
      offset += take;
    }
  }

  /** Appends `bytes` zero bytes. */
  async zeros(bytes: number): Promise<void> {
    let left = bytes;
    while (left > 0) {
      if (this.free <= 0) await this.flush();
      const take = Math.min(this.free, left);
      this.buffer.fill(0, this.used, this.used + take);
      this.used += take;
      left -= take;
    }
  }
}

/** Writes the whole stream; resolves with tar's warnings (from the run for special members). */
export async function writeFloeStream(options: FloeStreamOptions): Promise<{ tarWarnings: string[] }> {
  const batch = new OutgoingBatch(options.batchBytes, options);
  const firstLinks = new Map<string, string>();
  const viaTar: string[] = [];

  for await (const members of options.members) {
    options.signal.throwIfAborted();
    for (let index = 0; index < members.length; index += 1) {
      let member = members[index] as StreamMember;
      if (options.packer && mayPack(member)) {
        // A run of files the packer may take: written in one call while they are plain and fit.
        let end = index + 1;
        while (end < members.length && mayPack(members[end] as StreamMember)) end += 1;
        const stopped = await packRun(batch, members, index, end, options.packer, options);
        if (stopped === end) {
          index = end - 1;
          continue;
        }
        index = stopped; // not plain (a long name, say): this writer takes it
        member = members[index] as StreamMember;
      }
      if (member.viaTar) {
        viaTar.push(member.name);
        continue;
      }
      const blocks = member.type === 'file' ? blocksOf(member.size) : 0;
      if (batch.mustFlushBefore(MAX_HEADER_BYTES + blocks)) await batch.flush();
      if (member.type !== 'file') {
        batch.used += writeMemberHeaders(batch.target, batch.used, member);
        options.onMember(member.name, member.type, null, member);
        continue;
      }
      const first = member.linkKey === null ? undefined : firstLinks.get(member.linkKey);
      if (first !== undefined) {
        batch.used += writeMemberHeaders(batch.target, batch.used, { ...member, type: 'hardlink', size: 0, linkName: first });
        options.onMember(member.name, 'hardlink', null, member);
        continue;
      }
      let crc: number | null;
      // Most files fit what is left of the batch (made sure above): read at once, no await.
      if (MAX_HEADER_BYTES + blocks <= batch.free) crc = writeFileInPlace(batch, member, options);
      else {
        const fd = openFile(member, options);
        if (fd === null) {
          options.onLeftOut(member);
          continue;
        }
        try {
          crc = await writeLargeFile(batch, fd, member, options);
        } finally {
          closeSync(fd);
        }
      }
      if (crc === null) {
        options.onLeftOut(member); // it could not be opened (warned)
        continue;
      }
      if (member.linkKey !== null) firstLinks.set(member.linkKey, member.name);
      options.onMember(member.name, 'file', crc, member);
    }
  }

  let tarWarnings: string[] = [];
  if (viaTar.length > 0) {
    // GNU tar writes these and the end of the archive (its own end-of-archive blocks and padding).
    tarWarnings = await appendTarRun(batch, viaTar, options);
  } else {
    if (batch.mustFlushBefore(END_OF_ARCHIVE_BYTES)) await batch.flush();
    batch.used += writeEndOfArchive(batch.target, batch.used);
    await batch.zeros((RECORD - (batch.position % RECORD)) % RECORD);
  }
  await batch.flush();
  return { tarWarnings };
}

/**
 * Packs `members[from..to)` (files `mayPack` allows) with the native packer, handing batches on as
 * they fill; returns the index of the first member it did not take (`to` when it took them all).
 */
async function packRun(batch: OutgoingBatch, members: readonly StreamMember[], from: number, to: number, packer: FilePacker, options: FloeStreamOptions): Promise<number> {
  let next = from;
  while (next < to) {
    const run = packer.pack(members, next, to, batch.target, batch.used, batch.capacity, batch.crcBefore(batch.used));
    batch.packed(run.end, run.crc);
    for (let index = 0; index < run.files; index += 1) reportPacked(members[next + index] as StreamMember, packer, index, options);
    next += run.files;
    if (run.stop === PackStop.NotPlain) return next;
    if (run.stop === PackStop.Full) {
      if (batch.used === 0) throw new Error(`the packer found no room in an empty batch of ${batch.capacity} bytes`); // never loop on it
      await batch.flush();
    }
  }
  return next;
}

/** Warnings and the member's report for one packed file, as writeFileInPlace gives them. */
function reportPacked(member: StreamMember, packer: FilePacker, index: number, options: FloeStreamOptions): void {
  const bytes = packer.bytes(index);
  if (bytes < 0) {
    options.warn(`${member.path}: Cannot open: ${describe(systemError(bytes, 'open', member.path))}; not saved`);
    options.onLeftOut(member);
    return;
  }
  if (bytes < member.size) {
    const readErrno = packer.readErrno(index);
    const why = readErrno !== 0 && bytes === 0 ? readErrorText(systemError(-readErrno, 'read'), 0, member.size) : `File shrank by ${member.size - bytes} bytes`;
    options.warn(`${member.path}: ${why}; padding with zeros`);
  } else if (packer.changed(index)) {
    options.warn(`${member.path}: file changed as we read it`);
  }
  options.onMember(member.name, 'file', packer.crc(index), member);
}

function blocksOf(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

/** Opens a file to archive; one that cannot be opened is left out with a warning (null). */
function openFile(member: StreamMember, options: FloeStreamOptions): number | null {
  try {
    return openSync(member.path, OPEN_FLAGS);
  } catch (error) {
    options.warn(`${member.path}: Cannot open: ${describe(error)}; not saved`);
    return null;
  }
}

/** Reads into `target` at `at` until `want` bytes or the end of the file; returns the count, or the error's text. */
function readFully(fd: number, target: Buffer, at: number, want: number, position: number): number | string {
  let done = 0;
  while (done < want) {
    let got: number;
    try {
      got = readSync(fd, target, at + done, want - done, position + done);
    } catch (error) {
      return done > 0 ? done : readErrorText(error, position, want);
    }
    if (got === 0) break;
    done += got;
  }
  return done;
}

function readErrorText(error: unknown, position: number, want: number): string {
  return `Read error at byte ${position}, while reading ${want} bytes: ${describe(error)}`;
}

/**
 * A file whose headers and data fit in the batch: written without leaving this turn. Returns its
 * CRC-32, or null when it could not be opened (warned; its headers, already in the buffer, are not
 * counted, so the next member overwrites them).
 */
function writeFileInPlace(batch: OutgoingBatch, member: StreamMember, options: FloeStreamOptions): number | null {
  const target = batch.target;
  const at = batch.used + writeMemberHeaders(target, batch.used, member);
  const read = (options.readWhole ?? nodeWholeRead)(member.path, target, at, member.size);
  if (!read.opened) {
    options.warn(`${member.path}: Cannot open: ${describe(read.error)}; not saved`);
    return null;
  }
  batch.dataCrc(at, read.bytes, read.crc);
  let crc = read.crc;
  const blocks = blocksOf(member.size);
  target.fill(0, at + read.bytes, at + blocks);
  if (read.bytes < member.size) {
    crc = zerosCrc(crc, member.size - read.bytes);
    const why = read.readError !== null && read.bytes === 0 ? readErrorText(read.readError, 0, member.size) : `File shrank by ${member.size - read.bytes} bytes`;
    options.warn(`${member.path}: ${why}; padding with zeros`);
  } else if (read.after === null || changedSinceScan(member, read.after)) {
    options.warn(`${member.path}: file changed as we read it`);
  }
  batch.used = at + blocks;
  return crc;
}

/** A file larger than what is left of the batch: its data fills batch after batch. Returns its CRC-32. */
async function writeLargeFile(batch: OutgoingBatch, fd: number, member: StreamMember, options: FloeStreamOptions): Promise<number> {
  batch.used += writeMemberHeaders(batch.target, batch.used, member);
  const size = member.size;
  let crc = 0;
  let done = 0;
  let failure: string | null = null;
  while (done < size) {
    if (batch.free <= 0) await batch.flush();
    const read = readFully(fd, batch.target, batch.used, Math.min(size - done, batch.free), done);
    if (typeof read === 'string') failure = read;
    if (typeof read === 'string' || read === 0) break;
    const pieceCrc = batch.crcOf(batch.target, batch.used, read, 0);
    batch.dataCrc(batch.used, read, pieceCrc);
    crc = batch.combine(crc, pieceCrc, read);
    batch.used += read;
    done += read;
  }
  if (done < size) {
    options.warn(`${member.path}: ${failure ?? `File shrank by ${size - done} bytes`}; padding with zeros`);
    crc = zerosCrc(crc, size - done);
    await batch.zeros(size - done);
  } else if (changedSinceScan(member, fstatSync(fd))) {
    options.warn(`${member.path}: file changed as we read it`);
  }
  await batch.zeros(blocksOf(size) - size);
  return crc;
}

/** `crc` continued over `count` zero bytes. */
function zerosCrc(crc: number, count: number): number {
  let value = crc;
  for (let left = count; left > 0; left -= Math.min(left, ZEROS.length)) value = crc32(ZEROS.subarray(0, Math.min(left, ZEROS.length)), value);
  return value;
}

async function appendTarRun(batch: OutgoingBatch, names: readonly string[], options: FloeStreamOptions): Promise<string[]> {
  const tar = options.startTar(names);
  const parser = new TarParser({ entry: (entry) => options.onMember(entry.path, entry.type, entry.checksum ?? null, null) }, { checksum: 'crc32' });
  try {
    for await (const piece of tar.stdout as AsyncIterable<Buffer>) {
      parser.write(piece);
      await batch.append(piece);
    }
    options.signal.throwIfAborted();
    await tar.done; // a stream that ended early is tar's failure (its exit status says why)
    parser.end();
  } catch (error) {
    tar.stdout.destroy();
    await tar.done.catch(() => undefined);
    throw error;
  }
  return (await tar.done).warnings;
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `${code} (${(error as Error).message})` : (error as Error).message;
}
