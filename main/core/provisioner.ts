/**
 * The provisioner applies the journal's changes. Task and schedule changes are agent commands
 * (sent at once, and again when the administrator retries); a registration or an edit of a
 * location's connection is applied when its link comes online with the new settings; a removal is
 * applied locally. A change that does not apply stays pending with the reason; nothing is dropped
 * unless the administrator discards it.
 */
import { randomUUID } from 'node:crypto';
import type { ClientCommandName } from '../../shared/protocol/catalog.js';
import { FloeError, isFloeError, type ErrorCode } from '../../shared/errors.js';
import type { Change, ChangeMode, ChangePayload, ChangesView, ConnectionSettings } from '../../shared/provisioning.js';
import { toDisposable, type Disposable } from './disposable.js';
import type { LinkEvent } from './link-status.js';
import { beginChange, createChange, failChange, isApplied, isApplying, isPending, mergeModes, orderChanges, pendingFor, succeedChange, type NewChange } from './provisioning.js';
import type { ProvisioningJournal } from './provisioning-journal.js';

export interface ProvisionerHooks {
  readonly clock: () => Date;
  /** Runs an agent command on a location; throws a FloeError (not connected, refused by the agent…). */
  command(location: string, name: ClientCommandName, args: unknown): Promise<unknown>;
  /** Restarts a location's link now (the retry of a registration or an edit). */
  reconnect(location: string): void;
  /** Undoes a registration or an edit whose change is discarded: removes the location, or restores `previous`. */
  undoRegister(location: string, previous: ConnectionSettings | null): void;
}

type ItemPayload = Extract<ChangePayload, { kind: 'task' | 'schedule' }>;

/** A change to one task or schedule of a location; for a delete the definition is null. */
export interface ItemChange {
  readonly location: string;
  readonly locationName: string;
  readonly mode: ChangeMode;
  readonly payload: ItemPayload;
}

/** The payload without its definition (what a delete carries). */
const withoutDefinition = (payload: ItemPayload): ItemPayload => (payload.kind === 'task' ? { ...payload, task: null } : { ...payload, schedule: null });

const COMMANDS = {
  task: { add: 'task:add', modify: 'task:update', delete: 'task:remove' },
  schedule: { add: 'schedule:add', modify: 'schedule:update', delete: 'schedule:remove' },
} as const satisfies Record<'task' | 'schedule', Record<ChangeMode, ClientCommandName>>;

const REFUSAL_CODES: Record<'auth' | 'cert' | 'version', ErrorCode> = { auth: 'AUTH_FAILED', cert: 'CERT_MISMATCH', version: 'VERSION_MISMATCH' };

export class Provisioner {
  private readonly listeners = new Set<(view: ChangesView) => void>();

  constructor(
    private readonly journal: ProvisioningJournal,
    private readonly hooks: ProvisionerHooks,
  ) {}

  view(): ChangesView {
    return { changes: orderChanges(this.journal.list()) };
  }

  onChange(listener: (view: ChangesView) => void): Disposable {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  }

  /** Records a task or schedule change (merged with a pending one to the same item) and sends it. Null: it cancelled a pending add. */
  async submit(item: ItemChange): Promise<Change | null> {
    const payload = item.mode === 'delete' ? withoutDefinition(item.payload) : item.payload;
    const pending = pendingFor(this.journal.list(), item.location, payload.kind, payload.name);
    let change: Change;
    if (pending) {
      const merged = mergeModes(pending.mode, item.mode);
      if (merged.outcome === 'cancel') {
        this.journal.delete(pending.id);
        this.changed();
        return null;
      }
      const mergedPayload = merged.mode === 'delete' ? withoutDefinition(payload) : payload;
      change = { ...createChange({ ...this.identity(pending), mode: merged.mode, payload: mergedPayload }, this.hooks.clock()), createdAt: pending.createdAt, attempts: pending.attempts };
    } else {
      change = createChange({ id: randomUUID(), location: item.location, locationName: item.locationName, kind: payload.kind, mode: item.mode, target: payload.name, payload }, this.hooks.clock());
    }
    this.put(change);
    return this.apply(change.id);
  }

  /** Retries a pending change: sends it again, or reconnects for a registration or an edit. */
  async retry(id: string): Promise<Change> {
    const change = this.require(id);
    if (change.kind === 'register') {
      this.put(beginChange(change, this.hooks.clock()));
      this.hooks.reconnect(change.location);
      return this.require(id);
    }
    return this.apply(id);
  }

  /** Drops a pending change; for a registration or an edit, undoes it. Applied changes cannot be discarded. */
  discard(id: string): void {
    const change = this.require(id);
    if (isApplied(change)) throw new FloeError('CONFLICT', `this change was already applied (${change.state}); there is nothing to discard`);
    if (isApplying(change) && change.kind !== 'register') throw new FloeError('BUSY', `this change is being applied (${change.state}); wait for its outcome, then discard it`);
    // Undo first: if restoring the previous settings is refused, the change stays listed.
    if (change.payload.kind === 'register') this.hooks.undoRegister(change.location, change.payload.previous);
    this.journal.delete(id);
    this.changed();
  }

