/**
 * A virtual tape library on disk, after Amanda's disk changer: one directory per element
 * (`drive-0`, `slot-001`, `ie-011`), a cartridge is a directory named by its barcode holding
 * numbered files (`00000.label` is file 0). A cartridge in a drive is named `BARCODE@HOME` so the
 * drive remembers its home slot in the same atomic rename that loads it.
 */
import { join } from 'node:path';
import { z } from 'zod';

export const LIBRARY_FILE = 'library.json';
export const CARTRIDGE_FILE = 'cartridge.json';
export const LABEL_FILE = '00000.label';
export const WRITE_PROTECT_FILE = 'write-protected';

export const libraryConfigSchema = z.object({
  drives: z.number().int().min(1),
  slots: z.number().int().min(1),
  ieSlots: z.number().int().min(0),
  capacity: z.number().int().positive(),
  barcodePrefix: z.string(),
});
export type LibraryConfig = z.infer<typeof libraryConfigSchema>;

export const cartridgeSchema = z.object({
  barcode: z.string(),
  capacity: z.number().int().positive(),
  createdAt: z.string(),
});

export function driveDir(root: string, drive: number): string {
  return join(root, `drive-${drive}`);
}

/** Storage slots are 1..slots, import/export slots slots+1..slots+ieSlots. */
export function slotDir(root: string, config: LibraryConfig, element: number): string {
  const kind = element > config.slots ? 'ie' : 'slot';
  return join(root, `${kind}-${String(element).padStart(3, '0')}`);
}

export function isIeElement(config: LibraryConfig, element: number): boolean {
  return element > config.slots && element <= config.slots + config.ieSlots;
}

export function isSlotElement(config: LibraryConfig, element: number): boolean {
  return element >= 1 && element <= config.slots + config.ieSlots;
}

export function parseDriveEntry(name: string): { barcode: string; home: number | null } {
  const at = name.lastIndexOf('@');
  if (at < 0) return { barcode: name, home: null };
  const home = Number(name.slice(at + 1));
  return { barcode: name.slice(0, at), home: Number.isInteger(home) && home > 0 ? home : null };
}
