/**
 * The tree's order while the pointer is over it: the rows stay where they were, so a location that changes rank
 * does not slide under the pointer between press and release (the click would land on another location, or on none).
 */

/**
 * The held order kept for the locations that are still there, with new ones after it in their health order.
 * Returns `held` itself when nothing was added or removed, so the tree's rows stay the same array.
 */
export function holdOrder(held: readonly string[], current: readonly string[]): readonly string[] {
  const members = new Set(current);
  const kept = held.filter((id) => members.has(id));
  if (kept.length === held.length && kept.length === current.length) return held;
  const known = new Set(kept);
  return [...kept, ...current.filter((id) => !known.has(id))];
}
