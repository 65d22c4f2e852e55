/**
 * The ConsoleApi contract: Promise-returning calls (renderer → main) and pushed topics
 * (main → renderer). Main implements it; the Electron preload and the web bridge expose exactly
 * these names. Arguments are validated in main: the renderer is untrusted.
 */
import { z } from 'zod';
import { fingerprintSchema, locationNameSchema, errorSchema } from './protocol/catalog.js';
import { fleetViewSchema, hostSchema, locationViewSchema, portSchema } from './fleet.js';
import { devicesStateSchema } from './devices.js';
import { licenseStatusSchema } from './license.js';
import { alarmsViewSchema } from './alarms.js';
import { fleetSummarySchema, type FleetSummary } from './fleet-summary.js';
import { jobSchema, jobsStateSchema } from './engine.js';
import { fleetCalendarQuerySchema, fleetCalendarSchema } from './fleet-calendar.js';
import { versionedPushSchema } from './topic-patch-schema.js';
import type { FleetView } from './fleet.js';
import type { AlarmsView } from './alarms.js';
import { schedulesStateSchema } from './schedule.js';
import { searchArgsSchema, searchResultSchema } from './fleet-search.js';
import { agentProtocol, type ClientCommandName } from './protocol/catalog.js';
import { changeSchema, changesViewSchema, type ChangesView, editLocationArgsSchema, scheduleChangeArgsSchema, taskChangeArgsSchema } from './provisioning.js';

export const probeArgsSchema = z.object({ host: hostSchema, port: portSchema }).strict();
export const probeResultSchema = z.object({
  fingerprint: fingerprintSchema,
  /** The certificate's subject common name (the agent's name as it claims it, unverified). */
  subject: z.string(),
  validTo: z.string(),
  /** Set when a registered location already pins this fingerprint. */
  knownAs: z.string().nullable(),
});
export type ProbeResult = z.infer<typeof probeResultSchema>;

export const addLocationArgsSchema = z
  .object({
    name: locationNameSchema,
    host: hostSchema,
    port: portSchema,
    token: z.string().min(1).max(512),
    fingerprint: fingerprintSchema,
  })
  .strict();
export type AddLocationArgs = z.infer<typeof addLocationArgsSchema>;

export const removeLocationArgsSchema = z.object({ id: z.uuid() }).strict();

/** One location's replicated state (null until its first snapshot arrived). */
export const locationDetailSchema = z.object({
  id: z.uuid(),
  seq: z.number().int().nonnegative().nullable(),
  devices: devicesStateSchema.nullable(),
  license: licenseStatusSchema.nullable(),
  jobs: jobsStateSchema.nullable(),
  schedules: schedulesStateSchema.nullable(),
  /** Set by getLocationDetail: the version of this detail in the `location` topic; its patches follow on from it. */
  version: z.number().int().nonnegative().optional(),
});
export type LocationDetail = z.infer<typeof locationDetailSchema>;

/** A call forwarded to one location's agent: `{ id, args }` → the agent command's ack data. */
function forwarded<K extends ClientCommandName>(command: K) {
  const spec = agentProtocol.clientToServer[command];
  return { args: z.object({ id: z.uuid(), args: spec.args as Commands[K]['args'] }).strict(), result: spec.ack as Commands[K]['ack'], command };
}
type Commands = typeof agentProtocol.clientToServer;

