/**
 * A real tape drive (Linux st driver, non-rewinding device such as /dev/nst0): positioning with
 * `mt -f DEVICE rewind|offline|status|eod|asf|setblk`, the label read and written as file 0 directly
 * on the device, saveset files after it (tape-files.ts).
 */
import { open } from 'node:fs/promises';
import { DeviceError, type DataFileWriter, type DataIo, type DriveIo, type LabelRecord } from '../adapters.js';
import { runTool } from '../run-tool.js';
import { decodeLabelBlock, encodeLabelBlock, LABEL_BLOCK_SIZE } from './label-block.js';
import { hasTape, parseMtStatus, type MtStatus } from './mt-status.js';
import { TapeFiles, type MtOperation } from './tape-files.js';

export interface TapeDriveOptions {
  /** The non-rewinding tape device, e.g. /dev/nst0. */
  readonly device: string;
  /** The mt program (default `mt`, found on PATH). */
  readonly mtCommand?: string;
  /** Deadline of each mt run (default 5 minutes: a full rewind of an LTO cartridge takes minutes). */
  readonly timeoutMs?: number;
}

export const DEFAULT_MT_TIMEOUT_MS = 5 * 60 * 1000;

export class TapeDrive implements DriveIo, DataIo {
  readonly device: string;
  private readonly files: TapeFiles;
  private readonly mtCommand: string;
  private readonly timeoutMs: number;

  constructor(options: TapeDriveOptions) {
    if (options.device === '' || options.device.startsWith('-')) {
      throw new DeviceError('DEVICE_FAILED', `"${options.device}" is not a tape device; give its path, e.g. /dev/nst0`);
    }
    this.device = options.device;
    this.mtCommand = options.mtCommand ?? 'mt';
    this.timeoutMs = options.timeoutMs ?? DEFAULT_MT_TIMEOUT_MS;
    this.files = new TapeFiles({
      device: this.device,
      mt: (operation, count) => this.mt(operation, count),
      requireTape: () => this.requireTape(),
      ioError: (action, error, hint) => this.ioError(action, error, hint),
    });
  }

  // ── saveset files (the media target) ──
  remaining(): Promise<number> {
    return this.files.remaining();
  }

  nextFileNumber(): Promise<number> {
    return this.files.nextFileNumber();
  }

  createFile(number: number, name: string): Promise<DataFileWriter> {
    return this.files.createFile(number, name);
  }

  readFile(number: number, name: string): Promise<NodeJS.ReadableStream & AsyncIterable<Buffer>> {
    return this.files.readFile(number, name);
  }

  fileSize(number: number, name: string): Promise<number | null> {
    return this.files.fileSize(number, name);
  }

  discardFile(): Promise<void> {
    return this.files.discardFile();
  }

  /** The drive's status as `mt status` reports it. */
  async status(): Promise<MtStatus> {
    const { stdout } = await this.mt('status');
    return parseMtStatus(stdout);
  }

  async ready(): Promise<void> {
    await this.mt('rewind');
  }

  async release(): Promise<void> {
    await this.mt('rewind');
    await this.mt('offline');
  }

  async readLabel(): Promise<LabelRecord | null> {
    await this.requireTape();
    await this.mt('rewind');
    const block = Buffer.alloc(LABEL_BLOCK_SIZE);
    const handle = await this.openDevice('r');
    let bytesRead: number;
    try {
      // One read(2) without a position: a tape returns exactly one block (pread is not allowed on tapes).
      ({ bytesRead } = await handle.read(block, 0, LABEL_BLOCK_SIZE, null));
    } catch (error) {
      throw this.ioError('read file 0 of', error, 'a blank cartridge cannot be read before it is labelled');
    } finally {
      await handle.close();
    }
    return decodeLabelBlock(block.subarray(0, bytesRead), this.device);
  }

  async writeLabel(label: LabelRecord): Promise<void> {
    const block = encodeLabelBlock(label);
    const status = await this.requireTape();
    if (status.writeProtected) {
      throw new DeviceError('DEVICE_FAILED', `the cartridge in ${this.device} is write-protected; slide its write-protect tab off or use another cartridge`);
    }
    await this.mt('rewind');
    const handle = await this.openDevice('w');
    try {
      const { bytesWritten } = await handle.write(block, 0, LABEL_BLOCK_SIZE, null);
      if (bytesWritten !== LABEL_BLOCK_SIZE) {
        throw new DeviceError('DEVICE_FAILED', `${this.device} took ${bytesWritten} of the label's ${LABEL_BLOCK_SIZE} bytes; check the drive's block size (mt -f ${this.device} setblk 0)`);
      }
    } catch (error) {
      if (error instanceof DeviceError) throw error;
      throw this.ioError('write the label to', error, 'check the cartridge and the drive');
    } finally {
      // Closing the device after a write makes the st driver write the filemark that ends file 0.
      await handle.close();
    }
  }

  private async requireTape(): Promise<MtStatus> {
    const status = await this.status();
    if (!hasTape(status)) {
      throw new DeviceError('NO_MEDIA', `no tape is ready in ${this.device}${status.doorOpen ? ' (mt status: DR_OPEN)' : ' (mt status: not ONLINE)'}; load a cartridge first`);
    }
    return status;
  }

  private async openDevice(mode: 'r' | 'w') {
    try {
      return await open(this.device, mode);
    } catch (error) {
      throw this.ioError('open', error, 'check that the device exists and that the agent may use it');
    }
  }

  private ioError(action: string, error: unknown, hint: string): DeviceError {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOMEDIUM') return new DeviceError('NO_MEDIA', `no tape in ${this.device}; load a cartridge first`);
    const detail = error instanceof Error ? error.message : String(error);
    return new DeviceError('DEVICE_FAILED', `cannot ${action} ${this.device}: ${detail}; ${hint}`);
  }

  private async mt(operation: MtOperation, count?: number) {
    try {
      return await runTool({
        command: this.mtCommand,
        args: ['-f', this.device, operation, ...(count === undefined ? [] : [String(count)])],
        timeoutMs: this.timeoutMs,
        missingHint: 'install mt-st (Debian: apt-get install mt-st) or give its path with --mt-command',
      });
    } catch (error) {
      if (error instanceof DeviceError && /No medium found/i.test(error.message)) {
        throw new DeviceError('NO_MEDIA', `no tape in ${this.device} (${error.message}); load a cartridge first`);
      }
      throw error;
    }
  }
}
