/**
 * The agent protocol: the single source of every wire shape between the console and floe-agent.
 * Both ends validate what they receive against these schemas; the socket.io event maps in
 * `events.ts` are inferred from them.
 */
import { z } from 'zod';
import { ERROR_CODES } from '../errors.js';
import { devicesChangeSchema, devicesStateSchema } from '../devices.js';
import { licenseChangeSchema, licenseStatusSchema } from '../license.js';
import { command } from './command.js';
import { roleSchema } from './role.js';
import { deviceCommands } from './devices.js';
import { licenseCommands } from './license.js';
import { engineCommands } from './engine.js';
import { scheduleCommands } from './schedule.js';
import { tokenCommands } from './tokens.js';
import { checkReportSchema, schedulesStateSchema } from '../schedule.js';
import { jobsChangeSchema, jobsStateSchema } from '../engine.js';

const MAX_NAME = 64;
const MAX_TEXT = 256;

/** `SHA256:` followed by 32 upper-case hex bytes separated by colons (as `openssl x509 -fingerprint -sha256` prints). */
export const FINGERPRINT_PATTERN = /^SHA256:(?:[0-9A-F]{2}:){31}[0-9A-F]{2}$/;
export const fingerprintSchema = z.string().regex(FINGERPRINT_PATTERN, 'expected SHA256:AA:BB:… (32 hex bytes)');

/** A location (agent) name: letters, digits, dot, dash, underscore; starts with a letter or digit. */
export const locationNameSchema = z
  .string()
  .min(1)
  .max(MAX_NAME)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "-" or "_"');

export const errorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string().max(2048),
});
export type WireError = z.infer<typeof errorSchema>;

/** Every ack is `{ ok: true, data } | { ok: false, error }`. */
export function ackSchema<T extends z.ZodType>(data: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), data }),
    z.object({ ok: z.literal(false), error: errorSchema }),
  ]);
}
export type Ack<T> = { ok: true; data: T } | { ok: false; error: WireError };

/** What the console sends in the socket.io handshake `auth` field. */
export const handshakeAuthSchema = z.object({
  token: z.string().min(1).max(512),
  protocol: z.number().int().nonnegative(),
  /** The last `seq` the console has applied, so the agent can replay the gap. */
  lastSeq: z.number().int().nonnegative().optional(),
  /** The agent run (`snapshot.epoch`) that `lastSeq` counts in; another run means a fresh snapshot. */
  epoch: z.string().min(1).max(64).optional(),
});
export type HandshakeAuth = z.infer<typeof handshakeAuthSchema>;

/** The `data` of a refused handshake, delivered to the client as `connect_error.data`. */
export const connectErrorDataSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string().max(2048),
  /** Set on VERSION_MISMATCH: the protocol version the agent speaks. */
  agentProtocol: z.number().int().nonnegative().optional(),
});
export type ConnectErrorData = z.infer<typeof connectErrorDataSchema>;

/** socket.io's per-message cap on the agent; senders refuse anything larger instead of being cut off. */
export const MAX_MESSAGE_BYTES = 1_000_000;
/** A command may carry this field: the agent runs each id once and answers retries with the first result. */
export const REQUEST_ID_FIELD = 'requestId';

export const locationIdentitySchema = z.object({
  name: locationNameSchema,
  agentId: z.uuid(),
  version: z.string().min(1).max(MAX_NAME),
  host: z.string().min(1).max(MAX_TEXT),
  fingerprint: fingerprintSchema,
});
export type LocationIdentity = z.infer<typeof locationIdentitySchema>;

export { roleSchema, type Role } from './role.js';

/** `location:hello` — the first event after a successful handshake. */
export const helloSchema = z.object({
  protocol: z.number().int().nonnegative(),
  identity: locationIdentitySchema,
  /** The role the presented token carries. */
  role: roleSchema,
  /** Agent's clock, ISO 8601, so the console can show skew. */
  now: z.iso.datetime(),
});
export type Hello = z.infer<typeof helloSchema>;

/** `snapshot` — the location's full state as of `seq`; later deltas carry higher `seq` values. */
export const snapshotSchema = z.object({
  seq: z.number().int().nonnegative(),
  /** Identifies this run of the agent: `seq` restarts with each run. */
  epoch: z.string().min(1).max(64),
  takenAt: z.iso.datetime(),
  identity: locationIdentitySchema,
  startedAt: z.iso.datetime(),
  devices: devicesStateSchema,
  license: licenseStatusSchema,
  jobs: jobsStateSchema,
  schedules: schedulesStateSchema,
});
export type Snapshot = z.infer<typeof snapshotSchema>;

/** One change to the location's state. Each domain adds its members. */
export const changeSchema = z.discriminatedUnion('domain', [
  z.object({ domain: z.literal('devices'), change: devicesChangeSchema }),
  z.object({ domain: z.literal('license'), change: licenseChangeSchema }),
  z.object({ domain: z.literal('jobs'), change: jobsChangeSchema }),
  /** Schedules, the backup-day setting, NEWDAY or a new check report: the whole section again. */
  z.object({ domain: z.literal('schedules'), change: z.object({ state: schedulesStateSchema, newDay: z.boolean(), check: checkReportSchema.nullable() }) }),
]);
export type Change = z.infer<typeof changeSchema>;

/** `delta` — one change, numbered: `seq` is the snapshot's plus one, then one more per delta. */
export const deltaSchema = z.object({
  seq: z.number().int().positive(),
  at: z.iso.datetime(),
  change: changeSchema,
});
export type Delta = z.infer<typeof deltaSchema>;

/**
 * The catalog: one entry per event. `serverToClient` events are pushed by the agent;
 * `clientToServer` events are commands from the console, answered by an ack, each with the
 * least role allowed to run it.
 */
export const agentProtocol = {
  serverToClient: {
    'location:hello': helloSchema,
    snapshot: snapshotSchema,
    delta: deltaSchema,
  },
  clientToServer: {
    'snapshot:request': command(z.object({}).strict(), snapshotSchema, 'monitor'),
    ...deviceCommands,
    ...licenseCommands,
    ...engineCommands,
    ...scheduleCommands,
    ...tokenCommands,
  },
} as const;

export type ServerEventName = keyof typeof agentProtocol.serverToClient;
export type ClientCommandName = keyof typeof agentProtocol.clientToServer;
