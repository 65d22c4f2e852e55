/**
 * One backup, start to end: plan the type against the chain, get media, run the archive worker
 * (scan and index, GNU tar, per-file CRC-32, optional gzip: two worker threads) and write its
 * stream onto media chunks, flush, and commit the saveset to the catalog as the very last step.
 */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FloeError } from '../../shared/errors.js';
import type { BackupType, Saveset, Task } from '../../shared/engine.js';
import type { DeviceService, Mount } from '../devices/device-service.js';
import { writeSecretFile } from '../secure-files.js';
import type { AgentContext } from '../server/context.js';
import { runArchive } from './archive-job.js';
import { chainOf, planBackup, resolveChain } from './chain.js';
import { CURRENT_CHECKSUM } from './checksum.js';
import { ChunkWriter, type MediaSource } from './chunk-writer.js';
import type { EngineStore } from './engine-store.js';
import { runHook, type HookResult } from './hooks.js';
import type { RunningJob } from './job-manager.js';
import type { ReferenceState } from './scan.js';
import { tarFeatures } from './tar/gnu-tar.js';
import { xattrListerAvailable } from './xattr-list.js';
import { nativeIoLocation } from './native-io-location.js';
import type { DataPath } from './archive-protocol.js';

export interface EngineDeps {
  readonly ctx: AgentContext;
  readonly store: EngineStore;
  readonly devices: DeviceService;
  readonly hooksDir: string;
  /** How long a job waiting for media or a drive sleeps between checks when nothing changes. */
  readonly retryMs?: number;
}

/** How the workers hand the stream and the index rows on (archive-protocol.ts). */
export const STREAM_PACING = {
  /** The archive or stream worker hands over the stream in batches of this size, at most `maxInFlight` ahead of the media writes. */
  batchBytes: 4 * 1024 * 1024,
  maxInFlight: 4,
  /** The scan worker runs at most this many batches of names ahead of tar. */
  nameBatchesInFlight: 8,
  /** The stream worker runs at most this many batches of index rows ahead of the index worker. */
  rowBatchesInFlight: 16,
} as const;

/**
 * Who writes a backup's stream: Floe's own writer for uncompressed tasks when something finds the
 * paths with extended attributes (GNU tar writes those): the native reader's lstat, or getfattr
 * where the reader is not loaded; GNU tar alone otherwise. `FLOE_DATA_PATH=gnu-tar` in the agent's
 * environment forces GNU tar for every backup.
 */
export function chooseDataPath(compress: 'none' | 'gzip', env: NodeJS.ProcessEnv = process.env, nativeReader: () => boolean = () => nativeIoLocation(env).path !== null, getfattr: () => boolean = xattrListerAvailable): DataPath {
  if (env.FLOE_DATA_PATH === 'gnu-tar' || compress !== 'none') return 'gnu-tar';
  return nativeReader() || getfattr() ? 'floe' : 'gnu-tar';
}

const TYPE_LETTER: Record<BackupType, string> = { copy: 'C', full: 'F', diff: 'D', incr: 'I' };

/** `20261123T195403123Z-task`: unique per task and start, sorting by time. */
export function savesetIdFor(start: Date, task: string, exists: (id: string) => boolean): string {
  const base = `${start.toISOString().replace(/[-:.]/g, '')}-${task}`;
  let id = base;
  for (let n = 2; exists(id); n += 1) id = `${base}-${n}`;
  return id;
}

/** Waits until the devices change, `ms` pass, or the job is cancelled. */
export async function waitForDevices(devices: DeviceService, signal: AbortSignal, ms: number): Promise<void> {
  signal.throwIfAborted();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(finish, ms);
    const unsubscribe = devices.onChange(finish);
    const onAbort = (): void => {
      finish();
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    function finish(): void {
      clearTimeout(timer);
      unsubscribe();
      signal.removeEventListener('abort', onAbort);
      resolve();
    }
  });
}

function logHook(job: RunningJob, name: string, result: HookResult): void {
  if (!result.ran) return;
  for (const line of result.output) job.log('info', `${name}: ${line}`);
  job.log(result.exitCode === 0 ? 'info' : 'warn', `${name} exited with ${result.exitCode}`);
}

