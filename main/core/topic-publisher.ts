/**
 * Versioned, coalesced topics: main publishes a topic's value at most about 10 times a second,
 * and each push carries only the patch from the previous version (shared/topic-patch.ts). A new
 * subscriber gets the whole value first; `snapshot()` answers a receiver that saw a gap.
 */
import { diffJson, type VersionedPush } from '../../shared/topic-patch.js';
import { coalesce, type Coalescer } from './coalesce.js';
import type { Disposable } from './disposable.js';
import type { TurnQueue } from './turn-queue.js';

export interface PublishOptions {
  /** Pushes that fall due wait for their turn of the event loop here (main/core/turn-queue.ts). */
  readonly turns?: TurnQueue;
}

/** One value with a version: `publish` compares the value now with the last published one. */
export class VersionedValue<T> {
  private version = 0;
  private value: T | undefined;

  constructor(private readonly read: () => T) {}

  /** The push from the last published version to the value now, or undefined when nothing changed. */
  publish(): VersionedPush | undefined {
    const next = this.read();
    if (this.version === 0) {
      this.version = 1;
      this.value = next;
      return { version: 1, base: null, patch: { r: next } };
    }
    const patch = diffJson(this.value, next);
    if (!patch) return undefined;
    this.value = next;
    this.version += 1;
    return { version: this.version, base: this.version - 1, patch };
  }

  /** The last published value as a whole (publish first to include pending changes). */
  snapshot(): VersionedPush {
    if (this.version === 0) this.publish();
    return { version: this.version, base: null, patch: { r: this.value } };
  }

  get current(): { readonly version: number; readonly value: T } {
    if (this.version === 0) this.publish();
    return { version: this.version, value: this.value as T };
  }
}

/**
 * A topic with one value: changes are coalesced, then published once to every subscriber. A
 * change may be marked slow (`changedSlowly`, e.g. a running job's progress in the fleet summary):
 * it goes out with the next ordinary change, or at most once per `slowIntervalMs`.
 */
export class PublishedTopic<T> implements Disposable {
  private readonly value: VersionedValue<T>;
  private readonly listeners = new Set<(push: VersionedPush) => void>();
  private readonly pusher: Coalescer<true>;
  private readonly slowPusher: Coalescer<true>;

  constructor(read: () => T, intervalMs: number, options: PublishOptions & { readonly slowIntervalMs?: number } = {}) {
    this.value = new VersionedValue(read);
    this.pusher = coalesce(intervalMs, () => this.flush(), options.turns);
    this.slowPusher = coalesce(Math.max(intervalMs, options.slowIntervalMs ?? intervalMs), () => this.flush(), options.turns);
  }

  /** Something the value depends on changed: a push follows within the interval. */
  changed(): void {
    if (this.listeners.size > 0) this.pusher.push(true);
  }

  /** Something that may wait changed: a push follows with the next `changed`, at the latest within the slow interval. */
  changedSlowly(): void {
    if (this.listeners.size > 0) this.slowPusher.push(true);
  }

  /** Publishes pending changes now and returns the whole value (for a receiver that saw a gap). */
  snapshot(): VersionedPush {
    this.flush();
    return this.value.snapshot();
  }

  /** Subscribes: the listener gets the whole value at once, then patches. */
  subscribe(listener: (push: VersionedPush) => void): () => void {
    this.flush();
    this.listeners.add(listener);
    listener(this.value.snapshot());
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.pusher.dispose();
    this.slowPusher.dispose();
    this.listeners.clear();
  }

  private flush(): void {
    const push = this.value.publish();
    if (!push || push.base === null) return;
    for (const listener of this.listeners) listener(push);
  }
}

/** One keyed member of a collection topic: its id and its versioned push. */
export type MemberPush = VersionedPush & { readonly id: string };
export interface CollectionPush {
  locations: MemberPush[];
  removed: string[];
}

/**
 * A topic of many members with their own versions (one location's detail each): only members that
 * changed are published, together in one coalesced push. Subscribers get no initial burst: they
 * ask for a member (`current`) and follow its patches from that version.
 */
export class PublishedCollection<T> implements Disposable {
  private readonly members = new Map<string, VersionedValue<T>>();
  private readonly dirty = new Set<string>();
  private readonly removedIds = new Set<string>();
  private readonly listeners = new Set<(push: CollectionPush) => void>();
  private readonly pusher: Coalescer<true>;

  constructor(
    private readonly read: (id: string) => T,
    intervalMs: number,
    options: PublishOptions = {},
  ) {
    this.pusher = coalesce(intervalMs, () => this.flush(), options.turns);
  }

  changed(id: string): void {
    this.removedIds.delete(id);
    this.dirty.add(id);
    if (this.listeners.size > 0) this.pusher.push(true);
  }

  removed(id: string): void {
    this.members.delete(id);
    this.dirty.delete(id);
    this.removedIds.add(id);
    if (this.listeners.size > 0) this.pusher.push(true);
  }

  /**
   * A member's value and version now; a pending change of it is pushed first, so patches follow on.
   * A member read for the first time is not pushed: the reader gets it whole here (its answer goes
   * out before any later push on the same ordered link), and pushing it too sent every location's
   * detail twice while a renderer loaded the fleet. A subscriber that never read it sees a gap at
   * its next patch and reads it then.
   */
  current(id: string): { readonly version: number; readonly value: T } {
    if (!this.members.has(id)) {
      this.dirty.delete(id); // the first version is read now, with every change so far
      return this.member(id).current;
    }
    this.flush([id]);
    return this.member(id).current;
  }

  subscribe(listener: (push: CollectionPush) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.pusher.dispose();
    this.listeners.clear();
  }

  private member(id: string): VersionedValue<T> {
    let member = this.members.get(id);
    if (!member) {
      member = new VersionedValue(() => this.read(id));
      this.members.set(id, member);
    }
    return member;
  }

  private flush(only?: readonly string[]): void {
    const ids = only ?? [...this.dirty];
    const locations: MemberPush[] = [];
    for (const id of ids) {
      this.dirty.delete(id);
      const push = this.member(id).publish();
      // Not `{ ...push, id }`: adding a key after a spread is a slow path in V8 (a few µs per member).
      if (push) locations.push({ version: push.version, base: push.base, patch: push.patch, id });
    }
    const removed = only ? [] : [...this.removedIds];
    if (!only) this.removedIds.clear();
    if (locations.length === 0 && removed.length === 0) return;
    for (const listener of this.listeners) listener({ locations, removed });
  }
}
