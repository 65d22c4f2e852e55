/** Media I/O in one drive of a virtual tape library: file 0 is the label, as JSON. */
import { createReadStream, existsSync, fsyncSync, openSync, closeSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DeviceError, type DataFileWriter, type DataIo, type DriveIo, type LabelRecord } from '../adapters.js';
import { writeFileAtomic } from '../../secure-files.js';
import { createDataFile } from './data-file.js';
import { CARTRIDGE_FILE, LABEL_FILE, WRITE_PROTECT_FILE } from './layout.js';
import type { VtlChanger } from './vtl-changer.js';

const labelSchema = z.object({
  label: z.string().min(1).max(64),
  pool: z.string().min(1).max(64),
  barcode: z.string().max(64).nullable(),
  labeledAt: z.string().max(64),
  agentId: z.string().max(64),
});

const DATA_FILE = /^(\d{5})\.(.+)$/;

/** The directory's entries on disk, off the event loop: a busy disk can take a fsync far beyond a frame. */
async function fsyncDirAsync(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export class VtlDrive implements DriveIo, DataIo {
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
    fsyncDir(dir);
  }

  private dataFiles(): Array<{ number: number; name: string; size: number }> {
    const dir = this.cartridge();
    return readdirSync(dir)
      .map((name) => DATA_FILE.exec(name))
      .filter((match): match is RegExpExecArray => match !== null && match[1] !== '00000')
      .map((match) => ({ number: Number(match[1]), name: match[2] ?? '', size: statSync(join(dir, match[0])).size }));
  }

  async remaining(): Promise<number> {
    const used = this.dataFiles().reduce((sum, file) => sum + file.size, 0);
    return Math.max(0, this.capacity() - used);
  }

  async nextFileNumber(): Promise<number> {
    return this.dataFiles().reduce((max, file) => Math.max(max, file.number), 0) + 1;
  }

  private filePath(number: number, name: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new DeviceError('DEVICE_FAILED', `bad media file name ${name}`);
    return join(this.cartridge(), `${String(number).padStart(5, '0')}.${name}`);
  }

  async createFile(number: number, name: string): Promise<DataFileWriter> {
    if (this.isWriteProtected()) throw new DeviceError('DEVICE_FAILED', `the cartridge in drive ${this.number} is write-protected`);
    const path = this.filePath(number, name);
    // `FLOE_VTL_WRITE=buffered` in the agent's environment writes through the page cache, as before O_DIRECT.
    const file = await createDataFile(path, { direct: process.env.FLOE_VTL_WRITE !== 'buffered' });
    const dir = this.cartridge();
    return {
      write: (data) => file.write(data),
      async close() {
        await file.close();
        await fsyncDirAsync(dir);
      },
    };
  }

  async readFile(number: number, name: string) {
    const path = this.filePath(number, name);
    if (!existsSync(path)) throw new DeviceError('NO_MEDIA', `file ${number} (${name}) is missing on the cartridge in drive ${this.number}`);
    // Large reads: the chunks were written with O_DIRECT, so a restore reads them from the disk, not
    // the page cache (a 512 MB restore took 1.9 s with 1 MiB reads, 1.65 s with 8 MiB).
    return createReadStream(path, { highWaterMark: 8 * 1024 * 1024 });
  }

  async fileSize(number: number, name: string): Promise<number | null> {
    const path = this.filePath(number, name);
    return existsSync(path) ? statSync(path).size : null;
  }

  async discardFile(number: number, name: string): Promise<void> {
    rmSync(this.filePath(number, name), { force: true });
  }

  /** Capacity of the loaded cartridge in bytes. */
  capacity(): number {
    return JSON.parse(readFileSync(join(this.cartridge(), CARTRIDGE_FILE), 'utf8')).capacity as number;
  }
}
