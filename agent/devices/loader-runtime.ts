/**
 * One loader while the agent runs: its adapters, the cached inventory with its time, the drives'
 * runtime state, and a queue that serialises every changer operation (the robot moves one
 * cartridge at a time; concurrent requests on a drive wait their turn).
 */
import { join } from 'node:path';
import type { Drive, DriveState, Loader, LoaderElement, SlotMismatch } from '../../shared/devices.js';
import { FloeError } from '../../shared/errors.js';
import type { ChangerAdapter, DriveIo } from './adapters.js';
import type { LoaderRow } from './store.js';
import { VtlChanger } from './vtl/vtl-changer.js';
import { VtlDrive } from './vtl/vtl-drive.js';
import { driveDir } from './vtl/layout.js';
import { MtxChanger } from './mtx/mtx-changer.js';
import { TapeDrive } from './tape/tape-drive.js';
import { z } from 'zod';

export interface DriveRuntime {
  state: DriveState;
  job: string | null;
  progress: number | null;
  detail: string | null;
}

export interface LoaderAdapters {
  readonly changer: ChangerAdapter;
  readonly drives: readonly DriveIo[];
  readonly driveKind: Drive['kind'];
  readonly driveDevices: readonly string[];
  readonly device: string;
  readonly slots: number;
  readonly ieSlots: number;
  /** Capacity of a cartridge when the hardware cannot tell (bytes), or of the VTL cartridges. */
  readonly defaultCapacity: number;
}

export type AdapterFactory = (row: LoaderRow, vtlRoot: string) => LoaderAdapters;

export function vtlAdapters(root: string): LoaderAdapters {
  const changer = new VtlChanger(root);
  const { config } = changer;
  return {
    changer,
    drives: Array.from({ length: config.drives }, (_, n) => new VtlDrive(changer, n)),
    driveKind: 'virtual',
    driveDevices: Array.from({ length: config.drives }, (_, n) => driveDir(root, n)),
    device: root,
    slots: config.slots,
    ieSlots: config.ieSlots,
    defaultCapacity: config.capacity,
  };
}

const mtxConfigSchema = z.object({
  device: z.string().min(1),
  tapeDrives: z.array(z.string().min(1)).min(1),
  mtxCommand: z.string().min(1),
  mtCommand: z.string().min(1),
});

/** A real SCSI changer through `mtx`, its drives through `mt` and their device files. */
export function mtxAdapters(config: z.infer<typeof mtxConfigSchema>): LoaderAdapters {
  return {
    changer: new MtxChanger({ device: config.device, mtxCommand: config.mtxCommand }),
    drives: config.tapeDrives.map((device) => new TapeDrive({ device, mtCommand: config.mtCommand })),
    driveKind: 'tape',
    driveDevices: config.tapeDrives,
    device: config.device,
    slots: 0,
    ieSlots: 0,
    // A tape drive does not report its cartridge's capacity; the pool's media type decides later.
    defaultCapacity: 0,
  };
}

export const defaultAdapterFactory: AdapterFactory = (row, vtlRoot) =>
  row.kind === 'vtl' ? vtlAdapters(join(vtlRoot, row.name)) : mtxAdapters(mtxConfigSchema.parse(row.config));

export class LoaderRuntime {
  elements: LoaderElement[] = [];
  inventoryAt: string | null = null;
  mismatches: SlotMismatch[] = [];
  readonly driveStates: DriveRuntime[];
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(
    readonly name: string,
    readonly kind: 'vtl' | 'mtx',
    readonly adapters: LoaderAdapters,
  ) {
    this.driveStates = adapters.drives.map(() => ({ state: 'idle', job: null, progress: null, detail: null }));
  }

  /** Runs `work` after every earlier operation on this loader has finished. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    this.pending += 1;
    const run = this.queue.then(work, work);
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run.finally(() => {
      this.pending -= 1;
    });
  }

  /** Whether an operation runs or waits, or a drive serves a job. */
  get inUse(): boolean {
    return this.pending > 0 || this.driveStates.some((drive) => drive.job !== null);
  }

