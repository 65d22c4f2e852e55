/**
 * The ConsoleService calls of Configuration → Remote servers and of provisioning: edit, reconnect
 * and remove a location, task and schedule changes, and the journal's list, retry and discard.
 * The console core supplies the registry, the secrets and a way to (re)open and close links.
 */
import { FloeError } from '../../shared/errors.js';
import type { ConsoleService } from '../../shared/console-api.js';
import type { ConnectionSettings } from '../../shared/provisioning.js';
import type { LocationView } from '../../shared/fleet.js';
import type { Provisioner } from './provisioner.js';
import type { LocationRegistry, Registration } from './registry.js';
import type { SecretStore } from './secret-store.js';
import { isApplied } from './provisioning.js';

export type ProvisioningCallName = 'editLocation' | 'reconnectLocation' | 'removeLocation' | 'changeTask' | 'changeSchedule' | 'listChanges' | 'retryChange' | 'discardChange';

export interface ProvisioningDeps {
  readonly registry: LocationRegistry;
  readonly secrets: SecretStore;
  readonly provisioner: Provisioner;
  /** Closes a location's link (if any) and opens a new one with its current registration and token. */
  relink(id: string): void;
  /** Closes a location's link and forgets its replica and fleet entry. */
  unlink(id: string): void;
  view(id: string): LocationView | undefined;
}

/** Where an edited location's previous token waits until the edit is applied or discarded. */
export const previousTokenKey = (id: string): string => `previous:${id}`;

export const settingsOf = (registration: Registration): ConnectionSettings => ({ name: registration.name, host: registration.host, port: registration.port, fingerprint: registration.fingerprint });

export function provisioningCalls(deps: ProvisioningDeps): Pick<ConsoleService, ProvisioningCallName> {
  const { registry, secrets, provisioner } = deps;
  const requireRegistration = (id: string): Registration => {
    const registration = registry.get(id);
    if (!registration) throw new FloeError('NOT_FOUND', 'no such location; it may have been removed');
    return registration;
  };
  const viewOf = (id: string): LocationView => {
    const view = deps.view(id);
    if (!view) throw new FloeError('INTERNAL', 'the location is missing from the fleet state');
    return view;
  };
  const removeEverywhere = (id: string): boolean => {
    deps.unlink(id);
    const removed = registry.remove(id);
    secrets.delete(id);
    if (secrets.get(previousTokenKey(id)) !== undefined) secrets.delete(previousTokenKey(id));
    return removed;
  };

  return {
    async editLocation({ id, name, host, port, token, fingerprint }) {
      const current = requireRegistration(id);
      const next: Registration = { ...current, name: name ?? current.name, host: host ?? current.host, port: port ?? current.port, fingerprint: fingerprint ?? current.fingerprint };
      const addressChanged = next.host !== current.host || next.port !== current.port;
      if (addressChanged && fingerprint === undefined) {
        throw new FloeError('BAD_REQUEST', `a new host or port needs its certificate confirmed: connect to ${next.host}:${next.port}, compare the fingerprint and pass it`);
      }
      const connectionChanged = addressChanged || next.fingerprint !== current.fingerprint || token !== undefined;
      if (!connectionChanged && next.name === current.name) return viewOf(id);
      registry.update(next);
      if (!connectionChanged) {
        provisioner.renamed(id, settingsOf(next), settingsOf(current));
        deps.relink(id);
        return viewOf(id);
      }
      if (token !== undefined) {
        const old = secrets.get(id);
        if (old !== undefined && secrets.get(previousTokenKey(id)) === undefined) secrets.set(previousTokenKey(id), old);
        secrets.set(id, token);
      }
      deps.relink(id);
      provisioner.connectionChanged(id, settingsOf(next), settingsOf(current));
      return viewOf(id);
    },
    async reconnectLocation({ id }) {
      requireRegistration(id);
      const pending = provisioner.view().changes.find((change) => change.location === id && change.kind === 'register' && !isApplied(change));
      if (pending?.state === 'add' || pending?.state === 'modify') await provisioner.retry(pending.id);
      else deps.relink(id);
      return { reconnecting: true };
    },
    async removeLocation({ id }) {
      const registration = registry.get(id);
      const removed = removeEverywhere(id);
      if (registration) provisioner.removed(id, settingsOf(registration));
      return { removed };
    },
    async changeTask(args) {
      const registration = requireRegistration(args.id);
      const payload = args.mode === 'delete' ? { kind: 'task' as const, name: args.name, task: null } : { kind: 'task' as const, name: args.task.name, task: args.task };
      const change = await provisioner.submit({ location: args.id, locationName: registration.name, mode: args.mode, payload });
      return { change };
    },
    async changeSchedule(args) {
      const registration = requireRegistration(args.id);
      const payload = args.mode === 'delete' ? { kind: 'schedule' as const, name: args.name, schedule: null } : { kind: 'schedule' as const, name: args.schedule.name, schedule: args.schedule };
      const change = await provisioner.submit({ location: args.id, locationName: registration.name, mode: args.mode, payload });
      return { change };
    },
    async listChanges() {
      return provisioner.view();
    },
    async retryChange({ change }) {
      return provisioner.retry(change);
    },
    async discardChange({ change }) {
      provisioner.discard(change);
      return { discarded: true };
    },
  };
}

/** What discarding a pending registration or edit does: remove the location, or restore its previous settings and token. */
export function undoRegister(deps: ProvisioningDeps, id: string, previous: ConnectionSettings | null): void {
  const registration = deps.registry.get(id);
  if (!registration) return;
  if (previous === null) {
    deps.unlink(id);
    deps.registry.remove(id);
    deps.secrets.delete(id);
    return;
  }
  deps.registry.update({ ...registration, ...previous });
  const oldToken = deps.secrets.get(previousTokenKey(id));
  if (oldToken !== undefined) {
    deps.secrets.set(id, oldToken);
    deps.secrets.delete(previousTokenKey(id));
  }
  deps.relink(id);
}
