/** The one place the agent turns a schedule's cron expression into fire times (croner). */
import { Cron } from 'croner';
import { FloeError } from '../../shared/errors.js';

export interface FireTimes {
  /** The first fire time strictly after `after`, or null if the expression never fires again. */
  next(after: Date): Date | null;
  /** The last fire time at or before `atOrBefore`, or null if there is none. */
  previous(atOrBefore: Date): Date | null;
}

/**
 * Parses `expression` in `timezone`. Croner's DST rules apply: a fixed-time job (one hour, one
 * minute) whose time falls in a gap fires at the end of the gap, and fires once when the time
 * occurs twice; an interval job skips gap times and fires at both occurrences of a repeated time.
 * Throws a BAD_REQUEST FloeError naming the problem when croner refuses the expression or zone.
 */
export function fireTimes(expression: string, timezone: string): FireTimes {
  let cron: Cron;
  try {
    cron = new Cron(expression, { timezone, mode: '5-or-6-parts' });
    // Croner checks the zone lazily; ask once so a bad zone fails here.
    cron.nextRun(new Date(0));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new FloeError('BAD_REQUEST', `cron expression "${expression}" in time zone ${timezone} is not valid (${reason}); use 5 fields: minute hour day-of-month month day-of-week, e.g. "0 22 * * 1-5"`);
  }
  return {
    next(after) {
      return cron.nextRun(after);
    },
    previous(atOrBefore) {
      // previousRuns counts a run within the reference's second; keep only runs not after it.
      const limit = atOrBefore.getTime();
      return cron.previousRuns(2, new Date(limit + 1)).find((run) => run.getTime() <= limit) ?? null;
    },
  };
}
