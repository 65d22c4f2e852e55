/**
 * The console core: registry, one AgentLink per location and the fleet state, behind the
 * ConsoleService contract. Plain Node: the Electron shell, the web host and tests all run it.
 * Fleet-wide aggregates (summary, alarms) are kept per location and updated only for the
 * locations that changed; topics push versioned patches (main/core/topic-publisher.ts).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FORWARDED_CALLS, type ConsoleService, type ConsoleTopicName, type ForwardedCallName, type LocationDetail, type TopicPayload } from '../../shared/console-api.js';
import { FloeError } from '../../shared/errors.js';
import { agentProtocol, type ClientCommandName } from '../../shared/protocol/catalog.js';
import type { CommandArgs, CommandResult } from '../../shared/protocol/ack.js';
import { AgentLink, type AgentLinkOptions } from './agent-link.js';
import { ConnectGate } from './connect-gate.js';
import { LinkThreadHost, type LocationLink } from './link-thread-host.js';
import type { BackoffOptions } from './backoff.js';
import { DisposableStore, type Disposable } from './disposable.js';
import { FleetState } from './fleet-state.js';
import { probeCertificate } from './pinning.js';
import { LocationRegistry, type Registration } from './registry.js';
import { LocationReplica } from './location-replica.js';
import { AcknowledgedAlarms, alarmsMayChange, alarmsOf, DEFAULT_OFFLINE_ALARM_MS, sortAlarms } from './alarms.js';
import type { Alarm, AlarmsView } from '../../shared/alarms.js';
import { isProblemStatus } from '../../shared/fleet.js';
import { FleetAggregates } from './fleet-aggregates.js';
import { FleetCalendarSource } from './fleet-calendar.js';
import { calendarRelevant } from './calendar-relevance.js';
import { rerunCommand } from './rerun.js';
import { PublishedCollection, PublishedTopic } from './topic-publisher.js';
import { TurnQueue } from './turn-queue.js';
import { FileSecretStore, type SecretStore } from './secret-store.js';
import { ProvisioningJournal } from './provisioning-journal.js';
import { Provisioner } from './provisioner.js';
import { previousTokenKey, provisioningCalls, undoRegister, type ProvisioningDeps } from './provisioning-service.js';
import { createFleetSearch } from './fleet-search.js';

export interface ConsoleCoreOptions {
  readonly configDir: string;
  /** Defaults to `tokens.json` (0600) in the config directory. */
  readonly secrets?: SecretStore;
  readonly backoff?: BackoffOptions;
  readonly connectTimeoutMs?: number;
  readonly probeTimeoutMs?: number;
  /** Minimum interval between two pushes of one topic (default 100 ms: about 10 per second). */
  readonly pushIntervalMs?: number;
  /**
   * How often the fleet summary is pushed when only running jobs' progress changed (default ten
   * push intervals: once a second). Any other change of the summary goes out at the push interval;
   * a location's detail carries its jobs' progress at the push interval.
   */
  readonly summaryProgressIntervalMs?: number;
  readonly clock?: () => Date;
  /** Protocol version to speak (tests only). */
  readonly protocol?: number;
  /** An offline location raises an alarm after this long (default 15 minutes). */
  readonly offlineAlarmMs?: number;
  /** How long fleet-wide search waits for the agents' tasks and savesets (default 2.5 s). */
  readonly searchTimeoutMs?: number;
  /** How long the fleet calendar waits for the agents' calendars (default 5 s). */
  readonly fleetCalendarTimeoutMs?: number;
  /**
   * Where the agent links run: in the core's link thread (default; main/core/link-thread.ts), or on
   * the core's own event loop (`'core'`: what benchmarks compare it with).
   */
  readonly linkThread?: 'thread' | 'core';
}

export interface ConsoleCore extends Disposable {
  readonly service: ConsoleService;
  readonly fleet: FleetState;
  /** The fleet calendar's per-location answers (tests read how many agent queries were made). */
  readonly calendar: FleetCalendarSource;
}

type AlarmRow = Omit<Alarm, 'acknowledged'>;

