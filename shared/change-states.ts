/**
 * The state words of a provisioning change, without schemas (provisioning.ts builds its schemas
 * from these lists): add → adding → added, modify → modifying → modified, delete → deleting → deleted.
 */
export const CHANGE_MODES = ['add', 'modify', 'delete'] as const;
export type ChangeMode = (typeof CHANGE_MODES)[number];

/** The three words of each mode: pending, being applied, applied. */
export const CHANGE_STATE_WORDS = {
  add: ['add', 'adding', 'added'],
  modify: ['modify', 'modifying', 'modified'],
  delete: ['delete', 'deleting', 'deleted'],
} as const satisfies Record<ChangeMode, readonly [string, string, string]>;
export const CHANGE_STATES = ['add', 'adding', 'added', 'modify', 'modifying', 'modified', 'delete', 'deleting', 'deleted'] as const;
export type ChangeState = (typeof CHANGE_STATES)[number];
export type ChangePhase = 'pending' | 'applying' | 'applied';

export function stateOf(mode: ChangeMode, phase: ChangePhase): ChangeState {
  const words = CHANGE_STATE_WORDS[mode];
  return words[phase === 'pending' ? 0 : phase === 'applying' ? 1 : 2];
}

export function phaseOf(state: ChangeState): ChangePhase {
  for (const words of Object.values(CHANGE_STATE_WORDS)) {
    const index = (words as readonly string[]).indexOf(state);
    if (index >= 0) return index === 0 ? 'pending' : index === 1 ? 'applying' : 'applied';
  }
  throw new Error(`unknown change state ${state}`);
}