/** The calls: name → argument schema and result schema (and, for forwarded calls, the agent command). */
export const consoleCalls = {
  getFleet: { args: z.object({}).strict(), result: fleetViewSchema },
  probeLocation: { args: probeArgsSchema, result: probeResultSchema },
  addLocation: { args: addLocationArgsSchema, result: locationViewSchema },
  removeLocation: { args: removeLocationArgsSchema, result: z.object({ removed: z.boolean() }) },
  getLocationDetail: { args: z.object({ id: z.uuid() }).strict(), result: locationDetailSchema },
  listAlarms: { args: z.object({}).strict(), result: alarmsViewSchema },
  getFleetSummary: { args: z.object({}).strict(), result: fleetSummarySchema },
  acknowledgeAlarm: { args: z.object({ id: z.string().min(1).max(512) }).strict(), result: z.object({ acknowledged: z.boolean() }) },
  /** Fleet-wide search: locations, tasks, media labels and savesets (shared/fleet-search.ts). */
  search: { args: searchArgsSchema, result: searchResultSchema },
  /** The whole value of a versioned topic now (after a gap in its pushes, or at start-up). */
  topicSnapshot: { args: z.object({ topic: z.enum(['fleet', 'alarms', 'summary', 'changes']) }).strict(), result: versionedPushSchema },
  /** Every location's past, planned and missed runs in a range, merged, with overlaps within and across locations. */
  getFleetCalendar: { args: fleetCalendarQuerySchema, result: fleetCalendarSchema },
  /** Runs a finished backup (same task and type) or verify (same saveset) again. */
  jobRerun: { args: z.object({ id: z.uuid(), args: z.object({ job: z.string().min(1).max(128) }).strict() }).strict(), result: jobSchema },
  loaderInventory: forwarded('loader:inventory'),
  loaderLoad: forwarded('loader:load'),
  loaderUnload: forwarded('loader:unload'),
  loaderTransfer: forwarded('loader:transfer'),
  loaderImport: forwarded('loader:import'),
  loaderExport: forwarded('loader:export'),
  driveClean: forwarded('drive:clean'),
  poolAdd: forwarded('pool:add'),
  mediaLabel: forwarded('media:label'),
  taskList: forwarded('task:list'),
  backupStart: forwarded('backup:start'),
  jobCancel: forwarded('job:cancel'),
  jobLog: forwarded('job:log'),
  savesetList: forwarded('saveset:list'),
  savesetBrowse: forwarded('saveset:browse'),
  savesetSearch: forwarded('saveset:search'),
  restoreStart: forwarded('restore:start'),
  verifyStart: forwarded('verify:start'),
  scheduleList: forwarded('schedule:list'),
  calendarQuery: forwarded('calendar:query'),
  checkRun: forwarded('check:run'),
  licenseInstall: forwarded('license:install'),
  // Configuration → Remote servers and provisioning (changes pushed to locations, see shared/provisioning.ts).
  editLocation: { args: editLocationArgsSchema, result: locationViewSchema },
  reconnectLocation: { args: z.object({ id: z.uuid() }).strict(), result: z.object({ reconnecting: z.literal(true) }) },
  /** Null when the change cancelled a pending add of the same item (nothing left to send). */
  changeTask: { args: taskChangeArgsSchema, result: z.object({ change: changeSchema.nullable() }) },
  changeSchedule: { args: scheduleChangeArgsSchema, result: z.object({ change: changeSchema.nullable() }) },
  listChanges: { args: z.object({}).strict(), result: changesViewSchema },
  retryChange: { args: z.object({ change: z.uuid() }).strict(), result: changeSchema },
  discardChange: { args: z.object({ change: z.uuid() }).strict(), result: z.object({ discarded: z.literal(true) }) },
} as const;

/** Commands the Electron shell's menu sends to the renderer (the browser raises them from keys). */
/** What the shell's menu can ask the renderer to open: a dialog, or the fleet search palette (`open-search`). */
export const UI_COMMANDS = ['open-license-info', 'open-remote-servers', 'open-search'] as const;
export const uiCommandSchema = z.object({ command: z.enum(UI_COMMANDS) });
export type UiCommand = z.infer<typeof uiCommandSchema>;
export type UiCommandName = UiCommand['command'];

/**
 * `location` pushes: the locations whose detail changed, each a versioned patch of its own
 * LocationDetail (base null: the whole detail), and the ids of removed locations.
 */
