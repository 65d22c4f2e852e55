/**
 * Asks many locations at once, a few at a time, within one deadline: every item gets an outcome
 * (its value, its error, or "no answer in time"), and the whole never takes longer than the deadline.
 */
export type FanOutOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

export interface FanOutOptions {
  /** Items asked at the same time (default 16). */
  readonly concurrency?: number;
  /** The whole fan-out ends after this long; items still waiting or unanswered report a timeout. */
  readonly deadlineMs: number;
}

export async function fanOut<I, T>(items: readonly I[], ask: (item: I, remainingMs: number) => Promise<T>, options: FanOutOptions): Promise<Array<FanOutOutcome<T>>> {
  const outcomes: Array<FanOutOutcome<T> | undefined> = new Array(items.length);
  const deadline = Date.now() + options.deadlineMs;
  const late = `no answer within ${(options.deadlineMs / 1000).toFixed(1)} s`;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const index = next++;
      if (index >= items.length) return;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        outcomes[index] = { ok: false, reason: late };
        continue;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<FanOutOutcome<T>>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, reason: late }), remaining);
      });
      const answer = ask(items[index] as I, remaining).then(
        (value): FanOutOutcome<T> => ({ ok: true, value }),
        (error: unknown): FanOutOutcome<T> => ({ ok: false, reason: error instanceof Error ? error.message : String(error) }),
      );
      outcomes[index] = await Promise.race([answer, timeout]);
      clearTimeout(timer);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 16, items.length)) }, worker));
  return outcomes.map((outcome) => outcome ?? { ok: false, reason: late });
}