export function createConsoleCore(options: ConsoleCoreOptions): ConsoleCore {
  mkdirSync(options.configDir, { recursive: true, mode: 0o700 });
  const clock = options.clock ?? (() => new Date());
  const pushIntervalMs = options.pushIntervalMs ?? 100;
  const offlineAlarmMs = options.offlineAlarmMs ?? DEFAULT_OFFLINE_ALARM_MS;
  const registry = new LocationRegistry(join(options.configDir, 'locations.json'));
  const secrets = options.secrets ?? new FileSecretStore(join(options.configDir, 'tokens.json'));
  const fleet = new FleetState();
  const links = new Map<string, LocationLink>();
  const lifetime = new DisposableStore();
  // The topics' pushes take turns of the event loop instead of running back to back when they fall due together.
  const turns = lifetime.add(new TurnQueue());
  // The link thread sends its reports once per push interval, and a push waits for the whole message.
  const linkHost = options.linkThread === 'core' ? undefined : new LinkThreadHost({ gatherMs: pushIntervalMs, holdPushes: () => turns.hold() });
  // Paces the links' handshakes when they run here, so a start with many locations or a fleet coming back does not stall the loop (the link thread has its own).
  const gate = linkHost ? undefined : new ConnectGate();
  const replicas = new Map<string, LocationReplica>();
  const detailOf = (id: string): LocationDetail => {
    const state = replicas.get(id)?.state ?? null;
    return { id, seq: state?.seq ?? null, devices: state?.devices ?? null, license: state?.license ?? null, jobs: state?.jobs ?? null, schedules: state?.schedules ?? null };
  };

  // Per-location contributions, recomputed lazily (at most once per push) for the locations that changed.
  const aggregates = new FleetAggregates();
  const alarmRows = new Map<string, readonly AlarmRow[]>();
  const offlineSince = new Map<string, string>();
  // Kept apart: a job's progress changes the summary (its running jobs) but not the alarms.
  const staleSummary = new Set<string>();
  const staleAlarms = new Set<string>();
  const settleSummary = (): void => {
    for (const id of staleSummary) {
      const location = fleet.location(id);
      if (location) aggregates.set(location, replicas.get(id)?.state ?? null);
      else aggregates.remove(id);
    }
    staleSummary.clear();
  };
  const settleAlarms = (): void => {
    const now = clock();
    for (const id of staleAlarms) {
      const location = fleet.location(id);
      if (location) alarmRows.set(id, alarmsOf(location, replicas.get(id)?.state ?? null, now, offlineAlarmMs, offlineSince.get(id) ?? null));
      else alarmRows.delete(id);
    }
    staleAlarms.clear();
  };
  const acknowledged = new AcknowledgedAlarms(join(options.configDir, 'alarms-acknowledged.json'));
  const alarmsView = (): AlarmsView => {
    settleAlarms();
    const alarms = [...alarmRows.values()].flat().map((alarm) => Object.assign({}, alarm, { acknowledged: acknowledged.has(alarm.id) }));
    return { alarms: sortAlarms(alarms) };
  };

  const fleetTopic = lifetime.add(new PublishedTopic(() => fleet.view(), pushIntervalMs, { turns }));
  const alarmsTopic = lifetime.add(new PublishedTopic(alarmsView, pushIntervalMs, { turns }));
  const summaryTopic = lifetime.add(
    new PublishedTopic(
      () => {
        settleSummary();
        return aggregates.summary(fleet.order());
      },
      pushIntervalMs,
      { turns, slowIntervalMs: options.summaryProgressIntervalMs ?? pushIntervalMs * 10 },
    ),
  );
  const details = lifetime.add(new PublishedCollection(detailOf, pushIntervalMs, { turns }));
  const calendar = new FleetCalendarSource({
    locations: () => fleet.view().locations,
    replica: (id) => replicas.get(id)?.state ?? null,
    query: (id, range, timeoutMs) => linkOf(id).command('calendar:query', range, timeoutMs),
    clock,
    ...(options.fleetCalendarTimeoutMs === undefined ? {} : { timeoutMs: options.fleetCalendarTimeoutMs }),
  });

  const summaryChanged = (id: string): void => {
    staleSummary.add(id);
    summaryTopic.changed();
  };
  const alarmsChanged = (id: string): void => {
    staleAlarms.add(id);
    alarmsTopic.changed();
  };
  const aggregatesChanged = (id: string): void => {
    summaryChanged(id);
    alarmsChanged(id);
  };
  lifetime.add(
    fleet.onLocationChange((id, before, location) => {
      if (location?.status === 'offline') {
        if (!offlineSince.has(id)) offlineSince.set(id, clock().toISOString());
      } else offlineSince.delete(id);
      fleetTopic.changed();
      // A location's summary reads only its id and name (and its replica); turning into or out of a
      // problem moves it in the summary's order (fleet-state.ts), so the summary is pushed again
      // without a recount. Anything else (every delta's "last seen") leaves the summary as it is.
      if (before?.name !== location?.name || !aggregates.has(id)) summaryChanged(id);
      else if (!before || !location || isProblemStatus(before.status) !== isProblemStatus(location.status)) summaryTopic.changed();
      // Its alarms read its status, detail, name and, when offline, when it was last seen.
      if (before?.status !== location?.status || before?.detail !== location?.detail || before?.name !== location?.name || location?.status === 'offline') alarmsChanged(id);
    }),
  );
  const replicaChanged = (id: string): void => {
    details.changed(id);
    aggregatesChanged(id);
  };
  // Offline alarms depend on time passing, not only on events: re-check the offline locations.
  const offlineTimer = setInterval(
    () => {
      for (const id of offlineSince.keys()) alarmsChanged(id);
    },
    Math.min(30_000, Math.max(50, Math.floor(offlineAlarmMs / 4))),
  );
  offlineTimer.unref();
  lifetime.add({ dispose: () => clearInterval(offlineTimer) });

  const openLink = (registration: Registration, token: string, lastSeen?: string | null): void => {
    fleet.add(registration, ...(lastSeen === undefined ? [] : [lastSeen]));
    const replica = new LocationReplica();
    replicas.set(registration.id, replica);
    const settings = {
      host: registration.host,
      port: registration.port,
      fingerprint: registration.fingerprint,
      token,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
      ...(options.protocol === undefined ? {} : { protocol: options.protocol }),
    };
    const callbacks: Pick<AgentLinkOptions, 'onEvent' | 'onSnapshot' | 'onDelta' | 'clock'> = {
      // Only a given clock: without one the link reads Date.now() per delta instead of building a Date.
      ...(options.clock ? { clock: options.clock } : {}),
      onEvent: (event) => {
        fleet.apply(registration.id, event);
        provisioner.linkEvent(registration.id, event);
        if (event.type === 'online' && secrets.get(previousTokenKey(registration.id)) !== undefined) secrets.delete(previousTokenKey(registration.id));
      },
      onSnapshot: (snapshot) => {
        replica.applySnapshot(snapshot);
        calendar.invalidate(registration.id);
        replicaChanged(registration.id);
      },
      onDelta: (delta) => {
        const before = replica.state;
        const outcome = replica.applyDelta(delta);
        if (outcome === 'applied') {
          const id = registration.id;
          const after = replica.state;
          if (calendarRelevant(before, delta)) calendar.invalidate(id);
          details.changed(id);
          // A running job's progress patches the summary in place instead of recounting the location,
          // and is pushed at the summary's slower pace (the detail already carries it at the push interval).
          if (delta.change.domain === 'jobs' && !staleSummary.has(id) && aggregates.jobProgress(id, before, after, delta.change.change.job)) summaryTopic.changedSlowly();
          else summaryChanged(id);
          if (alarmsMayChange(before, after)) alarmsChanged(id);
        }
        return outcome !== 'gap';
      },
    };
    const link = linkHost ? linkHost.link(settings, callbacks) : new AgentLink({ ...settings, ...callbacks, ...(gate ? { gate } : {}) });
    links.set(registration.id, link);
    link.start();
  };

  const closeLink = (id: string): void => {
    links.get(id)?.dispose();
    links.delete(id);
    replicas.delete(id);
  };
  const provisioningDeps: ProvisioningDeps = {
    registry,
    secrets,
    get provisioner() {
      return provisioner;
    },
    relink(id) {
      // The new link starts Connecting; the location keeps when it was last seen (now, if it was online).
      const before = fleet.location(id);
      const lastSeen = before?.status === 'online' ? clock().toISOString() : (before?.lastSeen ?? null);
      closeLink(id);
      const registration = registry.get(id);
      const token = secrets.get(id);
      if (registration && token) openLink(registration, token, lastSeen);
    },
    unlink(id) {
      closeLink(id);
      offlineSince.delete(id);
      calendar.forget(id);
      fleet.remove(id);
      details.removed(id);
    },
    view: (id) => fleet.location(id),
  };
  const provisioner: Provisioner = new Provisioner(new ProvisioningJournal(join(options.configDir, 'provisioning.json'), clock()), {
    clock,
    command: (id, name, args) => {
      const link = links.get(id);
      if (!link) throw new FloeError('NOT_FOUND', 'no such location; it may have been removed');
      return link.command(name, args as never);
    },
    reconnect: (id) => provisioningDeps.relink(id),
    undoRegister: (id, previous) => undoRegister(provisioningDeps, id, previous),
  });
  const changesTopic = lifetime.add(new PublishedTopic(() => provisioner.view(), pushIntervalMs, { turns }));
  lifetime.add(provisioner.onChange(() => changesTopic.changed()));

  for (const registration of registry.list()) {
    const token = secrets.get(registration.id);
    if (token) openLink(registration, token);
    else {
      fleet.add(registration);
      fleet.apply(registration.id, { type: 'refused', reason: 'auth', detail: 'no token is stored for this location; remove it and add it again' });
    }
  }

  const linkOf = (id: string): LocationLink => {
    const link = links.get(id);
    if (!link) throw new FloeError('NOT_FOUND', 'no such location; it may have been removed');
    return link;
  };
  /** Runs an agent command for a call: refused here when the location's token may only read. */
  const command = <K extends ClientCommandName>(id: string, name: K, args: CommandArgs<K>): Promise<CommandResult<K>> => {
    const link = linkOf(id);
    if (link.role === 'monitor' && agentProtocol.clientToServer[name].role === 'admin') {
      const location = fleet.location(id)?.name ?? 'this location';
      throw new FloeError('FORBIDDEN', `${location} is connected with a monitor token, which may only read; ${name} needs an admin token (remove the location and add it again with an admin token)`);
    }
    return link.command(name, args);
  };

  const forwardedCalls = Object.fromEntries(
    FORWARDED_CALLS.map(([call, name]) => [call, async ({ id, args }: { id: string; args: unknown }) => command(id, name, args as never)]),
  ) as Pick<ConsoleService, ForwardedCallName>;

  const search = createFleetSearch(
    {
      locations: () => fleet.view().locations,
      replica: (id: string) => replicas.get(id)?.state ?? null,
      listTasks: (id, timeoutMs) => linkOf(id).command('task:list', {}, timeoutMs),
      listSavesets: (id, timeoutMs) => linkOf(id).command('saveset:list', {}, timeoutMs),
    },
    options.searchTimeoutMs === undefined ? {} : { timeoutMs: options.searchTimeoutMs },
  );

  const service: ConsoleService = {
    ...forwardedCalls,
    ...provisioningCalls(provisioningDeps),
    async search({ query, limit }) {
      return search(query, limit);
    },
    async listAlarms() {
      return alarmsView();
    },
    async getFleetSummary() {
      settleSummary();
      return aggregates.summary(fleet.order());
    },
    async acknowledgeAlarm({ id }) {
      const known = alarmsView().alarms.some((alarm) => alarm.id === id);
      if (!known) throw new FloeError('NOT_FOUND', 'no such alarm; it may have cleared');
      acknowledged.add(id);
      alarmsTopic.changed();
      return { acknowledged: true };
    },
    async topicSnapshot({ topic }) {
      return { fleet: fleetTopic, alarms: alarmsTopic, summary: summaryTopic, changes: changesTopic }[topic].snapshot();
    },
    async getFleetCalendar(query) {
      return calendar.query(query);
    },
    async jobRerun({ id, args }) {
      linkOf(id);
      const state = replicas.get(id)?.state ?? null;
      if (!state) throw new FloeError('UNREACHABLE', `${fleet.location(id)?.name ?? 'the location'} has not been reached yet; try again when it is Online`);
      const rerun = rerunCommand(state.jobs, args.job);
      return rerun.command === 'backup:start' ? command(id, 'backup:start', rerun.args) : command(id, 'verify:start', rerun.args);
    },
    async getFleet() {
      return fleet.view();
    },
    async probeLocation({ host, port }) {
      const cert = await probeCertificate(host, port, options.probeTimeoutMs);
      return { ...cert, knownAs: registry.findByFingerprint(cert.fingerprint)?.name ?? null };
    },
    async addLocation({ name, host, port, token, fingerprint }) {
      const registration: Registration = { id: randomUUID(), name, host, port, fingerprint, addedAt: clock().toISOString() };
      registry.add(registration);
      secrets.set(registration.id, token);
      openLink(registration, token);
      provisioner.connectionChanged(registration.id, { name, host, port, fingerprint }, null);
      const view = fleet.location(registration.id);
      if (!view) throw new FloeError('INTERNAL', 'the location was added but is missing from the fleet state');
      return view;
    },
    async getLocationDetail({ id }) {
      if (!registry.get(id)) throw new FloeError('NOT_FOUND', 'no such location; it may have been removed');
      const { version, value } = details.current(id);
      return { ...value, version };
    },
    onTopic<K extends ConsoleTopicName>(topic: K, listener: (payload: TopicPayload<K>) => void) {
      // 'uiCommand' is never emitted here: only the Electron shell's menu raises it (main/shell/ui-commands.ts).
      const sources: Partial<Record<ConsoleTopicName, PublishedTopic<unknown>>> = { fleet: fleetTopic, alarms: alarmsTopic, summary: summaryTopic, changes: changesTopic };
      let unsubscribe: () => void = () => undefined;
      const source = sources[topic];
      if (source) unsubscribe = source.subscribe(listener as (payload: TopicPayload<'fleet'>) => void);
      if (topic === 'location') unsubscribe = details.subscribe(listener as (payload: TopicPayload<'location'>) => void);
      const subscription = lifetime.add({ dispose: unsubscribe });
      return () => {
        subscription.dispose();
        lifetime.delete(subscription);
      };
    },
  };

  return {
    service,
    fleet,
    calendar,
    dispose() {
      lifetime.dispose();
      for (const link of links.values()) link.dispose();
      links.clear();
      linkHost?.dispose();
      gate?.dispose();
    },
  };
}
