/** Device commands of the agent protocol: loaders, drives, pools and media. */
import { z } from 'zod';
import {
  barcodeSchema,
  driveSchema,
  loaderNameSchema,
  loaderSchema,
  mediaLabelSchema,
  mediaSchema,
  poolNameSchema,
  poolSchema,
} from '../devices.js';
import { command } from './command.js';

const element = z.number().int().positive();
const driveNumber = z.number().int().nonnegative();
const MAX_CAPACITY = 2 ** 50; // 1 PiB per cartridge is far beyond any real tape

export const vtlCreateSchema = z
  .object({
    name: loaderNameSchema,
    kind: z.literal('vtl'),
    drives: z.number().int().min(1).max(16),
    slots: z.number().int().min(1).max(500),
    ieSlots: z.number().int().min(0).max(32),
    /** Capacity of each cartridge in bytes. */
    capacity: z.number().int().min(1024 * 1024).max(MAX_CAPACITY),
    /** Prefix of the generated barcodes (the slot number follows, e.g. FLO001). */
    barcodePrefix: z.string().regex(/^[A-Z0-9]{1,6}$/, 'a barcode prefix is 1-6 upper-case letters or digits'),
    /** How many slots get a cartridge at creation (default: all); cleaning cartridges not included. */
    cartridges: z.number().int().min(0).max(500).optional(),
  })
  .strict();

export const mtxCreateSchema = z
  .object({
    name: loaderNameSchema,
    kind: z.literal('mtx'),
    device: z.string().min(1).max(4096),
    tapeDrives: z.array(z.string().min(1).max(4096)).min(1).max(16),
    mtxCommand: z.string().min(1).max(4096).optional(),
    mtCommand: z.string().min(1).max(4096).optional(),
  })
  .strict();

export const loaderCreateSchema = z.discriminatedUnion('kind', [vtlCreateSchema, mtxCreateSchema]);
export type LoaderCreate = z.infer<typeof loaderCreateSchema>;

export const deviceCommands = {
  'loader:list': command(z.object({}).strict(), z.array(loaderSchema), 'monitor'),
  'loader:create': command(loaderCreateSchema, loaderSchema, 'admin'),
  'loader:remove': command(z.object({ name: loaderNameSchema }).strict(), z.object({ removed: z.literal(true) }), 'admin'),
  'loader:inventory': command(z.object({ name: loaderNameSchema, refresh: z.boolean().optional() }).strict(), loaderSchema, 'monitor'),
  'loader:load': command(z.object({ loader: loaderNameSchema, slot: element, drive: driveNumber }).strict(), driveSchema, 'admin'),
  'loader:unload': command(z.object({ loader: loaderNameSchema, drive: driveNumber, slot: element.optional() }).strict(), driveSchema, 'admin'),
  'loader:transfer': command(z.object({ loader: loaderNameSchema, from: element, to: element }).strict(), loaderSchema, 'admin'),
  'loader:import': command(z.object({ loader: loaderNameSchema, from: element.optional(), to: element.optional() }).strict(), loaderSchema, 'admin'),
  'loader:export': command(z.object({ loader: loaderNameSchema, from: element, to: element.optional() }).strict(), loaderSchema, 'admin'),
  'drive:list': command(z.object({}).strict(), z.array(driveSchema), 'monitor'),
  'drive:clean': command(z.object({ loader: loaderNameSchema, drive: driveNumber }).strict(), z.object({ drive: driveSchema, cleaningBarcode: barcodeSchema, uses: z.number().int().positive() }), 'admin'),
  'pool:add': command(
    z
      .object({
        name: poolNameSchema,
        labelPattern: z.string().min(1).max(200).optional(),
        retentionDays: z.number().int().min(0).max(36_500).optional(),
        mediaType: z.enum(['any', 'vtl', 'tape']).optional(),
        allocation: z.enum(['continue', 'new']).optional(),
      })
      .strict(),
    poolSchema,
    'admin',
  ),
  'pool:list': command(z.object({}).strict(), z.array(poolSchema), 'monitor'),
  'media:label': command(
    z.object({ loader: loaderNameSchema, slot: element, pool: poolNameSchema, label: mediaLabelSchema.optional(), force: z.boolean().optional() }).strict(),
    mediaSchema,
    'admin',
  ),
  'media:list': command(z.object({ pool: poolNameSchema.optional() }).strict(), z.array(mediaSchema), 'monitor'),
} as const;
