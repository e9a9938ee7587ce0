export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * Capped exponential backoff with jitter: attempt 1 waits about baseMs, each next one doubles, never more than
 * maxMs. The jitter keeps in [50%, 100%] of the step so that retries of many items spread out instead of
 * arriving together (no synchronized retry storm), while the wait still grows.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step * (0.5 + random() * 0.5));
}
