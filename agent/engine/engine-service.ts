/** The backup engine of a location: tasks, backups, restores, verify and browsing the index. */
import { FloeError } from '../../shared/errors.js';
import type { BackupType, FileRecord, IndexPage, Job, Task } from '../../shared/engine.js';
import type { DeviceService } from '../devices/device-service.js';
import type { LicenseService } from '../license/service.js';
import type { AgentContext } from '../server/context.js';
import { runBackup, type EngineDeps } from './backup-run.js';
import { EngineStore, type IndexEntry } from './engine-store.js';
import { JobManager } from './job-manager.js';
import { NameSearch } from './name-search.js';
import { checkTarget, runRestore } from './restore-run.js';
import { runVerify } from './verify-run.js';
import { warmUpBackupWorkers, type WarmUp } from './warm-up.js';
import { join } from 'node:path';

function toRecord(entry: IndexEntry): FileRecord {
  return {
    path: entry.path,
    name: entry.name,
    type: entry.type,
    size: entry.size,
    mtime: entry.mtime,
    mode: entry.mode,
    uid: entry.uid,
    gid: entry.gid,
    checksum: entry.checksum,
    linkTarget: entry.linkTarget,
    deleted: entry.deleted,
  };
}

/** A task's definition as a command or the CLI gives it (defaults filled in here). */
export type TaskInput = { name: string; sources: string[]; excludes?: string[]; pool: string; compress?: Task['compress']; hooks?: boolean; backupOnPreError?: boolean };

export class EngineService {
  readonly store: EngineStore;
  readonly jobs: JobManager;
  /** The trigram index behind `search`, built in the background after each backup (name-search.ts). */
  readonly names: NameSearch;
  private readonly deps: EngineDeps;

  constructor(
    ctx: AgentContext,
    devices: DeviceService,
    private readonly license: Pick<LicenseService, 'assertBackupAllowed'>,
    backupDayOf: (instant: Date) => string,
    options: { retryMs?: number } = {},
  ) {
    this.store = new EngineStore(ctx.db);
    this.jobs = new JobManager(ctx, this.store, backupDayOf);
    this.names = new NameSearch(ctx.db, () => this.jobs.runningOrQueued('backup'));
    this.deps = { ctx, store: this.store, devices, hooksDir: join(ctx.paths.root, 'hooks'), ...(options.retryMs === undefined ? {} : { retryMs: options.retryMs }) };
  }

  /** Dry backups that leave the backup workers booted and compiled in the pool (warm-up.ts); the agent runs them after its start. */
  warmUp(signal: AbortSignal): Promise<WarmUp | null> {
    return warmUpBackupWorkers(this.store, { scratch: join(this.deps.ctx.paths.root, 'warm-up'), signal, busy: () => this.jobs.runningOrQueued('backup') });
  }

  addTask(args: TaskInput): Task {
    if (this.store.task(args.name)) throw new FloeError('CONFLICT', `a task named ${args.name} already exists`);
    const task = this.taskFrom(args);
    this.store.addTask(task, this.deps.ctx.clock());
    return task;
  }

  private taskFrom(args: TaskInput): Task {
    if (!this.deps.devices.store.pools().some((pool) => pool.name === args.pool)) {
      throw new FloeError('NOT_FOUND', `pool ${args.pool} does not exist; create it with: floe-agent pool add --name ${args.pool}`);
    }
    const task: Task = {
      name: args.name,
      sources: [...new Set(args.sources.map((source) => (source.length > 1 ? source.replace(/\/+$/, '') : source)))],
      excludes: args.excludes ?? [],
      pool: args.pool,
      compress: args.compress ?? 'none',
      hooks: args.hooks ?? true,
      backupOnPreError: args.backupOnPreError ?? false,
    };
    return task;
  }

  /** Replaces an existing task's definition (the same checks as `addTask`); a running job keeps the definition it started with. */
  updateTask(args: TaskInput): Task {
    if (!this.store.task(args.name)) throw new FloeError('NOT_FOUND', `no task named ${args.name}; see: floe-agent task list`);
    const task = this.taskFrom(args);
    this.store.updateTask(task);
    return task;
  }

  removeTask(name: string): void {
    if (this.jobs.state().active.some((job) => job.task === name)) throw new FloeError('BUSY', `task ${name} has a job running; cancel it or wait`);
    if (!this.store.removeTask(name)) throw new FloeError('NOT_FOUND', `no task named ${name}; see: floe-agent task list`);
  }

  startBackup(taskName: string, type: BackupType = 'full'): Job {
    const task = this.store.task(taskName);
    if (!task) throw new FloeError('NOT_FOUND', `no task named ${taskName}; see: floe-agent task list`);
    this.license.assertBackupAllowed();
    if (this.jobs.state().active.some((job) => job.kind === 'backup' && job.task === taskName)) {
      throw new FloeError('CONFLICT', `a backup of ${taskName} is already running or queued`);
    }
    return this.jobs.start('backup', { task: taskName, type }, (job) =>
      runBackup(job, task, type, this.deps).then(() => {
        if (job.current.saveset && this.store.saveset(job.current.saveset)) this.buildNameSearch(job.current.saveset);
      }),
    );
  }

  startRestore(args: { saveset: string; to: string; paths?: string[]; chain?: boolean; original?: boolean; keepSpecialBits?: boolean }): Job {
    const saveset = this.store.saveset(args.saveset);
    if (!saveset) throw new FloeError('NOT_FOUND', `no saveset ${args.saveset}; see: floe-agent savesets`);
    checkTarget(this.store.task(saveset.task), args.to, args.original === true);
    return this.jobs.start('restore', { task: saveset.task, type: null }, (job) =>
      runRestore(job, { saveset, to: args.to, paths: args.paths ?? null, chain: args.chain === true, keepSpecialBits: args.keepSpecialBits === true }, this.deps),
    );
  }

  startVerify(savesetId: string, readData: boolean): Job {
    const saveset = this.store.saveset(savesetId);
    if (!saveset) throw new FloeError('NOT_FOUND', `no saveset ${savesetId}; see: floe-agent savesets`);
    return this.jobs.start('verify', { task: saveset.task, type: null }, (job) => runVerify(job, saveset, readData, this.deps));
  }

  browse(savesetId: string, dir: string, after: string, limit: number): IndexPage {
    if (!this.store.saveset(savesetId)) throw new FloeError('NOT_FOUND', `no saveset ${savesetId}`);
    const normalised = dir.length > 1 ? dir.replace(/\/+$/, '') : dir;
    const entries = this.store.children(savesetId, normalised, after, limit + 1);
    const page = entries.slice(0, limit).map(toRecord);
    return { entries: page, next: entries.length > limit ? (page.at(-1)?.name ?? null) : null };
  }

  search(savesetId: string, text: string, limit: number): FileRecord[] {
    if (!this.store.saveset(savesetId)) throw new FloeError('NOT_FOUND', `no saveset ${savesetId}`);
    const paths = this.names.paths(savesetId, text, limit);
    if (paths !== null) return this.store.entriesAt(savesetId, paths).map(toRecord);
    // Not indexed yet (a saveset from before this version, or a build still running): scan, and index it for next time.
    if (!this.names.ready(savesetId)) this.buildNameSearch(savesetId);
    return this.store.search(savesetId, text, limit).map(toRecord);
  }

  private buildNameSearch(saveset: string): void {
    this.names.build(saveset).catch((error: unknown) => this.deps.ctx.logger.error({ err: error, saveset }, 'building the name search index failed; search scans the index meanwhile'));
  }
}
