/**
 * The provisioning state machine, pure: a change is created pending, begins (applying), and either
 * succeeds (applied) or fails back to pending with the reason. Nothing here does I/O, so every
 * transition and every merge of two changes to the same thing is unit-tested.
 */
import { FloeError } from '../../shared/errors.js';
import { phaseOf, stateOf, type Change, type ChangeKind, type ChangeMode, type ChangePayload } from '../../shared/provisioning.js';
import type { ErrorCode } from '../../shared/errors.js';

export interface NewChange {
  readonly id: string;
  readonly location: string;
  readonly locationName: string;
  readonly kind: ChangeKind;
  readonly mode: ChangeMode;
  readonly target: string;
  readonly payload: ChangePayload;
}

export function createChange(input: NewChange, now: Date): Change {
  const at = now.toISOString();
  return { ...input, state: stateOf(input.mode, 'pending'), createdAt: at, updatedAt: at, appliedAt: null, attempts: 0, lastError: null };
}

export const isPending = (change: Change): boolean => phaseOf(change.state) === 'pending';
export const isApplying = (change: Change): boolean => phaseOf(change.state) === 'applying';
export const isApplied = (change: Change): boolean => phaseOf(change.state) === 'applied';

/** pending → applying (one more attempt). Refuses a change that is being applied or already applied. */
export function beginChange(change: Change, now: Date): Change {
  if (isApplying(change)) throw new FloeError('BUSY', `this change is being applied (${change.state}); wait for its outcome`);
  if (isApplied(change)) throw new FloeError('CONFLICT', `this change was already applied (${change.state}) at ${change.appliedAt ?? change.updatedAt}`);
  return { ...change, state: stateOf(change.mode, 'applying'), updatedAt: now.toISOString(), attempts: change.attempts + 1 };
}

/** applying → applied. */
export function succeedChange(change: Change, now: Date): Change {
  if (!isApplying(change)) throw new FloeError('INTERNAL', `a change in state ${change.state} cannot succeed; it was not being applied`);
  const at = now.toISOString();
  return { ...change, state: stateOf(change.mode, 'applied'), updatedAt: at, appliedAt: at, lastError: null };
}

/** applying → pending, keeping the reason (the change stays visible until retried or discarded). */
export function failChange(change: Change, error: { code: ErrorCode; message: string }, now: Date): Change {
  if (!isApplying(change)) throw new FloeError('INTERNAL', `a change in state ${change.state} cannot fail; it was not being applied`);
  return { ...change, state: stateOf(change.mode, 'pending'), updatedAt: now.toISOString(), lastError: { code: error.code, message: error.message } };
}

/** A change found applying when the journal is loaded: the console stopped mid-way, so it is pending again. */
export function recoverChange(change: Change, now: Date): Change {
  if (!isApplying(change)) return change;
  return failChange(change, { code: 'UNREACHABLE', message: 'the console stopped before this change was confirmed; retry it or discard it' }, now);
}

/** Pending changes first (oldest first), then those being applied, then applied ones (newest first). */
export function orderChanges(changes: readonly Change[]): Change[] {
  const rank = (change: Change): number => (isPending(change) ? 0 : isApplying(change) ? 1 : 2);
  return [...changes].sort((a, b) => rank(a) - rank(b) || (rank(a) === 2 ? b.updatedAt.localeCompare(a.updatedAt) : a.createdAt.localeCompare(b.createdAt)));
}

/**
 * A new change to something that already has a pending change (same location, kind and target)
 * merges with it, so the agent sees one coherent step: add+modify is an add of the new definition,
 * add+delete cancels both (the agent never had it), delete+add is a modify, modify+delete a delete.
 */
export type Merge = { readonly outcome: 'replace'; readonly mode: ChangeMode } | { readonly outcome: 'cancel' };

export function mergeModes(pending: ChangeMode, incoming: ChangeMode): Merge {
  if (pending === 'add') return incoming === 'delete' ? { outcome: 'cancel' } : { outcome: 'replace', mode: 'add' };
  // The agent has it (a pending modify or delete never reached it): what follows is a modify or a delete.
  return { outcome: 'replace', mode: incoming === 'delete' ? 'delete' : 'modify' };
}

/** The pending change an incoming one merges with, if any (changes being applied are never merged into). */
export function pendingFor(changes: readonly Change[], location: string, kind: ChangeKind, target: string): Change | undefined {
  return changes.find((change) => change.location === location && change.kind === kind && change.target === target && isPending(change));
}

/** Keeps every pending or applying change and the newest `keepApplied` applied ones. */
export function pruneApplied(changes: readonly Change[], keepApplied: number): Change[] {
  const applied = changes.filter(isApplied).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  const kept = new Set(applied.slice(0, keepApplied).map((change) => change.id));
  return changes.filter((change) => !isApplied(change) || kept.has(change.id));
}
