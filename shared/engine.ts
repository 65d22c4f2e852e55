/** Backups and restores: tasks, jobs, savesets and the file index, as both ends see them. */
import { z } from 'zod';
import { backupDaySchema, loaderNameSchema, mediaLabelSchema, poolNameSchema } from './devices.js';
import { BACKUP_TYPES, type BackupType } from './backup-types.js';

export { BACKUP_TYPES, isBackupType, type BackupType } from './backup-types.js';

export const taskNameSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "-" or "_"');
export const backupTypeSchema = z.enum(BACKUP_TYPES) satisfies z.ZodType<BackupType>;

const absolutePath = z.string().min(1).max(4096).regex(/^\//, 'an absolute path').refine((p) => !p.split('/').includes('..'), 'no ".." components');

export const taskSchema = z.object({
  name: taskNameSchema,
  sources: z.array(absolutePath).min(1).max(64),
  excludes: z.array(z.string().min(1).max(512)).max(256),
  pool: poolNameSchema,
  compress: z.enum(['none', 'gzip']),
  /** Run the PRE/POST hooks of the data directory around each backup. */
  hooks: z.boolean(),
  /** Back up even when the PRE hook reports an error. */
  backupOnPreError: z.boolean(),
});
export type Task = z.infer<typeof taskSchema>;

export const jobKindSchema = z.enum(['backup', 'restore', 'verify']);
export const jobStateSchema = z.enum(['queued', 'waiting-media', 'running', 'successful', 'warning', 'error', 'cancelled']);
export type JobState = z.infer<typeof jobStateSchema>;
export const FINAL_JOB_STATES: readonly JobState[] = ['successful', 'warning', 'error', 'cancelled'];

/** Whether a job in this state has ended (one of FINAL_JOB_STATES), written out: it runs for every progress delta. */
export function isFinalJobState(state: JobState): boolean {
  return state === 'successful' || state === 'warning' || state === 'error' || state === 'cancelled';
}

export const jobSchema = z.object({
  id: z.string().min(1).max(128),
  kind: jobKindSchema,
  task: taskNameSchema.nullable(),
  type: backupTypeSchema.nullable(),
  state: jobStateSchema,
  queuedAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  endedAt: z.iso.datetime().nullable(),
  backupDay: backupDaySchema,
  bytes: z.number().int().nonnegative(),
  files: z.number().int().nonnegative(),
  /** Bytes per second over the last seconds, while running. */
  rate: z.number().nonnegative(),
  currentFile: z.string().max(4096).nullable(),
  saveset: z.string().max(128).nullable(),
  drive: z.object({ loader: loaderNameSchema, number: z.number().int().nonnegative() }).nullable(),
  /** The last problem or the outcome, in words. */
  message: z.string().max(2048).nullable(),
});
export type Job = z.infer<typeof jobSchema>;

export const jobLogLineSchema = z.object({
  at: z.iso.datetime(),
  level: z.enum(['info', 'warn', 'error']),
  text: z.string().max(4096),
});
export type JobLogLine = z.infer<typeof jobLogLineSchema>;

export const savesetSchema = z.object({
  id: z.string().min(1).max(128),
  task: taskNameSchema,
  type: backupTypeSchema,
  status: z.enum(['successful', 'warning']),
  started: z.iso.datetime(),
  ended: z.iso.datetime(),
  backupDay: backupDaySchema,
  bytes: z.number().int().nonnegative(),
  files: z.number().int().nonnegative(),
  compress: z.enum(['none', 'gzip']),
  /** The saveset this one builds on (the full of a differential, the previous backup of an incremental). */
  base: z.string().max(128).nullable(),
  media: z.array(mediaLabelSchema),
});
export type Saveset = z.infer<typeof savesetSchema>;

export const fileTypeSchema = z.enum(['file', 'directory', 'symlink', 'hardlink', 'other']);
export const fileRecordSchema = z.object({
  path: z.string().max(4096),
  name: z.string().max(4096),
  type: fileTypeSchema,
  size: z.number().int().nonnegative(),
  mtime: z.number(),
  mode: z.number().int().nonnegative(),
  uid: z.number().int().nonnegative(),
  gid: z.number().int().nonnegative(),
  checksum: z.string().max(128).nullable(),
  linkTarget: z.string().max(4096).nullable(),
  /** Recorded by incremental and differential backups for paths that disappeared. */
  deleted: z.boolean(),
});
export type FileRecord = z.infer<typeof fileRecordSchema>;

/** The jobs part of a location's snapshot: what runs or waits, and the latest finished ones. */
export const jobsStateSchema = z.object({
  active: z.array(jobSchema),
  recent: z.array(jobSchema),
});
export type JobsState = z.infer<typeof jobsStateSchema>;
export const RECENT_JOBS = 50;

export const jobsChangeSchema = z.object({ job: jobSchema });
export type JobsChange = z.infer<typeof jobsChangeSchema>;

/** The jobs without the one with this id; the same array when it is not there. */
function withoutJob(jobs: Job[], id: string): Job[] {
  return jobs.some((candidate) => candidate.id === id) ? jobs.filter((candidate) => candidate.id !== id) : jobs;
}

/**
 * Applies a job change: active while not final (a job already active keeps its place, so lists
 * and the console's diffs stay in order while jobs progress), then first among the recent ones (bounded).
 */
export function applyJobsChange(state: JobsState, change: JobsChange): JobsState {
  const { job } = change;
  // A list the job is not in stays the same array, so a progress change leaves `recent` as it was
  // (consumers compare by identity: the console's diffs, alarms and summary).
  const recent = withoutJob(state.recent, job.id);
  if (isFinalJobState(job.state)) return { active: withoutJob(state.active, job.id), recent: [job, ...recent].slice(0, RECENT_JOBS) };
  const at = state.active.findIndex((candidate) => candidate.id === job.id);
  if (at < 0) return { active: [...state.active, job], recent };
  const active = state.active.slice();
  active[at] = job;
  return { active, recent };
}

export const indexPageSchema = z.object({
  entries: z.array(fileRecordSchema),
  /** Pass as `after` for the next page; null on the last page. */
  next: z.string().max(4096).nullable(),
});
export type IndexPage = z.infer<typeof indexPageSchema>;
