/** Exponential reconnect delays with jitter, so many consoles do not reconnect in lockstep. */
export interface BackoffOptions {
  readonly minMs: number;
  readonly maxMs: number;
  /** 0..1: the share of each delay that is randomised away. */
  readonly jitter: number;
}

/**
 * Capped at 5 s: a refused connect costs next to nothing, and with a 30 s cap a link could wait up
 * to 30 s after its agent came back, so a restarted fleet could not show Online within 10 s
 * (docs/benchmarks.md, reconnect storm). The jitter still keeps many links apart.
 */
export const DEFAULT_BACKOFF: BackoffOptions = { minMs: 500, maxMs: 5_000, jitter: 0.5 };

export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.minMs * 2 ** Math.max(0, attempt));
  return Math.round(base * (1 - options.jitter * random()));
}
