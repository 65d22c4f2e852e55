import type { JobState } from '../../../shared/engine';

const WORDS: Readonly<Record<JobState, string>> = {
  queued: 'queued',
  'waiting-media': 'waiting for media',
  running: 'running',
  successful: 'successful',
  warning: 'warning',
  error: 'error',
  cancelled: 'cancelled',
};
const GLYPHS: Readonly<Record<JobState, string>> = { queued: '◌', 'waiting-media': '⏏', running: '▶', successful: '✔', warning: '⚠', error: '✖', cancelled: '■' };

export function jobStateWord(state: JobState): string {
  return WORDS[state];
}

/** A job's state as a glyph and a word in its status colour. */
export function JobStateWord({ state }: Readonly<{ state: JobState }>) {
  return (
    <span className={`job-state job-${state}`} data-state={state}>
      <span aria-hidden="true">{GLYPHS[state]}</span> {WORDS[state]}
    </span>
  );
}
