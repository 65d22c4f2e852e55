/** Exponential reconnect delays with jitter, so many consoles do not reconnect in lockstep. */
export interface BackoffOptions {
  readonly minMs: number;
  readonly maxMs: number;
  /** 0..1: the share of each delay that is randomised away. */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { minMs: 500, maxMs: 30_000, jitter: 0.5 };

export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.minMs * 2 ** Math.max(0, attempt));
  return Math.round(base * (1 - options.jitter * random()));
}
