/**
 * The contracts of a backup's data path, which runs on two worker threads beside the job (main
 * thread), so that neither archiving nor the index ever runs on the agent's socket event loop:
 *   - the scan worker (scan-worker.ts) walks the sources, decides what to save, sends the names
 *     to the archive worker and writes the index rows, checksums included, into the catalog;
 *   - the archive worker (archive-worker.ts) feeds those names to GNU tar, reads and parses tar's
 *     stream, computes each file's CRC-32, sends the checksums back to the scan worker and the
 *     stream to the main thread in batches.
 * The two talk over a MessagePort of their own; the main thread only writes the batches onto media
 * (async writes, off its CPU), computes each batch's CRC-32 for its chunk, and reports.
 */
import type { MessagePort } from 'node:worker_threads';
import type { IndexRow } from './engine-store.js';
import type { TarFeatures } from './tar/gnu-tar.js';

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

/** Main thread → either worker. */
export type ToWorker = { readonly type: 'credit' } | { readonly type: 'cancel' };

/** Scan worker → archive worker. */
export type ScanToArchive =
  /** Member names for tar, relative to `/`. */
  | { readonly type: 'names'; readonly names: readonly string[] }
  | { readonly type: 'names-end' };

/** Archive worker → scan worker. */
export type ArchiveToScan =
  /** tar took one batch of names: the scan may send another. */
  | { readonly type: 'names-taken' }
  /** Files and hard links as tar archived them (member path, CRC-32 of the data or null), in stream order. */
  | { readonly type: 'archived'; readonly entries: ReadonlyArray<readonly [string, string | null]> }
  | { readonly type: 'archived-end' };

/** Either worker → main thread. */
export type FromWorker =
  /** A batch of the saveset stream (the ArrayBuffer is transferred). */
  | { readonly type: 'data'; readonly buffer: ArrayBuffer }
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
