/**
 * Saveset chains: a differential builds on the last full, an incremental on the task's previous
 * backup; a copy stands alone and never starts a chain. Resolving a saveset gives the state of its
 * task at that backup: each path's latest version, with deletions applied.
 */
import { FloeError } from '../../shared/errors.js';
import type { BackupType, Saveset } from '../../shared/engine.js';
import type { EngineStore, IndexEntry } from './engine-store.js';

export interface Plan {
  /** The type that runs (a differential or incremental without a full becomes a full). */
  readonly type: BackupType;
  readonly base: Saveset | null;
  readonly note: string | null;
}

export function planBackup(store: EngineStore, task: string, requested: BackupType): Plan {
  if (requested === 'full' || requested === 'copy') return { type: requested, base: null, note: null };
  const lastFull = store.latestSaveset(task, ['full']);
  if (!lastFull) return { type: 'full', base: null, note: `no full backup of ${task} exists yet; running a full instead of ${requested}` };
  if (requested === 'diff') return { type: 'diff', base: lastFull, note: null };
  const previous = store.latestSaveset(task, ['full', 'diff', 'incr']);
  return { type: 'incr', base: previous ?? lastFull, note: null };
}

/** The savesets from the chain's full up to `saveset`, oldest first. */
export function chainOf(store: EngineStore, saveset: Saveset): Saveset[] {
  const chain: Saveset[] = [saveset];
  let current = saveset;
  while (current.base !== null) {
    const base = store.saveset(current.base);
    if (!base) throw new FloeError('NOT_FOUND', `saveset ${current.id} builds on ${current.base}, which is no longer in the catalog`);
    if (chain.length > 10_000) throw new FloeError('INTERNAL', `the chain of ${saveset.id} does not end`);
    chain.unshift(base);
    current = base;
  }
  return chain;
}

/** Each path's latest version along the chain, and the saveset that holds it; deleted paths are absent. */
export function resolveChain(store: EngineStore, chain: readonly Saveset[]): Map<string, { entry: IndexEntry; saveset: string }> {
  const state = new Map<string, { entry: IndexEntry; saveset: string }>();
  for (const saveset of chain) {
    for (const entry of store.indexOf(saveset.id)) {
      if (entry.deleted) {
        for (const path of state.keys()) if (path === entry.path || path.startsWith(`${entry.path}/`)) state.delete(path);
      } else state.set(entry.path, { entry, saveset: saveset.id });
    }
  }
  return state;
}
