/** Media I/O in one drive of a virtual tape library: file 0 is the label, as JSON. */
import { existsSync, fsyncSync, openSync, closeSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DeviceError, type DriveIo, type LabelRecord } from '../adapters.js';
import { writeFileAtomic } from '../../secure-files.js';
import { CARTRIDGE_FILE, LABEL_FILE, WRITE_PROTECT_FILE } from './layout.js';
import type { VtlChanger } from './vtl-changer.js';

const labelSchema = z.object({
  label: z.string().min(1).max(64),
  pool: z.string().min(1).max(64),
  barcode: z.string().max(64).nullable(),
  labeledAt: z.string().max(64),
  agentId: z.string().max(64),
});

export class VtlDrive implements DriveIo {
  constructor(
    private readonly changer: VtlChanger,
    readonly number: number,
  ) {}

  private cartridge(): string {
    const dir = this.changer.loadedCartridgeDir(this.number);
    if (dir === null) throw new DeviceError('NO_MEDIA', `drive ${this.number} is empty`);
    return dir;
  }

  async ready(): Promise<void> {
    this.cartridge();
  }

  async release(): Promise<void> {}

  isWriteProtected(): boolean {
    return existsSync(join(this.cartridge(), WRITE_PROTECT_FILE));
  }

  async readLabel(): Promise<LabelRecord | null> {
    const path = join(this.cartridge(), LABEL_FILE);
    if (!existsSync(path)) return null;
    const parsed = labelSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!parsed.success) throw new DeviceError('DEVICE_FAILED', `the label in drive ${this.number} is unreadable: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  }

  async writeLabel(label: LabelRecord): Promise<void> {
    const dir = this.cartridge();
    if (this.isWriteProtected()) throw new DeviceError('DEVICE_FAILED', `the cartridge in drive ${this.number} is write-protected`);
    // Labelling discards everything on the media: every numbered file goes, then file 0 is written.
    for (const name of readdirSync(dir)) {
      if (name !== CARTRIDGE_FILE && name !== WRITE_PROTECT_FILE) rmSync(join(dir, name), { recursive: true, force: true });
    }
    writeFileAtomic(join(dir, LABEL_FILE), `${JSON.stringify(label)}\n`, 0o600);
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Capacity of the loaded cartridge in bytes. */
  capacity(): number {
    return JSON.parse(readFileSync(join(this.cartridge(), CARTRIDGE_FILE), 'utf8')).capacity as number;
  }
}