export async function runBackup(job: RunningJob, task: Task, requested: BackupType, deps: EngineDeps): Promise<void> {
  const { ctx, store, devices } = deps;
  const started = ctx.clock();
  const plan = planBackup(store, task.name, requested);
  if (plan.note) job.log('warn', plan.note);
  job.update({ type: plan.type });
  const savesetId = savesetIdFor(started, task.name, (id) => store.saveset(id) !== undefined || store.isPendingIndex(id));
  const backupDay = job.current.backupDay;
  const todays = store.savesets(task.name).filter((saveset) => saveset.backupDay === backupDay).length + 1;

  let reference: ReferenceState | null = null;
  if (plan.base) {
    const state = resolveChain(store, chainOf(store, plan.base));
    reference = new Map([...state].map(([path, { entry }]) => [path, entry]));
    job.log('info', `${plan.type} against ${plan.base.id} (${reference.size} paths known)`);
  }

  // Media first, so PRE knows the drive and label (as SEP sesam's sbc_pre does).
  const used = new Set<string>();
  const source: MediaSource = {
    next: () => acquireMedia(job, task, used, deps),
    done: async (mount, filled) => {
      if (filled) {
        used.add(mount.label);
        job.log('info', `media ${mount.label} is full; continuing on the next medium`);
      }
      await devices.unmount(mount);
    },
  };
  const writer = new ChunkWriter(savesetId, source);
  let sources = task.sources;
  const firstMount = await source.next();
  await source.done(firstMount, false); // the writer mounts it again when data flows
  const drive = `${firstMount.loader}:${firstMount.drive}`;

  if (task.hooks) {
    const pre = await runHook(deps.hooksDir, 'sbc_pre', [sources.join(','), hostname(), task.name, drive, plan.type, String(todays), savesetId, firstMount.label, task.pool, 'manual']);
    logHook(job, 'sbc_pre', pre);
    if (pre.ran && pre.status !== 'ok') {
      const reason = pre.statusText || `sbc_pre printed no STATUS:OK (exit ${pre.exitCode})`;
      if (!task.backupOnPreError) throw new FloeError('CONFLICT', `PRE hook refused the backup: ${reason}`);
      job.log('warn', `PRE hook reported an error (${reason}); backing up anyway as the task says`);
    }
    if (pre.backupSource) {
      sources = [pre.backupSource];
      job.log('info', `PRE hook replaced the source with ${pre.backupSource}`);
    }
  }

  job.log('info', `scanning ${sources.join(', ')}`);
  job.update({ state: 'running', startedAt: started.toISOString(), saveset: savesetId });

  let bytes = 0;
  let files = 0;
  let warnings = 0;
  store.beginIndex(savesetId);
  try {
    // The workers own the data path (scan, tar, checksums, the index rows); this thread only
    // writes its batches onto media and reports.
    const reader = nativeIoLocation();
    const dataPath = chooseDataPath(task.compress, process.env, () => reader.path !== null);
    const native = dataPath === 'floe' ? reader : null;
    job.log(
      'info',
      native !== null
        ? `writing the stream with Floe's writer (GNU tar for sparse files, extended attributes and special files), files read ${native.path === null ? `with Node's fs calls: ${native.reason}` : 'by the native reader'}`
        : `writing the stream with GNU tar for every member (${task.compress === 'gzip' ? 'gzip task' : process.env.FLOE_DATA_PATH === 'gnu-tar' ? 'FLOE_DATA_PATH=gnu-tar' : 'neither the native reader nor getfattr finds extended attributes here'})`,
    );
    const archived = await runArchive(
      {
        dataPath,
        saveset: savesetId,
        catalogPath: store.path,
        sources,
        excludes: task.excludes,
        reference: reference ? [...reference] : null,
        compress: task.compress,
        tarFeatures: tarFeatures(),
        ...STREAM_PACING,
        nativeIo: native?.path ?? null,
      },
      {
        onData: async (data, crc) => {
          await writer.write(data, crc);
          await writer.settled(); // the batch's buffer is reused once this resolves
          bytes += data.length;
          const mount = writer.mount;
          const seconds = Math.max(0.001, (ctx.clock().getTime() - started.getTime()) / 1000);
          job.update({ bytes, rate: Math.round(bytes / seconds), drive: mount ? { loader: mount.loader, number: mount.drive } : null });
        },
        onProgress: (count, currentFile) => {
          files = count;
          job.update({ files, currentFile });
        },
        onWarning: (text) => {
          warnings += 1;
          job.log('warn', text);
        },
        onScanned: (entries, deleted) => job.log('info', `${entries} entries to save${deleted ? `, ${deleted} deletions recorded` : ''}`),
      },
      job.signal,
    );
    files = archived.files;
    job.update({ files });
    for (const line of archived.tarWarnings) job.log('warn', `tar: ${line}`);
    warnings += archived.tarWarnings.length;
    const chunks = await writer.finish();
    if (chunks.length === 0) throw new FloeError('INTERNAL', 'the archive produced no data');
    const ended = ctx.clock();
    const saveset: Saveset = {
      id: savesetId,
      task: task.name,
      type: plan.type,
      status: warnings > 0 ? 'warning' : 'successful',
      started: started.toISOString(),
      ended: ended.toISOString(),
      backupDay,
      bytes,
      files,
      compress: task.compress,
      base: plan.base?.id ?? null,
      media: [...new Set(chunks.map((chunk) => chunk.label))],
    };
    // The last step: the saveset, its chunks and the media usage, in one transaction (the index is in place).
    const media = ctx.db.transaction(() => {
      store.commitSaveset(saveset, chunks, CURRENT_CHECKSUM);
      return [...writer.media].map(([label, use]) => devices.recordWrite(label, use.bytes, use.filled, backupDay, ended));
    })();
    devices.publishMedia(media);
    await writer.release();
    job.log('info', `saveset ${savesetId}: ${files} entries, ${bytes} bytes on ${saveset.media.join(', ')}`);
    writeDisasterInfo(deps, saveset, chunks);
    const postError = await afterBackup(job, deps, task, saveset, drive, todays, true, warnings > 0 ? `${warnings} warnings` : 'ok');
    if (postError) warnings += 1;
    job.update({ state: warnings > 0 ? 'warning' : 'successful', message: warnings > 0 ? `saved with ${warnings} warnings; see the job's protocol` : `saved ${files} entries` });
  } catch (error) {
    await writer.discard();
    await writer.release().catch(() => undefined);
    store.discardIndex(savesetId);
    const message = error instanceof Error ? error.message : String(error);
    if (!job.signal.aborted) await afterBackup(job, deps, task, null, drive, todays, false, message).catch(() => undefined);
    throw error;
  }
}

