/**
 * Reconnect delays: exponential backoff with a cap and "equal jitter"
 * (the AWS Architecture Blog's "Exponential Backoff and Jitter", 2015):
 * attempt n waits a random time in [d/2, d] where d = min(cap, base · 2^n).
 * The cap bounds how late hearth comes back after a long outage; the jitter
 * spreads the reconnects of many clients (or of hearth and its satellites)
 * after a broker restart, so they do not arrive as one storm.
 */

/** Delays in ms: `minMs` for the first attempt, doubling up to `maxMs`. */
export interface BackoffPolicy {
  minMs: number;
  maxMs: number;
}

/**
 * The delay before reconnect attempt `attempt` (0 = the first one after a
 * disconnect), in ms: uniform in [d/2, d], d = min(maxMs, minMs · 2^attempt).
 * `random` is a [0, 1) source (Math.random by default; tests pass their own).
 */
export function reconnectDelayMs(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.minMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
