/**
 * A data file on a virtual cartridge, written with O_DIRECT so the saveset's bytes bypass the page
 * cache.
 *
 * Why: written buffered, every byte is copied into the page cache and later written back, and both
 * cost system CPU on the libuv threads: a 128 MB small-file backup on a 2-core machine spent about
 * 330 ms of system CPU in these writes and their periodic datasyncs, taken from the stream worker on
 * the other core. `dd bs=4M count=32 conv=fdatasync` costs 0.06-0.32 s of system CPU buffered and
 * 0.02-0.03 s with `oflag=direct`.
 *
 * How: O_DIRECT needs the buffer's address, the length and the file offset aligned to the block
 * (4096 here). A WebAssembly.Memory's backing store is page-aligned, so incoming data is copied once
 * into such a staging area and written in large aligned blocks; what does not fill a block waits for
 * the next write. At close the last partial block goes through a second, ordinary descriptor on the
 * same file (a positioned write), then one fsync makes data and size durable.
 *
 * No periodic datasync on the direct path: a direct write returns once the device has the data, so
 * there is no dirty page cache to write back; the fsync at close only flushes the device's cache and
 * the file's metadata, and it must stay (O_DIRECT alone promises neither).
 *
 * Fallback: where the filesystem refuses O_DIRECT (EINVAL at open or at the first write), or no
 * staging memory can be had, the file is written buffered as before (with a background datasync
 * every SYNC_EVERY bytes); the refused write is re-done buffered, nothing is lost.
 */
import { constants } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { DeviceError, type DataFileWriter } from '../adapters.js';

/** Buffered: a data file is flushed in the background after every so many bytes written. */
const SYNC_EVERY = 32 * 1024 * 1024;
/** O_DIRECT alignment of the buffer address, the length and the file offset. */
const BLOCK = 4096;
/** The staging area of one open file (WebAssembly pages are 64 KiB). */
const STAGE_BYTES = 8 * 1024 * 1024;
const WASM_PAGE = 64 * 1024;
/** A write leaves at most this much staged (plus a partial block); more goes to the disk at once. */
const WRITE_AT = 1024 * 1024;
/**
 * Staging areas kept for the next file once one is closed. V8 reserves about 10 GiB of address
 * space (guard regions, not memory) per WebAssembly.Memory: reusing them keeps that to the drives
 * writing at once plus this many; where it cannot reserve, the file is written buffered.
 */
const POOL_SIZE = 2;

export type DataFileMode = 'direct' | 'buffered';

export interface DataFileOptions {
  /** false: write buffered only, as on a filesystem without O_DIRECT. */
  direct?: boolean;
  /** Tests: stage one byte off the page boundary, so a filesystem that checks alignment refuses the first direct write. */
  misalignStaging?: boolean;
}

export interface DataFile extends DataFileWriter {
  /** How the file is being written (a refused first direct write turns it to buffered). */
  readonly mode: DataFileMode;
}

/** The one WebAssembly API used here (the agent's lib has no WebAssembly types; Node has it built in). */
declare const WebAssembly: { Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer } };

const idleStages: Uint8Array[] = [];

/** A page-aligned staging area (a WebAssembly.Memory's backing store). */
function takeStage(misalign: boolean): Uint8Array {
  if (misalign) return new Uint8Array(new WebAssembly.Memory({ initial: STAGE_BYTES / WASM_PAGE + 1 }).buffer, 1, STAGE_BYTES);
  return idleStages.pop() ?? new Uint8Array(new WebAssembly.Memory({ initial: STAGE_BYTES / WASM_PAGE }).buffer);
}

function releaseStage(stage: Uint8Array): void {
  if (stage.byteOffset === 0 && idleStages.length < POOL_SIZE) idleStages.push(stage);
}

function errorCode(error: unknown): unknown {
  return error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
}

async function writeAll(handle: FileHandle, data: Uint8Array, position: number): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset, position + offset);
    if (bytesWritten === 0) throw new DeviceError('DEVICE_FAILED', 'the disk took no byte of a write; check the free space of the library\'s filesystem');
    offset += bytesWritten;
  }
}

/** The buffered writer: positioned writes, a background datasync every SYNC_EVERY bytes. */
class BufferedWriter {
  private unsynced = 0;
  private syncing: Promise<void> | null = null;
  private syncError: unknown = null;

  constructor(
    private readonly handle: FileHandle,
    private position: number,
  ) {}

  async write(data: Uint8Array): Promise<void> {
    if (this.syncError !== null) throw this.syncError;
    await writeAll(this.handle, data, this.position);
    this.position += data.length;
    this.unsynced += data.length;
    // The disk writes back while the stream is still being produced, so the flush at close only waits for the tail.
    if (this.unsynced >= SYNC_EVERY && this.syncing === null) {
      this.unsynced = 0;
      this.syncing = this.handle.datasync().then(
        () => {
          this.syncing = null;
        },
        (error: unknown) => {
          this.syncError = error;
          this.syncing = null;
        },
      );
    }
  }

  async finish(): Promise<void> {
    await this.syncing;
    if (this.syncError !== null) throw this.syncError;
    await this.handle.sync();
  }
}

