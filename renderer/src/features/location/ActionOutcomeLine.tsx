import type { ActionOutcome } from './action-outcome';

/** The last action's outcome as one line (errors are announced). */
export function ActionOutcomeLine({ outcome }: Readonly<{ outcome: ActionOutcome | null }>) {
  if (!outcome) return null;
  if (outcome.kind === 'done') {
    return (
      <p className="outcome tone-ok" role="status">
        {outcome.text}
      </p>
    );
  }
  return (
    <p className={`outcome ${outcome.kind === 'refused' ? 'refused' : 'tone-bad'}`} role="alert" data-code={outcome.code}>
      {outcome.text}
    </p>
  );
}
