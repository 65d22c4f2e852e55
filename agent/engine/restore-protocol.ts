/**
 * The contract between a restore job (main thread) and its restore worker (worker_threads), which
 * owns the restore's CPU work: gunzip, parsing the stream, the extract policy and writing the files.
 * The main thread only reads the media (checking each chunk's checksum) and reports progress.
 */
import type { ExtractResult } from './tar/entry.js';
import type { ExtractLimits } from './tar/extract-policy.js';
import type { TarFeatures } from './tar/gnu-tar.js';

/** Which members one saveset contributes (the worker rebuilds the predicate; functions cannot cross threads). */
export interface RestoreSelection {
  /** Selected roots (absolute, as in the index), or null for everything. */
  readonly roots: readonly string[] | null;
  /** Other names of selected hard-linked files. */
  readonly peers: readonly string[];
  /** Point-in-time restores: the only paths this saveset may restore (the chain's state), or null. */
  readonly only: readonly string[] | null;
}

export interface RestoreWorkerInput {
  readonly to: string;
  readonly compress: 'none' | 'gzip';
  /** A gzip saveset never inflates beyond this (decompression bombs). */
  readonly maxInflatedBytes: number;
  readonly limits: ExtractLimits;
  readonly keepSpecialBits: boolean;
  readonly selection: RestoreSelection;
  readonly tarCommand?: string;
  /** tar's optional features, probed once by the main thread. */
  readonly tarFeatures: TarFeatures;
}

export type ToRestoreWorker =
  /** A piece of the saveset stream (the ArrayBuffer is transferred). */
  | { readonly type: 'data'; readonly buffer: ArrayBuffer }
  | { readonly type: 'end' }
  | { readonly type: 'cancel' };

export type FromRestoreWorker =
  /** The worker took one piece: the main thread may send another. */
  | { readonly type: 'credit' }
  | { readonly type: 'progress'; readonly files: number; readonly bytes: number; readonly currentFile: string }
  | { readonly type: 'done'; readonly result: ExtractResult }
  | { readonly type: 'error'; readonly code: string | null; readonly message: string; readonly result: ExtractResult | null };
