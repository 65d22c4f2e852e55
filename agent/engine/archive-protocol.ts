/**
 * The contracts of a backup's data path, which runs on two worker threads beside the job (main
 * thread), so that neither archiving nor the index ever runs on the agent's socket event loop.
 * Two pairs of workers, one per data path (`DataPath`):
 *   - "floe" (uncompressed tasks, when getfattr is there): the stream worker (stream-worker.ts)
 *     walks the sources, decides what to save and writes the stream itself (floe-stream.ts: pax
 *     headers, each file read straight into the outgoing batch and checksummed in place), leaving
 *     to one GNU tar run at the end what only GNU tar writes exactly (sparse files, extended
 *     attributes and ACLs, devices, FIFOs); it sends the index rows, checksums included, to the
 *     index worker (index-worker.ts), which writes them into the catalog;
 *   - "gnu-tar" (gzip tasks, machines without getfattr, FLOE_DATA_PATH=gnu-tar): the scan worker
 *     (scan-worker.ts) walks, decides, sends the names to the archive worker (archive-worker.ts) and
 *     writes the index rows; the archive worker runs GNU tar on the names, parses its stream,
 *     computes each file's CRC-32 and sends the checksums back to the scan worker.
 * Either way the worker that produces the stream sends it to the main thread in batches
 * (batch-link.ts); the main thread only writes them onto media, combines each chunk's CRC-32 from
 * the batches' (the stream worker sends each batch's, derived from its files'; the archive
 * worker's batches are read once here) and reports.
 */
import type { MessagePort } from 'node:worker_threads';
import type { IndexRow } from './engine-store.js';
import type { TarFeatures } from './tar/gnu-tar.js';
import type { PackedRows } from './row-pack.js';

/** Who writes the saveset stream: Floe's pax writer (plus GNU tar for special members), or GNU tar alone. */
export type DataPath = 'floe' | 'gnu-tar';

export type ReferenceRow = Pick<IndexRow, 'type' | 'size' | 'mtime' | 'ctime' | 'ino'>;

export interface ScanWorkerInput {
  /** The saveset being written: its index rows go in under this id (pending until the commit). */
  readonly saveset: string;
  /** The catalog database file (the worker opens its own connection; WAL). */
  readonly catalogPath: string;
  readonly sources: readonly string[];
  readonly excludes: readonly string[];
  /** For differential and incremental backups: the state to compare against. */
  readonly reference: ReadonlyArray<readonly [string, ReferenceRow]> | null;
  /** Batches of names sent to the archive worker and not yet handed to tar. */
  readonly nameBatchesInFlight: number;
  /** To the archive worker. */
  readonly peer: MessagePort;
}

export interface ArchiveWorkerInput {
  readonly compress: 'none' | 'gzip';
  readonly tarCommand?: string;
  /** tar's optional features, probed once by the main thread. */
  readonly tarFeatures: TarFeatures;
  /** Data goes to the main thread in batches of about this many bytes. */
  readonly batchBytes: number;
  /** Batches the worker may send before the main thread has written them. */
  readonly maxInFlight: number;
  /** To the scan worker. */
  readonly peer: MessagePort;
}

export interface StreamWorkerInput {
  readonly sources: readonly string[];
  readonly excludes: readonly string[];
  /** For differential and incremental backups: the state to compare against. */
  readonly reference: ReadonlyArray<readonly [string, ReferenceRow]> | null;
  readonly tarCommand?: string;
  /** tar's optional features, probed once by the main thread. */
  readonly tarFeatures: TarFeatures;
  /** Data goes to the main thread in batches of about this many bytes. */
  readonly batchBytes: number;
  /** Batches the worker may send before the main thread has written them. */
  readonly maxInFlight: number;
  /** Batches of index rows sent to the index worker and not yet written. */
  readonly rowBatchesInFlight: number;
  /** Floe's native file reader to load (native-io.ts), or null: Node's fs calls read the files. */
  readonly nativeIo: string | null;
  /** To the index worker. */
  readonly peer: MessagePort;
}

export interface IndexWorkerInput {
  /** The saveset being written: its index rows go in under this id (pending until the commit). */
  readonly saveset: string;
  /** The catalog database file (the worker opens its own connection; WAL). */
  readonly catalogPath: string;
  /** To the stream worker. */
  readonly peer: MessagePort;
}

/** Stream worker → index worker. */
export type StreamToIndex =
  /** Index rows, checksums set, packed (row-pack.ts). */
  | { readonly type: 'rows'; readonly rows: PackedRows }
  | { readonly type: 'rows-end' };

/** Index worker → stream worker: one batch of rows is written, another may come. */
export type IndexToStream = { readonly type: 'rows-taken' };

/** Main thread → either worker. */
export type ToWorker =
  /** One batch is written: another may be sent, in the returned (transferred) buffer if it fits. */
  | { readonly type: 'credit'; readonly buffer?: ArrayBuffer }
  | { readonly type: 'cancel' }
  /** To a pooled worker (worker-pool.ts: stream and index workers): its next job; `peer` is transferred with it. */
  | { readonly type: 'job'; readonly input: StreamWorkerInput | IndexWorkerInput };

/** Scan worker → archive worker. */
export type ScanToArchive =
  /** Member names for tar, relative to `/`. */
  | { readonly type: 'names'; readonly names: readonly string[] }
  | { readonly type: 'names-end' };

/** Archive worker → scan worker. */
export type ArchiveToScan =
  /** tar took one batch of names: the scan may send another. */
  | { readonly type: 'names-taken' }
  /**
   * Files and hard links as they were archived, in stream order, flat (cheaper to pass than pairs):
   * member path, then the CRC-32 (hex) of the data or null, for each.
   */
  | { readonly type: 'archived'; readonly entries: ReadonlyArray<string | null> }
  | { readonly type: 'archived-end' };

/** Either worker → main thread. */
export type FromWorker =
  /** A batch of the saveset stream: the first `length` bytes of the (transferred) ArrayBuffer. */
  | {
      readonly type: 'data';
      readonly buffer: ArrayBuffer;
      readonly length: number;
      /** CRC-32 of those bytes, where the worker derived it (stream worker); else the main thread computes it. */
      readonly crc?: number;
    }
  | { readonly type: 'progress'; readonly files: number; readonly currentFile: string }
  | { readonly type: 'warning'; readonly text: string }
  /** The scan has ended: entries handed to tar, deletions recorded. */
  | { readonly type: 'scanned'; readonly entries: number; readonly deleted: number }
  /** The archive worker's end: the stream is complete. */
  | { readonly type: 'done'; readonly files: number; readonly tarWarnings: readonly string[] }
  /** The scan worker's end: every index row is written. */
  | { readonly type: 'indexed' }
  | { readonly type: 'error'; readonly code: string; readonly message: string };

/** The `error` message either worker sends when its run fails: ABORTED once cancelled, else the error's own code. */
export function failureMessage(error: unknown, aborted: boolean): FromWorker {
  const code = aborted ? 'ABORTED' : typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'INTERNAL';
  return { type: 'error', code, message: error instanceof Error ? error.message : String(error) };
}
