/** The changer of a virtual tape library: element status from directories, moves by atomic rename. */
import { readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { LoaderElement } from '../../../shared/devices.js';
import { DeviceError, type ChangerAdapter } from '../adapters.js';
import { driveDir, isSlotElement, LIBRARY_FILE, libraryConfigSchema, parseDriveEntry, slotDir, type LibraryConfig } from './layout.js';

export function readLibraryConfig(root: string): LibraryConfig {
  try {
    return libraryConfigSchema.parse(JSON.parse(readFileSync(join(root, LIBRARY_FILE), 'utf8')));
  } catch (error) {
    throw new DeviceError('DEVICE_FAILED', `${root} is not a virtual tape library (${(error as Error).message})`);
  }
}

function onlyEntry(dir: string): string | null {
  const entries = readdirSync(dir).filter((name) => !name.startsWith('.'));
  if (entries.length > 1) throw new DeviceError('DEVICE_FAILED', `${dir} holds ${entries.length} cartridges (${entries.join(', ')}); an element holds one`);
  return entries[0] ?? null;
}

export class VtlChanger implements ChangerAdapter {
  readonly config: LibraryConfig;

  constructor(readonly root: string) {
    this.config = readLibraryConfig(root);
  }

  async status(): Promise<LoaderElement[]> {
    const elements: LoaderElement[] = [];
    for (let drive = 0; drive < this.config.drives; drive += 1) {
      const entry = onlyEntry(driveDir(this.root, drive));
      const parsed = entry === null ? null : parseDriveEntry(entry);
      elements.push({ kind: 'drive', number: drive, full: entry !== null, barcode: parsed?.barcode ?? null, homeSlot: parsed?.home ?? null });
    }
    for (let element = 1; element <= this.config.slots + this.config.ieSlots; element += 1) {
      const entry = onlyEntry(slotDir(this.root, this.config, element));
      elements.push({ kind: element > this.config.slots ? 'ie' : 'slot', number: element, full: entry !== null, barcode: entry, homeSlot: null });
    }
    return elements;
  }

  /** The directory of the cartridge loaded in `drive`, or null. */
  loadedCartridgeDir(drive: number): string | null {
    this.assertDrive(drive);
    const entry = onlyEntry(driveDir(this.root, drive));
    return entry === null ? null : join(driveDir(this.root, drive), entry);
  }

  async load(slot: number, drive: number): Promise<void> {
    this.assertDrive(drive);
    const barcode = this.cartridgeIn(slot);
    if (onlyEntry(driveDir(this.root, drive)) !== null) throw new DeviceError('DEVICE_FAILED', `drive ${drive} is full`);
    renameSync(join(slotDir(this.root, this.config, slot), barcode), join(driveDir(this.root, drive), `${barcode}@${slot}`));
  }

  async unload(drive: number, slot: number): Promise<void> {
    this.assertDrive(drive);
    const entry = onlyEntry(driveDir(this.root, drive));
    if (entry === null) throw new DeviceError('NO_MEDIA', `drive ${drive} is empty`);
    this.assertEmpty(slot);
    renameSync(join(driveDir(this.root, drive), entry), join(slotDir(this.root, this.config, slot), parseDriveEntry(entry).barcode));
  }

  async transfer(from: number, to: number): Promise<void> {
    const barcode = this.cartridgeIn(from);
    this.assertEmpty(to);
    renameSync(join(slotDir(this.root, this.config, from), barcode), join(slotDir(this.root, this.config, to), barcode));
  }

  private assertDrive(drive: number): void {
    if (!Number.isInteger(drive) || drive < 0 || drive >= this.config.drives) {
      throw new DeviceError('DEVICE_FAILED', `drive ${drive} does not exist (drives 0-${this.config.drives - 1})`);
    }
  }

  private cartridgeIn(slot: number): string {
    if (!isSlotElement(this.config, slot)) throw new DeviceError('DEVICE_FAILED', `slot ${slot} does not exist`);
    const barcode = onlyEntry(slotDir(this.root, this.config, slot));
    if (barcode === null) throw new DeviceError('NO_MEDIA', `slot ${slot} is empty`);
    return barcode;
  }

  private assertEmpty(slot: number): void {
    if (!isSlotElement(this.config, slot)) throw new DeviceError('DEVICE_FAILED', `slot ${slot} does not exist`);
    const present = onlyEntry(slotDir(this.root, this.config, slot));
    if (present !== null) throw new DeviceError('DEVICE_FAILED', `slot ${slot} is full (${present})`);
  }
}