  /** A location was registered, or its connection settings changed: pending until its link is online. */
  connectionChanged(location: string, settings: ConnectionSettings, previous: ConnectionSettings | null): void {
    const pending = this.journal.list().find((change) => change.location === location && change.kind === 'register' && !isApplied(change));
    const now = this.hooks.clock();
    const earlier = pending?.payload.kind === 'register' ? pending.payload : null;
    // A pending registration stays an add; a pending edit keeps the settings that were last confirmed.
    const mode: ChangeMode = pending ? pending.mode : previous ? 'modify' : 'add';
    const base = createChange(
      { id: pending?.id ?? randomUUID(), location, locationName: settings.name, kind: 'register', mode, target: settings.name, payload: { kind: 'register', settings, previous: earlier ? earlier.previous : previous } },
      now,
    );
    this.put(beginChange({ ...base, createdAt: pending?.createdAt ?? base.createdAt, attempts: pending?.attempts ?? 0 }, now));
  }

  /** A rename only: nothing to send, applied at once. */
  renamed(location: string, settings: ConnectionSettings, previous: ConnectionSettings): void {
    const pending = this.journal.list().find((change) => change.location === location && change.kind === 'register' && !isApplied(change));
    if (pending) {
      // The rename rides on the pending registration or edit.
      const payload = pending.payload.kind === 'register' ? { ...pending.payload, settings } : pending.payload;
      this.put({ ...pending, locationName: settings.name, target: settings.name, payload });
      return;
    }
    this.applyLocally({ id: randomUUID(), location, locationName: settings.name, kind: 'register', mode: 'modify', target: settings.name, payload: { kind: 'register', settings, previous } });
  }

  /** A location was removed: its pending registration or edit goes with it; pending task and schedule changes stay listed. */
  removed(location: string, settings: ConnectionSettings): void {
    for (const change of this.journal.list()) {
      if (change.location === location && change.kind === 'register' && !isApplied(change)) this.journal.delete(change.id);
    }
    this.applyLocally({ id: randomUUID(), location, locationName: settings.name, kind: 'remove', mode: 'delete', target: settings.name, payload: { kind: 'remove', settings } });
  }

  /** Link events settle registrations and edits: online applies them, a refusal or no answer leaves them pending with the reason. */
  linkEvent(location: string, event: LinkEvent): void {
    if (event.type === 'heard') return;
    const change = this.journal.list().find((entry) => entry.location === location && entry.kind === 'register' && !isApplied(entry));
    if (!change) return;
    const now = this.hooks.clock();
    if (event.type === 'online') {
      this.put(succeedChange(isPending(change) ? beginChange(change, now) : change, now));
      return;
    }
    const error = event.type === 'refused' ? { code: REFUSAL_CODES[event.reason], message: event.detail } : { code: 'UNREACHABLE' as const, message: event.detail };
    if (isApplying(change)) this.put(failChange(change, error, now));
    else if (change.lastError?.message !== error.message) this.put({ ...change, lastError: error });
  }

  private async apply(id: string): Promise<Change> {
    const change = this.require(id);
    if (change.payload.kind !== 'task' && change.payload.kind !== 'schedule') throw new FloeError('INTERNAL', `a ${change.kind} change is not sent as a command`);
    const payload = change.payload;
    this.put(beginChange(change, this.hooks.clock()));
    const name = COMMANDS[payload.kind][change.mode];
    const args = change.mode === 'delete' ? { name: payload.name } : payload.kind === 'task' ? payload.task : payload.schedule;
    try {
      await this.hooks.command(change.location, name, args);
      this.put(succeedChange(this.require(id), this.hooks.clock()));
    } catch (error) {
      const reason = isFloeError(error) ? { code: error.code, message: error.message } : { code: 'INTERNAL' as const, message: error instanceof Error ? error.message : String(error) };
      const current = this.journal.get(id);
      if (current && isApplying(current)) this.put(failChange(current, reason, this.hooks.clock()));
    }
    return this.require(id);
  }

  private applyLocally(input: NewChange): void {
    const now = this.hooks.clock();
    this.put(succeedChange(beginChange(createChange(input, now), now), now));
  }

  private identity(change: Change): Omit<NewChange, 'mode' | 'payload'> {
    return { id: change.id, location: change.location, locationName: change.locationName, kind: change.kind, target: change.target };
  }

  private require(id: string): Change {
    const change = this.journal.get(id);
    if (!change) throw new FloeError('NOT_FOUND', 'no such change; it may have been discarded or pruned from the history');
    return change;
  }

  private put(change: Change): void {
    this.journal.put(change);
    this.changed();
  }

  private changed(): void {
    if (this.listeners.size === 0) return;
    const view = this.view();
    for (const listener of this.listeners) listener(view);
  }
}
