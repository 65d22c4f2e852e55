/**
 * The console core: registry, one AgentLink per location and the fleet state, behind the
 * ConsoleService contract. Plain Node: the Electron shell, the web host and tests all run it.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FORWARDED_CALLS, type ConsoleService, type ConsoleTopicName, type ForwardedCallName, type LocationDetail, type TopicPayload } from '../../shared/console-api.js';
import { FloeError } from '../../shared/errors.js';
import { AgentLink } from './agent-link.js';
import type { BackoffOptions } from './backoff.js';
import { coalesce, type Coalescer } from './coalesce.js';
import { DisposableStore, type Disposable } from './disposable.js';
import { FleetState } from './fleet-state.js';
import { probeCertificate } from './pinning.js';
import { LocationRegistry, type Registration } from './registry.js';
import { LocationReplica } from './location-replica.js';
import { AcknowledgedAlarms, alarmsOf, DEFAULT_OFFLINE_ALARM_MS, sortAlarms } from './alarms.js';
import type { AlarmsView } from '../../shared/alarms.js';
import { summarizeFleet } from './fleet-summary.js';
import { FileSecretStore, type SecretStore } from './secret-store.js';

export interface ConsoleCoreOptions {
  readonly configDir: string;
  /** Defaults to `tokens.json` (0600) in the config directory. */
  readonly secrets?: SecretStore;
  readonly backoff?: BackoffOptions;
  readonly connectTimeoutMs?: number;
  readonly probeTimeoutMs?: number;
  /** Minimum interval between two pushes of one topic (default 100 ms: about 10 per second). */
  readonly pushIntervalMs?: number;
  readonly clock?: () => Date;
  /** Protocol version to speak (tests only). */
  readonly protocol?: number;
  /** An offline location raises an alarm after this long (default 15 minutes). */
  readonly offlineAlarmMs?: number;
}

export interface ConsoleCore extends Disposable {
  readonly service: ConsoleService;
  readonly fleet: FleetState;
}

