/**
 * Device adapters: one interface per kind of hardware, so the device service drives a virtual tape
 * library on disk and a real SCSI changer (mtx) the same way. Element numbers follow mtx: drives
 * from 0, storage slots from 1, import/export slots after the last storage slot.
 */
import type { LoaderElement } from '../../shared/devices.js';
import { FloeError } from '../../shared/errors.js';

export interface ChangerAdapter {
  /** Reads every element (drives, storage and import/export slots) from the changer. */
  status(): Promise<LoaderElement[]>;
  /** Moves the cartridge in storage (or i/e) element `slot` into drive `drive`. */
  load(slot: number, drive: number): Promise<void>;
  /** Moves the cartridge in drive `drive` back to element `slot`. */
  unload(drive: number, slot: number): Promise<void>;
  /** Moves a cartridge between two slot elements (storage or import/export). */
  transfer(from: number, to: number): Promise<void>;
}

/** What a cartridge says about itself in file 0. */
export interface LabelRecord {
  readonly label: string;
  readonly pool: string;
  readonly barcode: string | null;
  readonly labeledAt: string;
  /** The agent that wrote the label. */
  readonly agentId: string;
}

/** Reading and writing the media in one drive (labels now; saveset files with the backup engine). */
export interface DriveIo {
  /** Makes the drive ready after a load (a tape drive rewinds; a VTL drive has nothing to do). */
  ready(): Promise<void>;
  /** Prepares the drive for an unload (a tape drive rewinds and ejects). */
  release(): Promise<void>;
  /** The label in file 0 of the loaded media, or null when it carries none. Throws when no media is loaded. */
  readLabel(): Promise<LabelRecord | null>;
  /** Writes the label as file 0, discarding everything on the media. */
  writeLabel(label: LabelRecord): Promise<void>;
}

/**
 * The media target: saveset files on the loaded media (file 0 is the label; data files follow,
 * numbered). A VTL cartridge (a directory of files) and a real tape (files between filemarks on a
 * non-rewinding st device) both implement it, so backup, restore and verify never ask which one
 * they write to. A medium ends in one of two ways: `remaining()` says so before a write (a VTL
 * knows its capacity), or a write throws EndOfMedium (a tape drive reports ENOSPC at its early
 * warning mark); the writer then closes the file at the bytes accepted and goes on elsewhere.
 */
export interface DataIo {
  /** Bytes the media can still take (Number.MAX_SAFE_INTEGER when only the drive can tell: then writes end with EndOfMedium). */
  remaining(): Promise<number>;
  /** The number the next file written will get. */
  nextFileNumber(): Promise<number>;
  /** Opens file `number` for writing; `close` flushes it to stable storage. */
  createFile(number: number, name: string): Promise<DataFileWriter>;
  /** Reads file `number` (named `name`) from its start. */
  readFile(number: number, name: string): Promise<NodeJS.ReadableStream & AsyncIterable<Buffer>>;
  /** The size of file `number`, or null when it is not on the media. */
  fileSize(number: number, name: string): Promise<number | null>;
  /** Removes an unfinished file (a cancelled or failed write). */
  discardFile(number: number, name: string): Promise<void>;
}

export interface DataFileWriter {
  /** Writes all of `data`, or throws EndOfMedium saying how much of it reached the medium. */
  write(data: Buffer): Promise<void>;
  /** Ends the file (fsync on a VTL; the filemark on a tape). Call it after EndOfMedium too. */
  close(): Promise<void>;
}

/** The medium is full: `accepted` bytes of the write that failed are on it, the rest is not. */
export class EndOfMedium extends Error {
  constructor(
    readonly accepted: number,
    message: string,
  ) {
    super(message);
    this.name = 'EndOfMedium';
  }
}

export function isEndOfMedium(error: unknown): error is EndOfMedium {
  return error instanceof EndOfMedium;
}

/** Errors that adapters throw carry a code and the command's own words. */
export class DeviceError extends Error {
  constructor(
    readonly code: 'DEVICE_FAILED' | 'PARSE_FAILED' | 'NO_MEDIA',
    message: string,
  ) {
    super(message);
    this.name = 'DeviceError';
  }
}

/** Media in a drive reserved for a job. */
export interface Mount {
  readonly loader: string;
  readonly drive: number;
  readonly label: string;
  readonly io: DriveIo & DataIo;
}

export function isDataIo(io: DriveIo): io is DriveIo & DataIo {
  return 'createFile' in io && 'readFile' in io;
}

/** A device failure as the protocol reports it: media missing is a conflict, anything else DEVICE_FAILED. */
export function deviceFailure(error: unknown, context: string): FloeError {
  if (error instanceof FloeError) return error;
  if (error instanceof DeviceError) return new FloeError(error.code === 'NO_MEDIA' ? 'CONFLICT' : 'DEVICE_FAILED', `${context}: ${error.message}`);
  return new FloeError('DEVICE_FAILED', `${context}: ${error instanceof Error ? error.message : String(error)}`);
}
