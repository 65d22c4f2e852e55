/**
 * Commands carrying a `requestId` run once per agent: a retry (the console resends after a dropped
 * link) gets the first run's answer, or waits for it while it still runs. Bounded: the oldest ids
 * are forgotten first.
 */
import type { Ack } from '../../shared/protocol/catalog.js';

const MAX_REMEMBERED = 10_000;

export class CommandJournal {
  private readonly answers = new Map<string, Promise<Ack<unknown>>>();

  /** The answer of `key`, running `run` only the first time the key is seen. */
  once(key: string, run: () => Promise<Ack<unknown>>): Promise<Ack<unknown>> {
    const known = this.answers.get(key);
    if (known) return known;
    const answer = run();
    this.answers.set(key, answer);
    if (this.answers.size > MAX_REMEMBERED) {
      const oldest = this.answers.keys().next().value;
      if (oldest !== undefined) this.answers.delete(oldest);
    }
    return answer;
  }
}

const journals = new WeakMap<object, CommandJournal>();

/** One journal per agent (per socket.io server). */
export function journalFor(server: object): CommandJournal {
  let journal = journals.get(server);
  if (!journal) {
    journal = new CommandJournal();
    journals.set(server, journal);
  }
  return journal;
}
