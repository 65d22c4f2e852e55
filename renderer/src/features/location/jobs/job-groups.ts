/** Pure helpers of the Jobs tab: jobs "by state", and a running job's progress estimate. */
import type { Job, JobsState } from '../../../../../shared/engine';

export interface JobGroups {
  readonly running: readonly Job[];
  /** Queued and waiting for media, oldest first. */
  readonly waiting: readonly Job[];
  /** Finished, newest first. */
  readonly finished: readonly Job[];
}

const byQueued = (a: Job, b: Job): number => a.queuedAt.localeCompare(b.queuedAt);
const endOf = (job: Job): string => job.endedAt ?? job.startedAt ?? job.queuedAt;

export function groupJobs(jobs: JobsState): JobGroups {
  return {
    running: jobs.active.filter((job) => job.state === 'running').sort(byQueued),
    waiting: jobs.active.filter((job) => job.state !== 'running').sort((a, b) => (a.state === b.state ? byQueued(a, b) : a.state === 'waiting-media' ? -1 : 1)),
    finished: [...jobs.recent].sort((a, b) => endOf(b).localeCompare(endOf(a))),
  };
}

export interface Progress {
  /** 0…1 against the last comparable run's size, null when unknown. */
  readonly fraction: number | null;
  /** Seconds left at the current rate, null when unknown. */
  readonly etaSeconds: number | null;
  /** What the fraction is measured against, for the tooltip. */
  readonly basis: string | null;
}

/**
 * A running backup has no total; the last successful run of the same task and type is the best
 * estimate (SEP sesam does the same). Without one, or for restores and verifies, only the counters show.
 */
export function estimateProgress(job: Job, recent: readonly Job[]): Progress {
  const previous = job.kind === 'backup' ? recent.find((candidate) => candidate.kind === 'backup' && candidate.task === job.task && candidate.type === job.type && (candidate.state === 'successful' || candidate.state === 'warning') && candidate.bytes > 0) : undefined;
  if (!previous) return { fraction: null, etaSeconds: null, basis: null };
  const fraction = Math.min(0.99, job.bytes / previous.bytes);
  const left = previous.bytes - job.bytes;
  const etaSeconds = job.rate > 0 && left > 0 ? Math.round(left / job.rate) : null;
  return { fraction, etaSeconds, basis: `estimated against the previous ${job.type ?? ''} backup of ${job.task ?? ''}` };
}

/** "45 s", "12 min", "1 h 05 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Rerun: a finished backup with its task, same task and type. */
export function canRerun(job: Job): boolean {
  return job.kind === 'backup' && job.task !== null && job.state !== 'running' && job.state !== 'queued' && job.state !== 'waiting-media';
}
