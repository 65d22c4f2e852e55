/**
 * Saveset files on a real tape (Linux st driver, non-rewinding device such as /dev/nst0): the media
 * target for a tape drive. File 0 is the label; each chunk of a saveset is one tape file after it,
 * ended by the filemark the driver writes when the device is closed after writing.
 *
 * - Position: `mt eod` before a write (the next file number is the file count), `mt asf N` before a
 *   read (rewind, then space forward N filemarks). Positioning is what the drive says in
 *   `mt status`, checked against the number the catalog expects before anything is written.
 * - Blocks: the drive runs in variable-block mode (`mt setblk 0`) and every write(2) is one block of
 *   TAPE_BLOCK bytes (256 KiB); only the last block of each write batch may be shorter. A read(2)
 *   returns one block (the buffer is larger than any block we write), 0 at the filemark.
 * - End of medium: at the early-warning mark the st driver fails the next write with ENOSPC (a short
 *   write means the same); that write throws EndOfMedium with the bytes that reached the tape, the
 *   file is closed (its filemark still fits after the warning) and the writer goes on with the next
 *   cartridge. A tape cannot tell its free space beforehand: remaining() is "unknown".
 * - fsync does not exist for tapes (st has no fsync); close() returning is the flush: the driver
 *   writes its buffer and the filemark, and reports their failure as close's error.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { DeviceError, EndOfMedium, type DataFileWriter, type DataIo } from '../adapters.js';
import type { MtStatus } from './mt-status.js';

export const TAPE_BLOCK = 256 * 1024;
/** A read(2) of a variable block needs a buffer at least as large as the block. */
const READ_BUFFER = 1024 * 1024;

export type MtOperation = 'rewind' | 'offline' | 'status' | 'eod' | 'asf' | 'fsf' | 'setblk';

export interface TapeControl {
  readonly device: string;
  mt(operation: MtOperation, count?: number): Promise<unknown>;
  /** The drive's status, refusing when no tape is ready. */
  requireTape(): Promise<MtStatus>;
  ioError(action: string, error: unknown, hint: string): DeviceError;
}

export class TapeFiles implements DataIo {
  constructor(private readonly tape: TapeControl) {}

  async remaining(): Promise<number> {
    return Number.MAX_SAFE_INTEGER;
  }

  async nextFileNumber(): Promise<number> {
    await this.tape.mt('eod'); // fails with "No medium found" (NO_MEDIA) when the drive is empty
    return this.position(await this.tape.requireTape(), 'after mt eod');
  }

  async createFile(number: number, name: string): Promise<DataFileWriter> {
    if (number < 1) throw new DeviceError('DEVICE_FAILED', `file ${number} is the label's place; saveset files start at 1`);
    await this.tape.mt('setblk', 0);
    await this.tape.mt('eod');
    const status = await this.tape.requireTape();
    if (status.writeProtected) throw new DeviceError('DEVICE_FAILED', `the cartridge in ${this.tape.device} is write-protected; slide its write-protect tab off or use another cartridge`);
    const at = this.position(status, 'after mt eod');
    if (at !== number) {
      throw new DeviceError('DEVICE_FAILED', `the tape in ${this.tape.device} ends at file ${at}, but file ${number} (${name}) was to be written there; the cartridge was written by something else: check it, then retry`);
    }
    let handle: FileHandle;
    try {
      handle = await open(this.tape.device, 'w');
    } catch (error) {
      throw this.tape.ioError('open', error, 'check that the device exists and that the agent may use it');
    }
    return new TapeFileWriter(handle, this.tape, number);
  }

  async readFile(number: number, name: string): Promise<NodeJS.ReadableStream & AsyncIterable<Buffer>> {
    const handle = await this.openAt(number, name);
    return Readable.from(readBlocks(handle, this.tape, number), { objectMode: false });
  }

  /** A tape cannot tell a file's size without reading it: reads file `number` to its filemark. */
  async fileSize(number: number, name: string): Promise<number | null> {
    let handle: FileHandle;
    try {
      handle = await this.openAt(number, name);
    } catch (error) {
      if (error instanceof DeviceError && error.code === 'NO_MEDIA') throw error;
      return null;
    }
    let size = 0;
    for await (const block of readBlocks(handle, this.tape, number)) size += block.length;
    return size;
  }

  /**
   * An unfinished file cannot be cut out of a tape; it stays after the last good one, unreferenced
   * by the catalog (the next write starts after it, at end of data). Relabelling reclaims the space.
   */
  async discardFile(): Promise<void> {}

  private async openAt(number: number, name: string): Promise<FileHandle> {
    await this.tape.mt('asf', number);
    const at = this.position(await this.tape.requireTape(), `after mt asf ${number}`);
    if (at !== number) throw new DeviceError('DEVICE_FAILED', `file ${number} (${name}) is not on the tape in ${this.tape.device}: spacing forward stopped at file ${at}`);
    try {
      return await open(this.tape.device, 'r');
    } catch (error) {
      throw this.tape.ioError(`read file ${number} (${name}) of`, error, 'check the cartridge and the drive');
    }
  }

  private position(status: MtStatus, when: string): number {
    if (status.fileNumber === null) throw new DeviceError('DEVICE_FAILED', `${this.tape.device} does not know its position ${when} (mt status: file number -1); rewind the tape and retry`);
    return status.fileNumber;
  }
}

async function* readBlocks(handle: FileHandle, tape: TapeControl, number: number): AsyncGenerator<Buffer> {
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(READ_BUFFER);
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, READ_BUFFER, null));
      } catch (error) {
        throw tape.ioError(`read file ${number} of`, error, 'the cartridge or the drive may be damaged; run verify and clean the drive');
      }
      if (bytesRead === 0) return; // the filemark
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/**
 * Writes a tape file in blocks of TAPE_BLOCK bytes. Nothing is held back between calls, so when the
 * medium ends, EndOfMedium.accepted always counts bytes of the failing call, and everything earlier
 * calls were told is on tape really is: a call's last block may therefore be shorter (the backup
 * writes batches of several MiB, so nearly every block is full size).
 */
class TapeFileWriter implements DataFileWriter {
  private full = false;

  constructor(
    private readonly handle: FileHandle,
    private readonly tape: TapeControl,
    private readonly number: number,
  ) {}

  async write(data: Buffer): Promise<void> {
    if (this.full) throw new EndOfMedium(0, `the tape in ${this.tape.device} is at its end`);
    const written = await this.blocks(data);
    if (written < data.length) {
      this.full = true;
      throw new EndOfMedium(written, `the tape in ${this.tape.device} reached its end in file ${this.number} (${written} of ${data.length} bytes written)`);
    }
  }

  async close(): Promise<void> {
    try {
      await this.handle.close(); // the st driver writes the filemark here
    } catch (error) {
      throw this.tape.ioError(`end file ${this.number} (write its filemark) on`, error, 'the data of this file may be incomplete; check the drive');
    }
  }

  /** Writes whole blocks, one write(2) each; returns the bytes written before the medium ended. */
  private async blocks(data: Buffer): Promise<number> {
    let offset = 0;
    while (offset < data.length) {
      const size = Math.min(TAPE_BLOCK, data.length - offset);
      let bytesWritten: number;
      try {
        ({ bytesWritten } = await this.handle.write(data, offset, size, null));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return offset;
        throw this.tape.ioError(`write file ${this.number} to`, error, 'check the cartridge and the drive');
      }
      offset += bytesWritten;
      if (bytesWritten < size) return offset; // a short write: the medium ended inside this block
    }
    return offset;
  }
}
