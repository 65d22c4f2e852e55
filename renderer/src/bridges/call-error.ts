import type { CallOutcome } from '../../../shared/console-api';

/** A failed ConsoleApi call, with the code and message main sent. */
export class ConsoleCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConsoleCallError';
  }
}

export function unwrapOutcome(outcome: CallOutcome): unknown {
  if (outcome.ok) return outcome.data;
  throw new ConsoleCallError(outcome.error.code, outcome.error.message);
}
