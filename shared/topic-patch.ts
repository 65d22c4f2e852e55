/**
 * Versioned patches for the console's pushed topics: main sends only what changed since the last
 * version it published; the receiver applies the patch to its copy, or asks for a snapshot when the
 * patch does not follow the version it holds. One pure module for both ends (main diffs, the
 * renderer and main-side listeners apply).
 *
 * A patch is JSON-patch-lite, one node per changed place:
 * - `{ r: value }` replaces the value;
 * - `{ o: { key: patch }, d: [keys] }` changes keys of an object and deletes others;
 * - `{ k: { id: patch }, ids: [...] }` changes an array of objects keyed by their `id`: `ids` (the
 *   new order) is present only when membership or order changed; new elements come as `{ r }`;
 * - `{ a: { index: patch }, n }` changes an array by position; `n` is the new length when it changed.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type Patch =
  | { readonly r: unknown }
  | { readonly o: Readonly<Record<string, Patch>>; readonly d?: readonly string[] }
  | { readonly k: Readonly<Record<string, Patch>>; readonly ids?: readonly string[] }
  | { readonly a: Readonly<Record<string, Patch>>; readonly n?: number };

/**
 * One versioned push: `base` null carries the whole value (`patch` is `{ r: value }`), otherwise
 * the patch turns version `base` into `version`. Its schema is in topic-patch-schema.ts: this
 * module has no zod, so the renderer's first render does not load it.
 */
export interface VersionedPush {
  version: number;
  base: number | null;
  patch: Patch;
}

type Obj = Record<string, unknown>;

/** Sets an own property, also for a key such as `__proto__` (plain assignment would change the prototype). */
function setOwn(target: Obj, key: string, value: unknown): void {
  // Plain assignment is several times cheaper; on a plain object only `__proto__` is not a data property.
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Arrays up to this long have their ids read again at each diff: cheaper than a set and a WeakMap entry (a location's running jobs). */
const SHORT_ARRAY = 8;

/** The `id` of every element when all are objects with distinct string ids; otherwise null. */
function idsOf(items: readonly unknown[]): string[] | null {
  const ids: string[] = [];
  for (const item of items) {
    const id = isObject(item) ? item.id : undefined;
    if (typeof id !== 'string') return null;
    ids.push(id);
  }
  if (ids.length <= SHORT_ARRAY) {
    for (let index = 1; index < ids.length; index += 1) if (ids.indexOf(ids[index] as string) < index) return null;
    return ids;
  }
  return new Set(ids).size === ids.length ? ids : null;
}

/**
 * The patch from `before` to `after`, or undefined when they are equal. Unchanged sub-trees that
 * are the same object cost nothing, so immutable states with shared structure diff cheaply. Values
 * must not be changed in place once diffed (the ids of keyed arrays are remembered per array).
 */
export function diffJson(before: unknown, after: unknown): Patch | undefined {
  if (Object.is(before, after)) return undefined;
  if (Array.isArray(before) && Array.isArray(after)) return diffArray(before, after);
  if (isObject(before) && isObject(after)) {
    const o: Record<string, Patch> = {};
    let changed = false;
    // Keys of `after` that `before` holds too (defined): when that is every key of `before`, none was deleted.
    let kept = 0;
    for (const key of Object.keys(after)) {
      const next = after[key];
      if (next === undefined) continue;
      const previous = before[key];
      // The same value (a JSON value is never a function, so an equal one is `before`'s own): nothing
      // to compare further. Inline, as most keys of a changed object are unchanged primitives.
      if (previous === next && (next !== 0 || Object.is(previous, next))) {
        kept += 1;
        continue;
      }
      let inner: Patch | undefined;
      if (previous !== undefined && Object.hasOwn(before, key)) {
        kept += 1;
        inner = typeof next !== 'object' || next === null ? { r: next } : diffJson(previous, next);
      } else inner = { r: next };
      if (inner) {
        setOwn(o, key, inner);
        changed = true;
      }
    }
    let d: string[] | undefined;
    const beforeKeys = Object.keys(before);
    if (beforeKeys.length !== kept) for (const key of beforeKeys) if (before[key] !== undefined && (!Object.hasOwn(after, key) || after[key] === undefined)) (d ??= []).push(key);
    if (!changed && !d) return undefined;
    return d ? { o, d } : { o };
  }
  return { r: after };
}

/**
 * The ids of arrays diffed before (`idsOf`), kept while the array lives: the array diffed as
 * `after` is usually the next diff's `before`, so each keyed array is scanned for ids once.
 */
const knownIds = new WeakMap<readonly unknown[], string[] | null>();

function idsOfCached(items: readonly unknown[]): string[] | null {
  if (items.length <= SHORT_ARRAY) return idsOf(items);
  let ids = knownIds.get(items);
  if (ids === undefined) {
    ids = idsOf(items);
    knownIds.set(items, ids);
  }
  return ids;
}

/**
 * The keyed patch when `after` holds the same ids in the same order as `before` (ids known
 * distinct), else null: no map, no set, and unchanged elements (the same objects) cost one compare.
 */
function diffSameOrder(before: readonly unknown[], after: readonly unknown[], beforeIds: readonly string[]): { patch: Patch | undefined } | null {
  if (before.length !== after.length || before.length === 0) return null;
  for (let index = 0; index < after.length; index += 1) {
    const item = after[index];
    if (item !== before[index] && !(isObject(item) && item.id === beforeIds[index])) return null;
  }
  const k: Record<string, Patch> = {};
  let changed = false;
  for (let index = 0; index < after.length; index += 1) {
    const inner = diffJson(before[index], after[index]);
    if (inner) {
      setOwn(k, beforeIds[index] as string, inner);
      changed = true;
    }
  }
  if (after.length > SHORT_ARRAY) knownIds.set(after, beforeIds as string[]);
  return { patch: changed ? { k } : undefined };
}

function diffArray(before: readonly unknown[], after: readonly unknown[]): Patch | undefined {
  const beforeIds = before.length > 0 ? idsOfCached(before) : [];
  if (beforeIds) {
    const same = diffSameOrder(before, after, beforeIds);
    if (same) return same.patch;
  }
  const afterIds = after.length > 0 ? idsOfCached(after) : [];
  if (beforeIds && afterIds && (before.length > 0 || after.length > 0)) {
    const old = new Map(beforeIds.map((id, index) => [id, before[index]]));
    const k: Record<string, Patch> = {};
    let changed = false;
    after.forEach((item, index) => {
      const id = afterIds[index] as string;
      const inner = old.has(id) ? diffJson(old.get(id), item) : { r: item };
      if (inner) {
        setOwn(k, id, inner);
        changed = true;
      }
    });
    const sameOrder = beforeIds.length === afterIds.length && beforeIds.every((id, index) => id === afterIds[index]);
    if (!changed && sameOrder) return undefined;
    return sameOrder ? { k } : { k, ids: afterIds };
  }
  const a: Record<string, Patch> = {};
  let changed = false;
  after.forEach((item, index) => {
    const inner = index < before.length ? diffJson(before[index], item) : { r: item };
    if (inner) {
      a[String(index)] = inner;
      changed = true;
    }
  });
  if (!changed && before.length === after.length) return undefined;
  return before.length === after.length ? { a } : { a, n: after.length };
}

/** A patch that cannot apply to the value it was given (the receiver should ask for a snapshot). */
export class PatchMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatchMismatchError';
  }
}

