/**
 * The contract between a backup job (main thread) and its archive worker (worker_threads), which owns
 * the data path: scan, feeding GNU tar, parsing its stream, per-file CRC-32, writing the index. The
 * main thread only writes the data batches onto media (async writes, off its CPU) and reports.
 */
import type { IndexRow } from './engine-store.js';
import type { TarFeatures } from './tar/gnu-tar.js';

export type ReferenceRow = Pick<IndexRow, 'type' | 'size' | 'mtime' | 'ctime' | 'ino'>;

export interface ArchiveWorkerInput {
  /** The saveset being written: the worker writes its index rows under this id (pending until the commit). */
  readonly saveset: string;
  /** The catalog database file (the worker opens its own connection; WAL). */
  readonly catalogPath: string;
  readonly sources: readonly string[];
  readonly excludes: readonly string[];
  /** For differential and incremental backups: the state to compare against. */
  readonly reference: ReadonlyArray<readonly [string, ReferenceRow]> | null;
  readonly compress: 'none' | 'gzip';
  readonly tarCommand?: string;
  /** tar's optional features, probed once by the main thread. */
  readonly tarFeatures: TarFeatures;
  /** Data goes to the main thread in batches of about this many bytes. */
  readonly batchBytes: number;
  /** Batches the worker may send before the main thread has written them. */
  readonly maxInFlight: number;
}

export type ToWorker = { readonly type: 'credit' } | { readonly type: 'cancel' };

export type FromWorker =
  /** A batch of the saveset stream (the ArrayBuffer is transferred). */
  | { readonly type: 'data'; readonly buffer: ArrayBuffer }
  | { readonly type: 'progress'; readonly files: number; readonly currentFile: string }
  | { readonly type: 'warning'; readonly text: string }
  /** The scan has ended: entries handed to tar, deletions recorded. */
  | { readonly type: 'scanned'; readonly entries: number; readonly deleted: number }
  | { readonly type: 'done'; readonly files: number; readonly tarWarnings: readonly string[] }
  | { readonly type: 'error'; readonly code: string; readonly message: string };