async function acquireMedia(job: RunningJob, task: Task, used: ReadonlySet<string>, deps: EngineDeps): Promise<Mount> {
  let announced = false;
  for (;;) {
    job.signal.throwIfAborted();
    const candidates = deps.devices.mediaForWrite(task.pool, used);
    for (const media of candidates) {
      const mount = await deps.devices.mount(job.id, media.label);
      if (mount) {
        if (job.current.state === 'waiting-media') job.update({ state: 'running', message: null });
        return mount;
      }
    }
    if (candidates.length === 0) {
      const message = `waiting for media of pool ${task.pool}: label a cartridge into ${task.pool} or import one (SM_GET_VOLUME)`;
      if (!announced) {
        job.log('warn', message);
        const alarm = await runHook(deps.hooksDir, 'sm_alarm', ['SM_GET_VOLUME', message]);
        logHook(job, 'sm_alarm', alarm);
        announced = true;
      }
      job.update({ state: 'waiting-media', message });
    } else if (job.current.state !== 'running') {
      job.update({ state: 'queued', message: 'waiting for a free drive' });
    }
    await waitForDevices(deps.devices, job.signal, deps.retryMs ?? 5000);
  }
}

/** Runs POST, then sm_notify or sm_alarm; true when POST reported an error (the job becomes a warning). */
async function afterBackup(job: RunningJob, deps: EngineDeps, task: Task, saveset: Saveset | null, drive: string, todays: number, ok: boolean, message: string): Promise<boolean> {
  let postError = false;
  if (task.hooks) {
    const post = await runHook(deps.hooksDir, 'sbc_post', [
      task.sources.join(','),
      hostname(),
      task.name,
      drive,
      TYPE_LETTER[(job.current.type ?? 'full') as BackupType],
      ok ? '1' : '0',
      message,
      String(todays),
      saveset?.id ?? '',
      saveset?.media.join(',') ?? '',
      task.pool,
      job.current.startedAt ?? job.current.queuedAt,
    ]);
    logHook(job, 'sbc_post', post);
    if (post.ran && post.status !== 'ok' && ok) {
      job.log('warn', `POST hook reported an error: ${post.statusText || `exit ${post.exitCode}`}`);
      postError = true;
    }
  }
  const notice = ok ? await runHook(deps.hooksDir, 'sm_notify', ['sbc', `backup of ${task.name} ${saveset?.id ?? ''} ${message}`]) : await runHook(deps.hooksDir, 'sm_alarm', ['sbc', `backup of ${task.name} failed: ${message}`]);
  logHook(job, ok ? 'sm_notify' : 'sm_alarm', notice);
  return postError;
}

function writeDisasterInfo(deps: EngineDeps, saveset: Saveset, chunks: ReturnType<EngineStore['chunks']>): void {
  const dir = join(deps.ctx.paths.root, 'disaster');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${saveset.id}.json`);
  writeSecretFile(path, `${JSON.stringify({ agent: deps.ctx.config.name, agentId: deps.ctx.config.agentId, saveset, checksum: CURRENT_CHECKSUM, chunks }, null, 2)}\n`);
  void runHook(deps.hooksDir, 'sm_disaster', [path, saveset.id]);
}