  element(kind: LoaderElement['kind'], number: number): LoaderElement | undefined {
    return this.elements.find((element) => element.kind === kind && element.number === number);
  }

  slotElement(number: number): LoaderElement | undefined {
    return this.elements.find((element) => element.kind !== 'drive' && element.number === number);
  }

  // ── preconditions: clear refusals before anything moves ──

  requireIdleDrive(drive: number): void {
    const state = this.driveStates[drive];
    if (!state) throw new FloeError('NOT_FOUND', `${this.name} has no drive ${drive} (drives 0-${this.driveStates.length - 1})`);
    if (state.job !== null) throw new FloeError('BUSY', `drive ${drive} of ${this.name} is busy with job ${state.job}`);
  }

  requireEmptyDrive(drive: number): void {
    const element = this.element('drive', drive);
    if (element?.full) throw new FloeError('CONFLICT', `drive ${drive} of ${this.name} already holds ${element.barcode ?? 'a cartridge'}; unload it first`);
  }

  requireFullSlot(slot: number): LoaderElement {
    const element = this.slotElement(slot);
    if (!element) throw new FloeError('NOT_FOUND', `${this.name} has no slot ${slot}`);
    if (!element.full) throw new FloeError('CONFLICT', `slot ${slot} of ${this.name} is empty`);
    return element;
  }

  requireEmptySlot(slot: number): void {
    const element = this.slotElement(slot);
    if (!element) throw new FloeError('NOT_FOUND', `${this.name} has no slot ${slot}`);
    if (element.full) throw new FloeError('CONFLICT', `slot ${slot} of ${this.name} is full (${element.barcode ?? 'no barcode'})`);
  }

  homeOrFreeSlot(home: number | null): number {
    if (home !== null && this.slotElement(home)?.full === false) return home;
    return this.freeElement('slot');
  }

  freeElement(kind: 'slot' | 'ie'): number {
    const free = this.elements.find((element) => element.kind === kind && !element.full);
    if (!free) throw new FloeError('CONFLICT', `${this.name} has no empty ${kind === 'ie' ? 'import/export' : 'storage'} slot`);
    return free.number;
  }


  view(): Loader {
    return {
      name: this.name,
      kind: this.kind,
      device: this.adapters.device,
      drives: this.adapters.drives.length,
      // A changer tells its slot counts in its status; before the first read, the configuration does.
      slots: this.elements.length > 0 ? this.elements.filter((element) => element.kind === 'slot').length : this.adapters.slots,
      ieSlots: this.elements.length > 0 ? this.elements.filter((element) => element.kind === 'ie').length : this.adapters.ieSlots,
      elements: this.elements,
      inventoryAt: this.inventoryAt,
      mismatches: this.mismatches,
    };
  }

  driveView(number: number, mediaLabelOf: (barcode: string) => string | null): Drive {
    const runtime = this.driveStates[number];
    const element = this.element('drive', number);
    const barcode = element?.full ? element.barcode : null;
    return {
      loader: this.name,
      number,
      kind: this.adapters.driveKind,
      device: this.adapters.driveDevices[number] ?? '',
      state: runtime?.state ?? 'offline',
      barcode,
      media: barcode ? mediaLabelOf(barcode) : null,
      job: runtime?.job ?? null,
      progress: runtime?.progress ?? null,
      detail: runtime?.detail ?? null,
    };
  }
}

/** Compares the changer's elements with what our own operations left there. */
export function findMismatches(elements: readonly LoaderElement[], expected: ReadonlyMap<string, string | null>): SlotMismatch[] {
  const mismatches: SlotMismatch[] = [];
  for (const element of elements) {
    const key = `${element.kind}:${element.number}`;
    if (!expected.has(key)) continue;
    const want = expected.get(key) ?? null;
    const found = element.full ? (element.barcode ?? '?') : null;
    if (want !== found) mismatches.push({ element: element.number, kind: element.kind, expected: want === '?' ? null : want, found: found === '?' ? null : found });
  }
  return mismatches;
}