export const locationsPushSchema = z.object({
  locations: z.array(versionedPushSchema.extend({ id: z.uuid() })),
  removed: z.array(z.uuid()),
});
export type LocationsPush = z.infer<typeof locationsPushSchema>;

/**
 * The pushed topics: name → payload schema. `fleet`, `alarms` and `summary` are versioned patches
 * of one value (see shared/topic-patch.ts): the whole value on subscribe, then only changes,
 * at most about 10 pushes per second each.
 */
export const consoleTopics = {
  /** Patches of the FleetView. */
  fleet: versionedPushSchema,
  /** Patches of the locations' details (coalesced for all locations together). */
  location: locationsPushSchema,
  /** Patches of the AlarmsView: the fleet's alarm feed (unacknowledged first). */
  alarms: versionedPushSchema,
  /**
   * Patches of the FleetSummary: the fleet-wide aggregates, kept incrementally. A change of only
   * running jobs' progress goes out at most once a second (the `location` topic carries it at the
   * full rate); any other change at the usual pace.
   */
  summary: versionedPushSchema,
  /** Patches of the ChangesView: the provisioning journal (pending changes first). */
  changes: versionedPushSchema,
  /** Pushed by the Electron shell (menus); the console core never emits it. */
  uiCommand: uiCommandSchema,
} as const;

export type ConsoleCallName = keyof typeof consoleCalls;
/** The calls that are forwarded to an agent command. */
export type ForwardedCallName = { [K in ConsoleCallName]: (typeof consoleCalls)[K] extends { command: ClientCommandName } ? K : never }[ConsoleCallName];
export const FORWARDED_CALLS = Object.entries(consoleCalls).flatMap(([name, call]) => ('command' in call ? [[name, call.command] as const] : [])) as ReadonlyArray<
  readonly [ForwardedCallName, ClientCommandName]
>;
export type ConsoleTopicName = keyof typeof consoleTopics;
export const CONSOLE_CALL_NAMES = Object.keys(consoleCalls) as ConsoleCallName[];
export const CONSOLE_TOPIC_NAMES = Object.keys(consoleTopics) as ConsoleTopicName[];

export type CallArgs<K extends ConsoleCallName> = z.input<(typeof consoleCalls)[K]['args']>;
export type CallResult<K extends ConsoleCallName> = z.infer<(typeof consoleCalls)[K]['result']>;
export type TopicPayload<K extends ConsoleTopicName> = z.infer<(typeof consoleTopics)[K]>;
/** The topics that carry versioned patches of one value, and that value. */
export type VersionedTopicName = 'fleet' | 'alarms' | 'summary' | 'changes';
export interface VersionedTopicValues {
  readonly fleet: FleetView;
  readonly alarms: AlarmsView;
  readonly summary: FleetSummary;
  readonly changes: ChangesView;
}

/** What the renderer sees: one function per call, plus a subscription per topic. */
export type ConsoleApi = {
  [K in ConsoleCallName]: (args: CallArgs<K>) => Promise<CallResult<K>>;
} & {
  subscribe<K extends ConsoleTopicName>(topic: K, listener: (payload: TopicPayload<K>) => void): () => void;
};

/** What main implements: the calls (already validated) and a topic source. */
export type ConsoleService = {
  [K in ConsoleCallName]: (args: z.infer<(typeof consoleCalls)[K]['args']>) => Promise<CallResult<K>>;
} & {
  onTopic<K extends ConsoleTopicName>(topic: K, listener: (payload: TopicPayload<K>) => void): () => void;
};

/** How a call's outcome crosses IPC or the web socket: an ack, never a thrown object. */
export const callOutcomeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: errorSchema }),
]);
export type CallOutcome = z.infer<typeof callOutcomeSchema>;

/** Channel names, derived from the call and topic names (IPC and web socket use the same). */
export const callChannel = (name: ConsoleCallName): string => `floe:call:${name}`;
export const topicChannel = (name: ConsoleTopicName): string => `floe:topic:${name}`;
