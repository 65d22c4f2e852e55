/** `floe-agent loader create` for a virtual tape library: the directories and the cartridges. */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FloeError } from '../../../shared/errors.js';
import { writeFileAtomic } from '../../secure-files.js';
import { CARTRIDGE_FILE, driveDir, LIBRARY_FILE, slotDir, type LibraryConfig } from './layout.js';

export interface CreateLibraryOptions extends LibraryConfig {
  /** Storage slots that get a data cartridge, from slot 1 (default: all but those for cleaning). */
  readonly cartridges?: number;
  /** Cleaning cartridges, placed in the last storage slots. */
  readonly cleaning?: number;
}

export function createLibrary(root: string, options: CreateLibraryOptions, now: Date): void {
  if (existsSync(root)) throw new FloeError('CONFLICT', `${root} already exists; choose another loader name`);
  const cleaning = options.cleaning ?? 0;
  const cartridges = options.cartridges ?? options.slots - cleaning;
  if (cartridges + cleaning > options.slots) {
    throw new FloeError('BAD_REQUEST', `${cartridges} cartridges and ${cleaning} cleaning cartridges do not fit in ${options.slots} slots`);
  }
  const config: LibraryConfig = {
    drives: options.drives,
    slots: options.slots,
    ieSlots: options.ieSlots,
    capacity: options.capacity,
    barcodePrefix: options.barcodePrefix,
  };
  mkdirSync(root, { recursive: true, mode: 0o700 });
  for (let drive = 0; drive < config.drives; drive += 1) mkdirSync(driveDir(root, drive));
  for (let element = 1; element <= config.slots + config.ieSlots; element += 1) mkdirSync(slotDir(root, config, element));
  const put = (slot: number, barcode: string): void => {
    const dir = join(slotDir(root, config, slot), barcode);
    mkdirSync(dir);
    writeFileAtomic(join(dir, CARTRIDGE_FILE), `${JSON.stringify({ barcode, capacity: config.capacity, createdAt: now.toISOString() })}\n`, 0o600);
  };
  for (let slot = 1; slot <= cartridges; slot += 1) put(slot, `${config.barcodePrefix}${String(slot).padStart(3, '0')}`);
  for (let n = 1; n <= cleaning; n += 1) put(config.slots - cleaning + n, `CLN${String(n).padStart(3, '0')}`);
  // Written last: a directory without library.json is an interrupted creation.
  writeFileAtomic(join(root, LIBRARY_FILE), `${JSON.stringify(config, null, 2)}\n`, 0o600);
}
