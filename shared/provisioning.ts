/**
 * Provisioning: every change the console pushes to a location (register or edit it, add, modify or
 * delete a task or schedule, remove it) is a journal entry with a mode and a state word:
 * add → adding → added, modify → modifying → modified, delete → deleting → deleted.
 * A change that cannot be applied stays pending (the first word) with the reason, until the
 * administrator retries or discards it.
 */
import { z } from 'zod';
import { errorSchema, fingerprintSchema, locationNameSchema } from './protocol/catalog.js';
import { hostSchema, portSchema } from './fleet.js';
import { taskInputSchema } from './protocol/engine.js';
import { scheduleInputSchema } from './schedule.js';
import { CHANGE_MODES, CHANGE_STATES, type ChangeMode, type ChangeState } from './change-states.js';

export { CHANGE_MODES, CHANGE_STATE_WORDS, CHANGE_STATES, phaseOf, stateOf, type ChangeMode, type ChangePhase, type ChangeState } from './change-states.js';

export const CHANGE_KINDS = ['register', 'task', 'schedule', 'remove'] as const;
export const changeKindSchema = z.enum(CHANGE_KINDS);
export type ChangeKind = z.infer<typeof changeKindSchema>;

export const changeModeSchema = z.enum(CHANGE_MODES) satisfies z.ZodType<ChangeMode>;
export const changeStateSchema = z.enum(CHANGE_STATES) satisfies z.ZodType<ChangeState>;

/** A location's connection settings as they were before an edit (what discarding the edit restores). */
export const connectionSettingsSchema = z.object({ name: locationNameSchema, host: hostSchema, port: portSchema, fingerprint: fingerprintSchema });
export type ConnectionSettings = z.infer<typeof connectionSettingsSchema>;

/** What the change carries, by kind: the definition to send, or what to restore on discard. */
export const changePayloadSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('register'), settings: connectionSettingsSchema, previous: connectionSettingsSchema.nullable() }),
  z.object({ kind: z.literal('task'), name: z.string().min(1).max(64), task: taskInputSchema.nullable() }),
  z.object({ kind: z.literal('schedule'), name: z.string().min(1).max(64), schedule: scheduleInputSchema.nullable() }),
  z.object({ kind: z.literal('remove'), settings: connectionSettingsSchema }),
]);
export type ChangePayload = z.infer<typeof changePayloadSchema>;

export const changeSchema = z.object({
  id: z.uuid(),
  /** The location's id (it may since have been removed). */
  location: z.uuid(),
  /** The location's name when the change was made or last updated. */
  locationName: locationNameSchema,
  kind: changeKindSchema,
  mode: changeModeSchema,
  state: changeStateSchema,
  /** What the change is about: the task's or schedule's name, or the location's name. */
  target: z.string().min(1).max(64),
  payload: changePayloadSchema,
  createdAt: z.iso.datetime(),
  /** When the state last changed. */
  updatedAt: z.iso.datetime(),
  appliedAt: z.iso.datetime().nullable(),
  attempts: z.number().int().nonnegative(),
  /** Why the last attempt did not apply (the agent's or the link's error), or null. */
  lastError: errorSchema.nullable(),
});
export type Change = z.infer<typeof changeSchema>;

/** Pending changes first (oldest first), then those being applied, then the applied ones (newest first). */
export const changesViewSchema = z.object({ changes: z.array(changeSchema) });
export type ChangesView = z.infer<typeof changesViewSchema>;

const changeTarget = { id: z.uuid() };
export const taskChangeArgsSchema = z.discriminatedUnion('mode', [
  z.object({ ...changeTarget, mode: z.literal('add'), task: taskInputSchema }).strict(),
  z.object({ ...changeTarget, mode: z.literal('modify'), task: taskInputSchema }).strict(),
  z.object({ ...changeTarget, mode: z.literal('delete'), name: taskInputSchema.shape.name }).strict(),
]);
export const scheduleChangeArgsSchema = z.discriminatedUnion('mode', [
  z.object({ ...changeTarget, mode: z.literal('add'), schedule: scheduleInputSchema }).strict(),
  z.object({ ...changeTarget, mode: z.literal('modify'), schedule: scheduleInputSchema }).strict(),
  z.object({ ...changeTarget, mode: z.literal('delete'), name: scheduleInputSchema.shape.name }).strict(),
]);

/** Edit a registered location: any of name, host, port, token; a new host or port needs the fingerprint re-confirmed. */
export const editLocationArgsSchema = z
  .object({
    id: z.uuid(),
    name: locationNameSchema.optional(),
    host: hostSchema.optional(),
    port: portSchema.optional(),
    token: z.string().min(1).max(512).optional(),
    fingerprint: fingerprintSchema.optional(),
  })
  .strict();
export type EditLocationArgs = z.infer<typeof editLocationArgsSchema>;
