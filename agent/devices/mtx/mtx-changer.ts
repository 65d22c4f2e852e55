/**
 * A real SCSI medium changer driven by mtx (`mtx -f DEVICE status|load|unload|transfer`). mtx runs
 * without a shell and with a deadline; its status output goes through the strict parser.
 */
import type { LoaderElement } from '../../../shared/devices.js';
import { DeviceError, type ChangerAdapter } from '../adapters.js';
import { parseMtxStatus, type MtxStatus } from './parse-status.js';
import { runTool } from '../run-tool.js';

export interface MtxChangerOptions {
  /** The changer's generic SCSI device, e.g. /dev/sg3 or /dev/tape/by-id/scsi-…-changer. */
  readonly device: string;
  /** The mtx program (default `mtx`, found on PATH). */
  readonly mtxCommand?: string;
  /** Deadline of each mtx run (default 10 minutes: a large library can take minutes to move a cartridge). */
  readonly timeoutMs?: number;
}

export const DEFAULT_MTX_TIMEOUT_MS = 10 * 60 * 1000;

export class MtxChanger implements ChangerAdapter {
  private readonly device: string;
  private readonly mtxCommand: string;
  private readonly timeoutMs: number;

  constructor(options: MtxChangerOptions) {
    if (options.device === '' || options.device.startsWith('-')) {
      throw new DeviceError('DEVICE_FAILED', `"${options.device}" is not a changer device; give its path, e.g. /dev/sg3`);
    }
    this.device = options.device;
    this.mtxCommand = options.mtxCommand ?? 'mtx';
    this.timeoutMs = options.timeoutMs ?? DEFAULT_MTX_TIMEOUT_MS;
  }

  /** The full parsed status, with the header's counts. */
  async inventory(): Promise<MtxStatus> {
    const { stdout } = await this.mtx(['status']);
    return parseMtxStatus(stdout);
  }

  async status(): Promise<LoaderElement[]> {
    return (await this.inventory()).elements;
  }

  async load(slot: number, drive: number): Promise<void> {
    await this.mtx(['load', slotArg(slot), driveArg(drive)]);
  }

  async unload(drive: number, slot: number): Promise<void> {
    await this.mtx(['unload', slotArg(slot), driveArg(drive)]);
  }

  async transfer(from: number, to: number): Promise<void> {
    await this.mtx(['transfer', slotArg(from), slotArg(to)]);
  }

  private mtx(args: string[]) {
    return runTool({
      command: this.mtxCommand,
      args: ['-f', this.device, ...args],
      timeoutMs: this.timeoutMs,
      missingHint: 'install mtx (Debian: apt-get install mtx) or give its path with --mtx-command',
    });
  }
}

function slotArg(slot: number): string {
  if (!Number.isSafeInteger(slot) || slot < 1) throw new DeviceError('DEVICE_FAILED', `slot ${slot} is not a slot number; slots are numbered from 1`);
  return String(slot);
}

function driveArg(drive: number): string {
  if (!Number.isSafeInteger(drive) || drive < 0) throw new DeviceError('DEVICE_FAILED', `drive ${drive} is not a drive number; drives are numbered from 0`);
  return String(drive);
}