/** Applies a patch without changing `value`: changed paths are new objects, the rest is shared. */
export function applyPatch<T>(value: T, patch: Patch): T {
  return applyNode(value, patch) as T;
}

function applyNode(value: unknown, patch: Patch): unknown {
  if ('r' in patch) return patch.r;
  if ('o' in patch) {
    if (!isObject(value)) throw new PatchMismatchError('an object patch met something that is not an object');
    const next: Obj = {};
    const deleted = new Set(patch.d ?? []);
    for (const key of Object.keys(value)) if (!deleted.has(key)) setOwn(next, key, value[key]);
    for (const [key, inner] of Object.entries(patch.o)) setOwn(next, key, applyNode(Object.hasOwn(value, key) ? value[key] : undefined, inner));
    return next;
  }
  if (!Array.isArray(value)) throw new PatchMismatchError('an array patch met something that is not an array');
  if ('k' in patch) {
    const currentIds = idsOf(value);
    if (!currentIds) throw new PatchMismatchError('a keyed array patch met an array without distinct ids');
    const byId = new Map(currentIds.map((id, index) => [id, value[index]]));
    const order = patch.ids ?? currentIds;
    return order.map((id) => {
      const inner = Object.hasOwn(patch.k, id) ? patch.k[id] : undefined;
      if (inner) return applyNode(byId.get(id), inner);
      if (!byId.has(id)) throw new PatchMismatchError(`a keyed array patch names ${id}, which is neither there nor sent`);
      return byId.get(id);
    });
  }
  const next = value.slice(0, patch.n ?? value.length);
  for (const [key, inner] of Object.entries(patch.a)) {
    const index = Number(key);
    if (index > next.length) throw new PatchMismatchError('a positional array patch skips an index');
    next[index] = applyNode(value[index], inner);
  }
  return next;
}

/** What a follower did with a push. */
export type FollowOutcome = 'applied' | 'stale' | 'gap';

/**
 * The receiving end of one versioned topic: holds the value and its version. A push with
 * `base` null replaces; one whose `base` is the version held applies; an older one is dropped
 * (`stale`); anything else is a `gap` and the caller fetches a snapshot.
 */
export class TopicFollower<T> {
  private current: { readonly version: number; readonly value: T } | null = null;

  get value(): T | undefined {
    return this.current?.value;
  }

  get version(): number | null {
    return this.current?.version ?? null;
  }

  follow(push: VersionedPush): FollowOutcome {
    const current = this.current;
    if (push.base === null) {
      if (current && push.version < current.version) return 'stale';
      this.current = { version: push.version, value: applyPatch<T>(undefined as T, push.patch) };
      return 'applied';
    }
    if (current && push.version <= current.version) return 'stale';
    if (!current || push.base !== current.version) return 'gap';
    try {
      this.current = { version: push.version, value: applyPatch(current.value, push.patch) };
    } catch (error) {
      if (error instanceof PatchMismatchError) return 'gap';
      throw error;
    }
    return 'applied';
  }

  reset(): void {
    this.current = null;
  }
}
