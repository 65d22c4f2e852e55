/** Engine commands of the agent protocol: tasks, backups, jobs, savesets, restores and verify. */
import { z } from 'zod';
import { backupTypeSchema, fileRecordSchema, indexPageSchema, jobLogLineSchema, jobSchema, savesetSchema, taskNameSchema, taskSchema } from '../engine.js';
import { poolNameSchema } from '../devices.js';
import { command } from './command.js';

const savesetId = z.string().min(1).max(128);
const absolutePath = z.string().min(1).max(4096).regex(/^\//, 'an absolute path');

/** A task's definition as the console or the CLI sends it (defaults filled in by the agent). */
export const taskInputSchema = z
  .object({
    name: taskNameSchema,
    sources: taskSchema.shape.sources,
    excludes: taskSchema.shape.excludes.optional(),
    pool: poolNameSchema,
    compress: z.enum(['none', 'gzip']).optional(),
    hooks: z.boolean().optional(),
    backupOnPreError: z.boolean().optional(),
  })
  .strict();

export const engineCommands = {
  'task:add': command(taskInputSchema, taskSchema, 'admin'),
  /** Replaces an existing task's definition (NOT_FOUND when there is none by that name). */
  'task:update': command(taskInputSchema, taskSchema, 'admin'),
  'task:list': command(z.object({}).strict(), z.array(taskSchema), 'monitor'),
  'task:remove': command(z.object({ name: taskNameSchema }).strict(), z.object({ removed: z.literal(true) }), 'admin'),
  'backup:start': command(z.object({ task: taskNameSchema, type: backupTypeSchema.optional() }).strict(), jobSchema, 'admin'),
  'job:list': command(z.object({ limit: z.number().int().min(1).max(500).optional() }).strict(), z.array(jobSchema), 'monitor'),
  'job:get': command(z.object({ id: z.string().min(1).max(128) }).strict(), jobSchema, 'monitor'),
  'job:cancel': command(z.object({ id: z.string().min(1).max(128) }).strict(), jobSchema, 'admin'),
  'job:log': command(
    z.object({ id: z.string().min(1).max(128), after: z.number().int().nonnegative().optional(), limit: z.number().int().min(1).max(1000).optional() }).strict(),
    z.array(jobLogLineSchema.extend({ seq: z.number().int().positive() })),
    'monitor',
  ),
  'saveset:list': command(z.object({ task: taskNameSchema.optional() }).strict(), z.array(savesetSchema), 'monitor'),
  'saveset:browse': command(
    z.object({ id: savesetId, dir: absolutePath, after: z.string().max(4096).optional(), limit: z.number().int().min(1).max(1000).optional() }).strict(),
    indexPageSchema,
    'monitor',
  ),
  'saveset:search': command(z.object({ id: savesetId, text: z.string().min(1).max(256), limit: z.number().int().min(1).max(1000).optional() }).strict(), z.array(fileRecordSchema), 'monitor'),
  'restore:start': command(
    z
      .object({
        saveset: savesetId,
        to: absolutePath,
        paths: z.array(absolutePath).max(10_000).optional(),
        /** Restore the task's state as of this saveset: the full, differentials and incrementals of its chain. */
        chain: z.boolean().optional(),
        /** Allow a target inside the task's own sources (restore in place). */
        original: z.boolean().optional(),
        /** Keep setuid, setgid and sticky bits and privileged xattrs (security.*, trusted.*); cleared by default. */
        keepSpecialBits: z.boolean().optional(),
      })
      .strict(),
    jobSchema,
    'admin',
  ),
  'verify:start': command(z.object({ saveset: savesetId, readData: z.boolean().optional() }).strict(), jobSchema, 'admin'),
} as const;