class VtlDataFile implements DataFile {
  /** Bytes staged, from file offset `position` (a multiple of BLOCK). */
  private filled = 0;
  private position = 0;
  private wroteDirect = false;
  private buffered: BufferedWriter | null;
  private failure: unknown = null;
  private queue: Promise<void> = Promise.resolve();
  private closing: Promise<void> | null = null;

  constructor(
    private readonly file: FileHandle,
    private direct: FileHandle | null,
    private stage: Uint8Array | null,
  ) {
    this.buffered = direct === null ? new BufferedWriter(file, 0) : null;
  }

  get mode(): DataFileMode {
    return this.buffered === null ? 'direct' : 'buffered';
  }

  write(data: Buffer): Promise<void> {
    if (this.closing !== null) return Promise.reject(new DeviceError('DEVICE_FAILED', 'write after close of a data file'));
    const run = this.queue.then(() => this.put(data));
    this.queue = run.catch(() => undefined);
    return run;
  }

  close(): Promise<void> {
    this.closing ??= this.finish();
    return this.closing;
  }

  private async put(data: Buffer): Promise<void> {
    if (this.failure !== null) throw this.failure;
    try {
      let offset = 0;
      while (this.buffered === null && this.stage !== null && offset < data.length) {
        const take = Math.min(this.stage.length - this.filled, data.length - offset);
        this.stage.set(data.subarray(offset, offset + take), this.filled);
        this.filled += take;
        offset += take;
        if (this.filled === this.stage.length || (offset === data.length && this.filled >= WRITE_AT)) await this.writeStaged();
      }
      if (this.buffered !== null && offset < data.length) await this.buffered.write(data.subarray(offset));
    } catch (error) {
      this.failure = error;
      throw error;
    }
  }

  /** Writes the staged whole blocks directly; the partial block moves to the front of the stage. */
  private async writeStaged(): Promise<void> {
    const { direct, stage } = this;
    if (direct === null || stage === null) return;
    const length = this.filled - (this.filled % BLOCK);
    let done = 0;
    while (done < length) {
      let written: number;
      try {
        ({ bytesWritten: written } = await direct.write(stage, done, length - done, this.position + done));
      } catch (error) {
        // The filesystem took the flag at open but refuses aligned I/O: this file goes buffered.
        if (!this.wroteDirect && errorCode(error) === 'EINVAL') return this.toBuffered(done);
        throw error;
      }
      if (written === 0) throw new DeviceError('DEVICE_FAILED', 'the disk took no byte of a write; check the free space of the library\'s filesystem');
      this.wroteDirect = true;
      done += written;
      // A short write that ends off a block boundary: the rest cannot be aligned any more.
      if (done % BLOCK !== 0) return this.toBuffered(done);
    }
    stage.copyWithin(0, length, this.filled);
    this.filled -= length;
    this.position += length;
  }

  /** The rest of the file goes buffered, from the staged bytes after `from` on. */
  private async toBuffered(from: number): Promise<void> {
    const buffered = new BufferedWriter(this.file, this.position + from);
    this.buffered = buffered;
    if (this.stage !== null) await buffered.write(this.stage.subarray(from, this.filled));
    this.filled = 0;
    await this.closeDirect();
  }

  private async closeDirect(): Promise<void> {
    const direct = this.direct;
    this.direct = null;
    await direct?.close();
  }

  private async finish(): Promise<void> {
    try {
      await this.queue;
      if (this.failure !== null) throw this.failure;
      if (this.buffered === null && this.filled >= BLOCK) await this.writeStaged();
      if (this.buffered === null) {
        // The last partial block, through the ordinary descriptor; fsync works on the file, whichever descriptor wrote.
        if (this.stage !== null && this.filled > 0) await writeAll(this.file, this.stage.subarray(0, this.filled), this.position);
        await this.file.sync();
      } else await this.buffered.finish();
    } finally {
      await this.closeDirect().catch(() => undefined);
      await this.file.close();
      if (this.stage !== null) releaseStage(this.stage);
      this.stage = null;
    }
  }
}

/**
 * Creates the file (O_EXCL, mode 0600) and opens it for direct writes. The file is created by the
 * ordinary descriptor first: an O_CREAT|O_DIRECT open that the filesystem refuses with EINVAL has
 * already created the file, so an exclusive buffered retry would then fail with EEXIST.
 */
export async function createDataFile(path: string, options: DataFileOptions = {}): Promise<DataFile> {
  const file = await open(path, 'wx', 0o600);
  const flag = constants.O_DIRECT as number | undefined;
  if (options.direct === false || flag === undefined) return new VtlDataFile(file, null, null);
  let stage: Uint8Array;
  try {
    stage = takeStage(options.misalignStaging === true);
  } catch {
    return new VtlDataFile(file, null, null); // no memory for staging: buffered
  }
  try {
    return new VtlDataFile(file, await open(path, constants.O_WRONLY | flag), stage);
  } catch (error) {
    releaseStage(stage);
    if (errorCode(error) === 'EINVAL') return new VtlDataFile(file, null, null);
    await file.close();
    await rm(path, { force: true });
    throw error;
  }
}
