/**
 * Warms the backup workers shortly after the agent starts: dry backups of a small generated tree
 * through the real "floe" data path (stream and index worker, archive-job.ts), its stream thrown
 * away and their index rows removed as a cancelled backup's are; nothing reaches media or the list
 * of savesets. The two workers then wait in the pool (worker-pool.ts) booted and with their code
 * compiled, so the first backup after a start runs as fast as the ones after it (figures in
 * docs/benchmarks.md). The tree lives in DATA/warm-up/ only while this runs.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runArchive } from './archive-job.js';
import { chooseDataPath, STREAM_PACING } from './backup-run.js';
import type { EngineStore } from './engine-store.js';
import { nativeIoLocation } from './native-io-location.js';
import { tarFeatures } from './tar/gnu-tar.js';

/**
 * 200 files backed up 10 times: enough passes for V8 to compile the walk and the packing (as much
 * gain as one pass over 1000 files, docs/benchmarks.md), and few files to create (a slow disk
 * creates 1000 a second).
 */
const FILES = 200;
const DIRECTORIES = 10;
const PASSES = 10;
const LARGEST = 2048;

export interface WarmUp {
  /** Members written over all passes (fewer when a backup started meanwhile). */
  readonly files: number;
  readonly ms: number;
}

/** What a warm-up needs besides the catalog: where to write its tree, when to stop, and whether a backup wants the machine. */
export interface WarmUpOptions {
  /** Emptied before and removed after. */
  readonly scratch: string;
  readonly signal: AbortSignal;
  /** True while a backup runs or waits: the warm-up stops before its next pass (that backup warms its own workers). */
  readonly busy: () => boolean;
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs the dry backups; null when backups do not use Floe's writer here. */
export async function warmUpBackupWorkers(store: EngineStore, { scratch, signal, busy, env = process.env }: WarmUpOptions): Promise<WarmUp | null> {
  await rm(scratch, { recursive: true, force: true }); // what an agent killed while warming up left
  const reader = nativeIoLocation(env);
  if (chooseDataPath('none', env, () => reader.path !== null) !== 'floe') return null;
  const started = performance.now();
  const saveset = `warm-up-${randomUUID()}`;
  const tree = join(scratch, 'tree');
  try {
    await makeTree(tree);
    let files = 0;
    store.beginIndex(saveset); // each pass writes the same rows again; they go once, at the end
    for (let pass = 0; pass < PASSES && !busy(); pass++) {
      signal.throwIfAborted();
      const archived = await runArchive(
        { dataPath: 'floe', saveset, catalogPath: store.path, sources: [tree], excludes: [], reference: null, compress: 'none', tarFeatures: tarFeatures(), ...STREAM_PACING, nativeIo: reader.path },
        { onData: async () => undefined, onProgress: () => undefined, onWarning: () => undefined, onScanned: () => undefined },
        signal,
      );
      files += archived.files;
    }
    return { files, ms: Math.round(performance.now() - started) };
  } finally {
    store.discardIndex(saveset);
    await rm(scratch, { recursive: true, force: true });
  }
}

/** FILES small files of 256 bytes to 2 KiB in DIRECTORIES directories, written without blocking the event loop. */
async function makeTree(root: string): Promise<void> {
  const content = Buffer.alloc(LARGEST, 'floe warm-up\n');
  const perDirectory = FILES / DIRECTORIES;
  for (let d = 0; d < DIRECTORIES; d++) {
    const directory = join(root, `d${d}`);
    await mkdir(directory, { recursive: true });
    await Promise.all(Array.from({ length: perDirectory }, (_, i) => writeFile(join(directory, `f${i}`), content.subarray(0, 256 + ((i * 977) % (LARGEST - 256))))));
  }
}
