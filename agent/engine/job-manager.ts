/**
 * Jobs of a location: every state change persisted (retried while the catalog is busy) and published
 * as a delta; progress only published, throttled;
 * the job's protocol (what was saved, skipped and why) kept line by line; cancel by AbortSignal.
 * Jobs still unfinished when the agent stopped are marked failed at the next start.
 */
import { randomBytes } from 'node:crypto';
import { FloeError } from '../../shared/errors.js';
import { FINAL_JOB_STATES, RECENT_JOBS, type BackupType, type Job, type JobLogLine, type JobsState } from '../../shared/engine.js';
import type { AgentContext } from '../server/context.js';
import type { EngineStore } from './engine-store.js';

const PROGRESS_INTERVAL_MS = 500;
/** Tries to record a job in the catalog before giving up (logged). */
const PERSIST_ATTEMPTS = 5;

export interface RunningJob {
  readonly id: string;
  readonly signal: AbortSignal;
  /** Updates fields; state changes are published at once, progress at most twice a second. */
  update(fields: Partial<Omit<Job, 'id' | 'kind'>>): void;
  log(level: JobLogLine['level'], text: string): void;
  readonly current: Job;
}

export class JobManager {
  private readonly active = new Map<string, { job: Job; controller: AbortController; lastPublish: number }>();
  private readonly running = new Set<Promise<void>>();
  /** The newest state of each job whose recording in the catalog has not succeeded yet. */
  private readonly recording = new Map<string, Job>();

  constructor(
    private readonly ctx: AgentContext,
    private readonly store: EngineStore,
    private readonly backupDayOf: (instant: Date) => string,
  ) {
    for (const job of store.unfinishedJobs()) {
      const ended: Job = { ...job, state: 'error', endedAt: ctx.clock().toISOString(), message: 'the agent stopped while this job ran; nothing of it is visible in the catalog' };
      store.putJob(ended);
      store.appendLog(job.id, { at: ended.endedAt ?? '', level: 'error', text: ended.message ?? '' });
    }
    store.discardPendingIndexes();
  }

  state(): JobsState {
    return { active: [...this.active.values()].map((entry) => entry.job), recent: this.store.jobs(RECENT_JOBS).filter((job) => FINAL_JOB_STATES.includes(job.state)) };
  }

  /** Whether a job of `kind` is running or about to (queued); one waiting for media does not count. */
  runningOrQueued(kind: Job['kind']): boolean {
    for (const { job } of this.active.values()) if (job.kind === kind && (job.state === 'running' || job.state === 'queued')) return true;
    return false;
  }

  list(limit: number): Job[] {
    const persisted = this.store.jobs(limit);
    return persisted.map((job) => this.active.get(job.id)?.job ?? job);
  }

  get(id: string): Job {
    const job = this.active.get(id)?.job ?? this.store.job(id);
    if (!job) throw new FloeError('NOT_FOUND', `no job ${id}; see: floe-agent jobs`);
    return job;
  }

  /** Creates a queued job and runs `work` for it; the job ends in the state `work` leaves or in error. */
  start(kind: Job['kind'], fields: { task: string | null; type: BackupType | null }, work: (job: RunningJob) => Promise<void>): Job {
    const now = this.ctx.clock();
    const id = `${kind}-${now.toISOString().replace(/[-:.]/g, '').slice(0, 15)}Z-${randomBytes(3).toString('hex')}`;
    const job: Job = {
      id,
      kind,
      task: fields.task,
      type: fields.type,
      state: 'queued',
      queuedAt: now.toISOString(),
      startedAt: null,
      endedAt: null,
      backupDay: this.backupDayOf(now),
      bytes: 0,
      files: 0,
      rate: 0,
      currentFile: null,
      saveset: null,
      drive: null,
      message: null,
    };
    const entry = { job, controller: new AbortController(), lastPublish: 0 };
    this.active.set(id, entry);
    this.persistAndPublish(job);
    const running: RunningJob = {
      id,
      signal: entry.controller.signal,
      get current() {
        return entry.job;
      },
      update: (fields) => {
        const stateChanged = fields.state !== undefined && fields.state !== entry.job.state;
        entry.job = { ...entry.job, ...fields };
        const now = Date.now();
        // State changes are written to the catalog; progress in between is only pushed (a job the
        // agent loses mid-run is marked failed at its next start anyway), so the job's progress
        // never competes with its own backup's index writes for the catalog.
        if (stateChanged) {
          entry.lastPublish = now;
          this.persistAndPublish(entry.job);
        } else if (now - entry.lastPublish >= PROGRESS_INTERVAL_MS) {
          entry.lastPublish = now;
          this.ctx.publisher.publish({ domain: 'jobs', change: { job: entry.job } });
        }
      },
      log: (level, text) => {
        const line = { at: this.ctx.clock().toISOString(), level, text };
        try {
          this.store.appendLog(id, line);
        } catch (error) {
          // Never fail the job (or the agent, from an event handler) over its protocol: the line goes to the agent's log.
          this.ctx.logger.warn({ job: id, err: error, line }, 'could not add a line to the job protocol');
        }
      },
    };
    const run = (async () => {
      try {
        await work(running);
      } catch (error) {
        const cancelled = entry.controller.signal.aborted;
        const message = cancelled ? 'cancelled by the administrator' : error instanceof Error ? error.message : String(error);
        running.log(cancelled ? 'warn' : 'error', message);
        if (!cancelled) this.ctx.logger.error({ job: id, err: error }, 'job failed');
        running.update({ state: cancelled ? 'cancelled' : 'error', message });
      } finally {
        if (!FINAL_JOB_STATES.includes(entry.job.state)) running.update({ state: 'error', message: entry.job.message ?? 'the job ended without an outcome' });
        entry.job = { ...entry.job, endedAt: this.ctx.clock().toISOString(), rate: 0, currentFile: null };
        this.active.delete(id);
        this.persistAndPublish(entry.job);
      }
    })();
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return job;
  }

  cancel(id: string): Job {
    const entry = this.active.get(id);
    if (!entry) {
      const job = this.get(id);
      throw new FloeError('CONFLICT', `job ${id} already ended (${job.state})`);
    }
    entry.controller.abort();
    return entry.job;
  }

  /** Aborts every running job and waits until each has ended (agent shutdown). */
  async stopAll(): Promise<void> {
    for (const entry of this.active.values()) entry.controller.abort();
    await Promise.allSettled([...this.running]);
  }

  /** Writes the job to the catalog (retried once a second while the catalog is busy) and pushes it. */
  private persistAndPublish(job: Job): void {
    this.persist(job);
    this.ctx.publisher.publish({ domain: 'jobs', change: { job } });
  }

  private persist(job: Job, attempt = 1): void {
    this.recording.set(job.id, job);
    try {
      this.store.putJob(job);
      if (this.recording.get(job.id) === job) this.recording.delete(job.id);
    } catch (error) {
      if (attempt >= PERSIST_ATTEMPTS) {
        if (this.recording.get(job.id) === job) this.recording.delete(job.id);
        this.ctx.logger.error({ job: job.id, err: error }, 'could not record the job in the catalog');
        return;
      }
      this.ctx.logger.warn({ job: job.id, err: error, attempt }, 'the catalog is busy; recording the job again in a second');
      setTimeout(() => {
        // A newer state of the job recorded meanwhile supersedes this one.
        if (this.recording.get(job.id) === job) this.persist(job, attempt + 1);
      }, 1000).unref();
    }
  }
}
