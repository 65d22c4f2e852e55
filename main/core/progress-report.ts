/**
 * A job's progress, the commonest delta by far, crosses from the link thread to the core as a short
 * array of what moved instead of the whole job: cloning the job between threads cost about 5 µs per
 * delta, the array under 1 µs (docs/benchmarks.md). Both sides keep the same memory of each link's
 * jobs, fed the same deltas in the same order, so the core rebuilds exactly the job the link accepted.
 */
import type { Job } from '../../shared/engine.js';
import type { Delta } from '../../shared/protocol/catalog.js';
import { RememberedJobs } from './delta-parse.js';

/** What moved in a progress delta: [link, seq, at, job id, bytes, files, rate, current file]. */
export type ProgressReport = readonly [link: number, seq: number, at: string, jobId: string, bytes: number, files: number, rate: number, currentFile: string | null];

/** The last job of each id a link delivered, remembered as the link's DeltaParser does; both ends of the thread keep one per link. */
class JobMemory {
  private readonly links = new Map<number, RememberedJobs>();

  get(link: number, id: string): Job | undefined {
    return this.links.get(link)?.get(id);
  }

  remember(link: number, job: Job): void {
    let jobs = this.links.get(link);
    if (!jobs) this.links.set(link, (jobs = new RememberedJobs()));
    jobs.remember(job);
  }

  /** A snapshot, or the link closed: its jobs start over. */
  forget(link: number): void {
    this.links.delete(link);
  }
}

/** Which job fields a short form carries; the compiler refuses a Job field missing here (tests walk it). */
export const PROGRESS_FIELDS = {
  id: 'fixed',
  kind: 'fixed',
  task: 'fixed',
  type: 'fixed',
  state: 'fixed',
  queuedAt: 'fixed',
  startedAt: 'fixed',
  endedAt: 'fixed',
  backupDay: 'fixed',
  saveset: 'fixed',
  drive: 'fixed',
  message: 'fixed',
  bytes: 'moving',
  files: 'moving',
  rate: 'moving',
  currentFile: 'moving',
} as const satisfies Record<keyof Job, 'fixed' | 'moving'>;

/**
 * Whether `job` differs from `before` only in the moving fields (the fixed ones are the same values,
 * or the same objects: the link's parser hands back the object it accepted before when a flat object
 * is unchanged). Written out, not a loop over PROGRESS_FIELDS, so the loads stay monomorphic.
 */
function onlyProgressMoved(job: Job, before: Job): boolean {
  return (
    job.id === before.id &&
    job.kind === before.kind &&
    job.task === before.task &&
    job.type === before.type &&
    job.state === before.state &&
    job.queuedAt === before.queuedAt &&
    job.startedAt === before.startedAt &&
    job.endedAt === before.endedAt &&
    job.backupDay === before.backupDay &&
    job.saveset === before.saveset &&
    job.drive === before.drive &&
    job.message === before.message
  );
}

/** The link thread's end: every delta of a link passes through `compact`, in order. */
export class ProgressSender {
  private readonly memory = new JobMemory();

  /** The short form when only progress moved, else undefined (send the delta whole). */
  compact(link: number, delta: Delta): ProgressReport | undefined {
    if (delta.change.domain !== 'jobs') return undefined;
    const job = delta.change.change.job;
    const before = this.memory.get(link, job.id);
    this.memory.remember(link, job);
    if (!before || !onlyProgressMoved(job, before)) return undefined;
    return [link, delta.seq, delta.at, job.id, job.bytes, job.files, job.rate, job.currentFile];
  }

  forget(link: number): void {
    this.memory.forget(link);
  }
}

/** The core's end: every delta of a link, whole or short, in the order the thread sent them. */
export class ProgressReceiver {
  private readonly memory = new JobMemory();

  /** A whole delta, remembered as the sender did. */
  whole(link: number, delta: Delta): Delta {
    if (delta.change.domain === 'jobs') this.memory.remember(link, delta.change.change.job);
    return delta;
  }

  /** The delta a short form stands for; undefined if its job is not remembered (the two ends disagree: a bug). */
  expand(report: ProgressReport): Delta | undefined {
    const [link, seq, at, id, bytes, files, rate, currentFile] = report;
    const before = this.memory.get(link, id);
    if (!before) return undefined;
    // Named fields, not a spread: the same shape every time, several times faster on the core's loop.
    const job: Job = {
      id: before.id,
      kind: before.kind,
      task: before.task,
      type: before.type,
      state: before.state,
      queuedAt: before.queuedAt,
      startedAt: before.startedAt,
      endedAt: before.endedAt,
      backupDay: before.backupDay,
      bytes,
      files,
      rate,
      currentFile,
      saveset: before.saveset,
      drive: before.drive,
      message: before.message,
    } satisfies Record<keyof Job, unknown>;
    this.memory.remember(link, job);
    return { seq, at, change: { domain: 'jobs', change: { job } } };
  }

  forget(link: number): void {
    this.memory.forget(link);
  }
}