export function createConsoleCore(options: ConsoleCoreOptions): ConsoleCore {
  mkdirSync(options.configDir, { recursive: true, mode: 0o700 });
  const clock = options.clock ?? (() => new Date());
  const registry = new LocationRegistry(join(options.configDir, 'locations.json'));
  const secrets = options.secrets ?? new FileSecretStore(join(options.configDir, 'tokens.json'));
  const fleet = new FleetState();
  const links = new Map<string, AgentLink>();
  const replicas = new Map<string, LocationReplica>();
  const replicaListeners = new Set<(id: string) => void>();
  const replicaChanged = (id: string): void => {
    for (const listener of replicaListeners) listener(id);
  };
  const detailOf = (id: string): LocationDetail => {
    const state = replicas.get(id)?.state ?? null;
    return { id, seq: state?.seq ?? null, devices: state?.devices ?? null, license: state?.license ?? null, jobs: state?.jobs ?? null, schedules: state?.schedules ?? null };
  };
  const lifetime = new DisposableStore();

  const openLink = (registration: Registration, token: string): void => {
    fleet.add(registration);
    const replica = new LocationReplica();
    replicas.set(registration.id, replica);
    const link = new AgentLink({
      host: registration.host,
      port: registration.port,
      fingerprint: registration.fingerprint,
      token,
      clock,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
      ...(options.protocol === undefined ? {} : { protocol: options.protocol }),
      onEvent: (event) => fleet.apply(registration.id, event),
      onSnapshot: (snapshot) => {
        replica.applySnapshot(snapshot);
        replicaChanged(registration.id);
      },
      onDelta: (delta) => {
        const outcome = replica.applyDelta(delta);
        if (outcome === 'applied') replicaChanged(registration.id);
        return outcome !== 'gap';
      },
    });
    links.set(registration.id, link);
    link.start();
  };

  for (const registration of registry.list()) {
    const token = secrets.get(registration.id);
    if (token) openLink(registration, token);
    else {
      fleet.add(registration);
      fleet.apply(registration.id, { type: 'refused', reason: 'auth', detail: 'no token is stored for this location; remove it and add it again' });
    }
  }

  const forwardedCalls = Object.fromEntries(
    FORWARDED_CALLS.map(([call, command]) => [
      call,
      async ({ id, args }: { id: string; args: unknown }) => {
        const link = links.get(id);
        if (!link) throw new FloeError('NOT_FOUND', 'no such location; it may have been removed');
        return link.command(command, args as never);
      },
    ]),
  ) as Pick<ConsoleService, ForwardedCallName>;

  const acknowledged = new AcknowledgedAlarms(join(options.configDir, 'alarms-acknowledged.json'));
  const alarmsView = (): AlarmsView => {
    const now = clock();
    const alarms = fleet
      .view()
      .locations.flatMap((location) => alarmsOf(location, replicas.get(location.id)?.state ?? null, now, options.offlineAlarmMs ?? DEFAULT_OFFLINE_ALARM_MS))
      .map((alarm) => ({ ...alarm, acknowledged: acknowledged.has(alarm.id) }));
    return { alarms: sortAlarms(alarms) };
  };
  const alarmListeners = new Set<() => void>();
  const alarmsChanged = (): void => {
    for (const listener of alarmListeners) listener();
  };
  lifetime.add(fleet.onChanged(alarmsChanged));
  replicaListeners.add(alarmsChanged);
  // Offline alarms depend on time passing, not only on events.
  const offlineTimer = setInterval(alarmsChanged, 30_000);
  offlineTimer.unref();
  lifetime.add({ dispose: () => clearInterval(offlineTimer) });

  const service: ConsoleService = {
    ...forwardedCalls,
    async listAlarms() {
      return alarmsView();
    },
    async getFleetSummary() {
      return summarizeFleet(fleet.view(), (id) => replicas.get(id)?.state ?? null);
    },
    async acknowledgeAlarm({ id }) {
      const known = alarmsView().alarms.some((alarm) => alarm.id === id);
      if (!known) throw new FloeError('NOT_FOUND', 'no such alarm; it may have cleared');
      acknowledged.add(id);
      alarmsChanged();
      return { acknowledged: true };
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
      const view = fleet.location(registration.id);
      if (!view) throw new FloeError('INTERNAL', 'the location was added but is missing from the fleet state');
      return view;
    },
    async getLocationDetail({ id }) {
      if (!registry.get(id)) throw new FloeError('NOT_FOUND', 'no such location; it may have been removed');
      return detailOf(id);
    },
    async removeLocation({ id }) {
      links.get(id)?.dispose();
      links.delete(id);
      replicas.delete(id);
      const removed = registry.remove(id);
      secrets.delete(id);
      fleet.remove(id);
      return { removed };
    },
    onTopic<K extends ConsoleTopicName>(topic: K, listener: (payload: TopicPayload<K>) => void) {
      const subscription = new DisposableStore();
      // 'uiCommand' is never emitted here: only the Electron shell's menu raises it (main/shell/ui-commands.ts).
      if (topic === 'fleet') {
        // The view is built when the coalesced push goes out (at most ~10 a second), not on every change.
        const emit = listener as (payload: TopicPayload<'fleet'>) => void;
        const pusher = subscription.add(coalesce(options.pushIntervalMs ?? 100, () => emit(fleet.view())));
        subscription.add(fleet.onChanged(() => pusher.push(undefined)));
      }
      if (topic === 'alarms') {
        // Alarms are recomputed (O(locations)) when the coalesced push is due, not on every delta.
        const emit = listener as (payload: TopicPayload<'alarms'>) => void;
        let last = '';
        const pusher = subscription.add(
          coalesce(options.pushIntervalMs ?? 100, () => {
            const view = alarmsView();
            const key = JSON.stringify(view);
            if (key === last) return;
            last = key;
            emit(view);
          }),
        );
        const onChange = (): void => pusher.push(undefined);
        alarmListeners.add(onChange);
        subscription.add({ dispose: () => alarmListeners.delete(onChange) });
      }
      if (topic === 'location') {
        const pushers = new Map<string, Coalescer<LocationDetail>>();
        const emit = listener as (payload: TopicPayload<'location'>) => void;
        const onChange = (id: string): void => {
          let pusher = pushers.get(id);
          if (!pusher) {
            pusher = subscription.add(coalesce(options.pushIntervalMs ?? 100, emit));
            pushers.set(id, pusher);
          }
          pusher.push(detailOf(id));
        };
        replicaListeners.add(onChange);
        subscription.add({ dispose: () => replicaListeners.delete(onChange) });
      }
      lifetime.add(subscription);
      return () => {
        subscription.dispose();
        lifetime.delete(subscription);
      };
    },
  };

  return {
    service,
    fleet,
    dispose() {
      lifetime.dispose();
      for (const link of links.values()) link.dispose();
      links.clear();
    },
  };
}

