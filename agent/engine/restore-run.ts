/**
 * Restores a saveset (or the task's state as of a saveset, through its chain) into a target
 * directory. Archives are untrusted: every member passes safeExtract's rules and caps.
 */
import { mkdirSync } from 'node:fs';
import { FloeError } from '../../shared/errors.js';
import type { Saveset, Task } from '../../shared/engine.js';
import type { EngineDeps } from './backup-run.js';
import { chainOf, resolveChain } from './chain.js';
import type { RunningJob } from './job-manager.js';
import { readChunks } from './media-reader.js';
import type { RestoreSelection } from './restore-protocol.js';
import { runRestoreWorker } from './restore-job.js';
import { DEFAULT_TAR, tarFeatures } from './tar/gnu-tar.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractLimits } from './tar/safe-extract.js';

/** A saveset never inflates beyond this (decompression bombs). */
const MAX_INFLATED_BYTES = 2 ** 46;

export interface RestoreRequest {
  readonly saveset: Saveset;
  readonly to: string;
  readonly paths: readonly string[] | null;
  readonly chain: boolean;
  /** Keep setuid/setgid/sticky bits and the security and trusted xattr namespaces (default: cleared; user xattrs always). */
  readonly keepSpecialBits?: boolean;
}

/**
 * The restore caps for one saveset: the defaults (which stop bombs), raised where the catalog (ours,
 * trusted) says the saveset is legitimately bigger: more entries than the default allows, or larger
 * files (twice the recorded size: a file may have grown between the scan and tar reading it).
 */
export function limitsFor(totals: { entries: number; bytes: number; largest: number }): ExtractLimits {
  return {
    ...DEFAULT_EXTRACT_LIMITS,
    maxEntries: Math.max(DEFAULT_EXTRACT_LIMITS.maxEntries, totals.entries + 1000),
    maxEntryBytes: Math.max(DEFAULT_EXTRACT_LIMITS.maxEntryBytes, 2 * totals.largest),
    maxTotalBytes: Math.max(DEFAULT_EXTRACT_LIMITS.maxTotalBytes, 2 * totals.bytes),
  };
}

function under(path: string, roots: readonly string[] | null): boolean {
  return roots === null || roots.some((root) => path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`));
}

/** Refuses a target inside the task's own sources unless the administrator asked for the original location. */
export function checkTarget(task: Task | undefined, to: string, original: boolean): void {
  if (original || !task) return;
  const clash = task.sources.find((source) => to === source || to.startsWith(`${source}/`) || source.startsWith(`${to === '/' ? '' : to}/`));
  if (clash) throw new FloeError('CONFLICT', `restoring into ${to} would overwrite the task's source ${clash}; choose another target, or pass original: true to restore in place`);
}

export async function runRestore(job: RunningJob, request: RestoreRequest, deps: EngineDeps): Promise<void> {
  const { store } = deps;
  mkdirSync(request.to, { recursive: true, mode: 0o700 });
  // Selected paths bring the other names of their hard links (tar stores the data under one name only).
  const peersOf = (saveset: Saveset): string[] => {
    const roots = request.paths;
    if (roots === null) return [];
    const peers = store.hardLinkPeers(saveset.id, roots).filter((path) => !under(path, roots));
    if (peers.length > 0) job.log('info', `${peers.length} other names of selected hard-linked files come along from ${saveset.id}`);
    return peers;
  };
  let plan: Array<{ saveset: Saveset; selection: RestoreSelection }>;
  if (request.chain) {
    const chain = chainOf(store, request.saveset);
    const state = resolveChain(store, chain);
    job.log('info', `point-in-time restore of ${request.saveset.task} as of ${request.saveset.id}: ${chain.map((s) => `${s.type} ${s.id}`).join(' → ')}`);
    plan = chain.map((saveset) => {
      const only: string[] = [];
      for (const [path, owner] of state) if (owner.saveset === saveset.id) only.push(path);
      return { saveset, selection: { roots: request.paths, peers: peersOf(saveset), only } };
    });
  } else {
    plan = [{ saveset: request.saveset, selection: { roots: request.paths, peers: peersOf(request.saveset), only: null } }];
  }

  let files = 0;
  let bytes = 0;
  let skipped = 0;
  let tarWarnings = 0;
  const damages: string[] = [];
  const features = tarFeatures(DEFAULT_TAR);
  job.update({ state: 'running', startedAt: deps.ctx.clock().toISOString(), saveset: request.saveset.id });
  for (const step of plan) {
    const chunks = store.chunks(step.saveset.id);
    job.log('info', `reading ${step.saveset.id} (${chunks.length} chunks on ${step.saveset.media.join(', ')})`);
    const source = readChunks(job, deps, step.saveset.id, chunks, (damage) => {
      damages.push(damage.message);
      job.log('error', `${damage.message}; files stored in this chunk may be damaged`);
    });
    // Parsing and writing run on the restore worker's thread; this one reads the media.
    const before = { files, bytes };
    const result = await runRestoreWorker(
      {
        to: request.to,
        compress: step.saveset.compress === 'gzip' ? 'gzip' : 'none',
        maxInflatedBytes: MAX_INFLATED_BYTES,
        limits: limitsFor(store.indexTotals(step.saveset.id)),
        keepSpecialBits: request.keepSpecialBits === true,
        selection: step.selection,
        tarFeatures: features,
      },
      source,
      { onProgress: (stepFiles, stepBytes, currentFile) => job.update({ files: before.files + stepFiles, bytes: before.bytes + stepBytes, currentFile }) },
      job.signal,
    );
    files = before.files + result.extracted;
    bytes = before.bytes + result.bytes;
    job.update({ files, bytes });
    skipped += result.skippedCount;
    for (const item of result.skipped.slice(0, 1000)) job.log('warn', `skipped ${item.path}: ${item.reason}`);
    for (const line of result.warnings) job.log('warn', `tar: ${line}`);
    tarWarnings += result.warnings.length;
  }
  job.log('info', `restored ${files} entries (${bytes} bytes) into ${request.to}`);
  if (damages.length > 0) throw new FloeError('DEVICE_FAILED', `restored ${files} entries, but ${damages[0]}${damages.length > 1 ? ` (and ${damages.length - 1} more)` : ''}`);
  // tar's own warnings (an extended attribute the target filesystem refused, …) make the job a warning too.
  const message = skipped > 0 ? `restored ${files} entries; ${skipped} refused as unsafe (see the protocol)` : tarWarnings > 0 ? `restored ${files} entries with ${tarWarnings} warnings (see the protocol)` : `restored ${files} entries into ${request.to}`;
  job.update({ state: skipped > 0 || tarWarnings > 0 ? 'warning' : 'successful', message });
}
