/** Rerunning a finished job: which agent command starts it again, or a clear refusal. */
import type { JobsState } from '../../shared/engine.js';
import { FINAL_JOB_STATES } from '../../shared/engine.js';
import { FloeError } from '../../shared/errors.js';
import type { BackupType } from '../../shared/engine.js';

export type RerunCommand =
  | { readonly command: 'backup:start'; readonly args: { task: string; type?: BackupType } }
  | { readonly command: 'verify:start'; readonly args: { saveset: string } };

/** A backup runs again with its task and type, a verify with its saveset; a restore needs its target chosen again. */
export function rerunCommand(jobs: JobsState, jobId: string): RerunCommand {
  const job = [...jobs.active, ...jobs.recent].find((candidate) => candidate.id === jobId);
  if (!job) throw new FloeError('NOT_FOUND', `job ${jobId} is not among this location's active or recent jobs; it may have aged out (start the task again instead)`);
  if (!FINAL_JOB_STATES.includes(job.state)) throw new FloeError('CONFLICT', `job ${jobId} is still ${job.state}; wait until it ends or cancel it first`);
  if (job.kind === 'backup') {
    if (job.task === null) throw new FloeError('BAD_REQUEST', `job ${jobId} names no task; start a backup of the task instead`);
    return { command: 'backup:start', args: { task: job.task, ...(job.type ? { type: job.type } : {}) } };
  }
  if (job.kind === 'verify') {
    if (job.saveset === null) throw new FloeError('BAD_REQUEST', `job ${jobId} names no saveset; start the verify from the Restore tab instead`);
    return { command: 'verify:start', args: { saveset: job.saveset } };
  }
  throw new FloeError('BAD_REQUEST', `a restore is not rerun from its job: start it again from the Restore tab and choose its target`);
}
