/**
 * The device model of a location: loaders (changers), drives, media and pools. One source of
 * truth for the agent, the console and the renderer; everything an agent sends is parsed with it.
 */
import { z } from 'zod';

const MAX_BARCODE = 32;

export const loaderNameSchema = z.string().min(1).max(32).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "-" or "_"');
export const barcodeSchema = z.string().min(1).max(MAX_BARCODE).regex(/^[A-Za-z0-9_-]+$/, 'a barcode is letters, digits, "-" or "_"');
export const poolNameSchema = z.string().min(1).max(16).regex(/^[A-Z][A-Z0-9_]*$/, 'a pool name is upper-case letters, digits and "_", starting with a letter');
/** A media label: the pool name and a 5-digit number, e.g. DAILY00001. */
export const mediaLabelSchema = z.string().min(6).max(21).regex(/^[A-Z][A-Z0-9_]*\d{5}$/, 'a label is the pool name and 5 digits, e.g. DAILY00001');
export const backupDaySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a backup day is YYYY-MM-DD');

export { isCleaningBarcode } from './barcode.js';

export const elementKindSchema = z.enum(['drive', 'slot', 'ie']);
export type ElementKind = z.infer<typeof elementKindSchema>;

/**
 * One changer element. Drives are numbered from 0; storage slots from 1; import/export slots
 * continue after the last storage slot (as mtx numbers them).
 */
export const loaderElementSchema = z.object({
  kind: elementKindSchema,
  number: z.number().int().nonnegative(),
  full: z.boolean(),
  barcode: barcodeSchema.nullable(),
  /** For a loaded drive: the storage slot its cartridge came from, when known. */
  homeSlot: z.number().int().positive().nullable(),
});
export type LoaderElement = z.infer<typeof loaderElementSchema>;

export const slotMismatchSchema = z.object({
  element: z.number().int().nonnegative(),
  kind: elementKindSchema,
  /** What the catalog expects there (a barcode, or null for empty). */
  expected: barcodeSchema.nullable(),
  /** What the changer reported. */
  found: barcodeSchema.nullable(),
});
export type SlotMismatch = z.infer<typeof slotMismatchSchema>;

export const loaderKindSchema = z.enum(['vtl', 'mtx']);
export const loaderSchema = z.object({
  name: loaderNameSchema,
  kind: loaderKindSchema,
  /** The changer device (mtx) or the library directory (vtl). */
  device: z.string().max(4096),
  drives: z.number().int().nonnegative(),
  slots: z.number().int().nonnegative(),
  ieSlots: z.number().int().nonnegative(),
  elements: z.array(loaderElementSchema),
  /** When the inventory was last read from the changer, or null if never. */
  inventoryAt: z.iso.datetime().nullable(),
  mismatches: z.array(slotMismatchSchema),
});
export type Loader = z.infer<typeof loaderSchema>;

export const driveStateSchema = z.enum(['idle', 'loading', 'busy', 'unloading', 'offline', 'error']);
export type DriveState = z.infer<typeof driveStateSchema>;

export const driveSchema = z.object({
  loader: loaderNameSchema,
  number: z.number().int().nonnegative(),
  kind: z.enum(['virtual', 'tape']),
  /** The tape device (e.g. /dev/nst0) or the VTL drive directory. */
  device: z.string().max(4096),
  state: driveStateSchema,
  barcode: barcodeSchema.nullable(),
  /** Label of the loaded media, if it carries a Floe label. */
  media: mediaLabelSchema.nullable(),
  job: z.string().max(128).nullable(),
  /** 0..1 of the current job, or null. */
  progress: z.number().min(0).max(1).nullable(),
  detail: z.string().max(512).nullable(),
});
export type Drive = z.infer<typeof driveSchema>;

export const mediaStateSchema = z.enum(['scratch', 'append', 'full', 'expired', 'error']);
export type MediaState = z.infer<typeof mediaStateSchema>;

export const mediaLocationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('slot'), loader: loaderNameSchema, element: z.number().int().positive() }),
  z.object({ kind: z.literal('ie'), loader: loaderNameSchema, element: z.number().int().positive() }),
  z.object({ kind: z.literal('drive'), loader: loaderNameSchema, drive: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('outside') }),
]);
export type MediaLocation = z.infer<typeof mediaLocationSchema>;

export const mediaSchema = z.object({
  label: mediaLabelSchema,
  barcode: barcodeSchema.nullable(),
  pool: poolNameSchema,
  capacity: z.number().int().nonnegative(),
  used: z.number().int().nonnegative(),
  state: mediaStateSchema,
  writeProtected: z.boolean(),
  /** Backup day of the first write, or null while scratch. */
  firstWriteDay: backupDaySchema.nullable(),
  lockedUntil: z.iso.datetime().nullable(),
  location: mediaLocationSchema,
  labeledAt: z.iso.datetime(),
});
export type Media = z.infer<typeof mediaSchema>;

export const poolSchema = z.object({
  name: poolNameSchema,
  /** A regular expression every label of the pool must match (anchored). */
  labelPattern: z.string().min(1).max(200),
  retentionDays: z.number().int().nonnegative(),
  mediaType: z.enum(['any', 'vtl', 'tape']),
  allocation: z.enum(['continue', 'new']),
});
export type Pool = z.infer<typeof poolSchema>;

export function defaultLabelPattern(pool: string): string {
  return `^${pool}\\d{5}$`;
}

export const devicesStateSchema = z.object({
  loaders: z.array(loaderSchema),
  drives: z.array(driveSchema),
  media: z.array(mediaSchema),
  pools: z.array(poolSchema),
});
export type DevicesState = z.infer<typeof devicesStateSchema>;

/** Device changes pushed as deltas (each replaces the named object whole). */
export const devicesChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('loader'), loader: loaderSchema }),
  z.object({ kind: z.literal('loader-removed'), name: loaderNameSchema }),
  z.object({ kind: z.literal('drive'), drive: driveSchema }),
  z.object({ kind: z.literal('media'), media: mediaSchema }),
  z.object({ kind: z.literal('media-removed'), label: mediaLabelSchema }),
  z.object({ kind: z.literal('pool'), pool: poolSchema }),
]);
export type DevicesChange = z.infer<typeof devicesChangeSchema>;

/** Applies one device change to a state (pure; used by the console's replica and by tests). */
export function applyDevicesChange(state: DevicesState, change: DevicesChange): DevicesState {
  switch (change.kind) {
    case 'loader':
      return { ...state, loaders: upsert(state.loaders, change.loader, (l) => l.name === change.loader.name) };
    case 'loader-removed':
      return {
        ...state,
        loaders: state.loaders.filter((l) => l.name !== change.name),
        drives: state.drives.filter((d) => d.loader !== change.name),
      };
    case 'drive':
      return { ...state, drives: upsert(state.drives, change.drive, (d) => d.loader === change.drive.loader && d.number === change.drive.number) };
    case 'media':
      return { ...state, media: upsert(state.media, change.media, (m) => m.label === change.media.label) };
    case 'media-removed':
      return { ...state, media: state.media.filter((m) => m.label !== change.label) };
    case 'pool':
      return { ...state, pools: upsert(state.pools, change.pool, (p) => p.name === change.pool.name) };
  }
}

function upsert<T>(items: readonly T[], item: T, same: (candidate: T) => boolean): T[] {
  const index = items.findIndex(same);
  if (index < 0) return [...items, item];
  const next = [...items];
  next[index] = item;
  return next;
}
