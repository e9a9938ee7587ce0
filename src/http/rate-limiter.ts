export interface RateLimiter {
  /** Resolves when the caller may start one request. */
  acquire(): Promise<void>;
  /** Hold every caller until `untilMs` (epoch ms), e.g. after a 429 with Retry-After. */
  pauseUntil(untilMs: number): void;
  readonly perSecond: number;
}

/**
 * Even spacing, no bursts: request starts are at least 1000/perSecond ms apart, plus 2% and up to 3 ms. The
 * margin is for the peer's side: it counts arrivals, and a pause on either side can bunch two of them; at
 * 10/s the margin absorbs ~50 ms of such jitter within one second (measured: with 1% + 1 ms the fake CRM
 * sometimes counted 11 in a second during a 400-batch sync). The fixed part shrinks as the rate grows.
 * Spacing, unlike a token bucket, keeps every sliding one-second window at or under the limit.
 * Waits under a millisecond are not worth a timer.
 */
export function createRateLimiter(perSecond: number, clock: { now(): number } = Date): RateLimiter {
  if (!(perSecond > 0)) throw new Error('perSecond must be > 0');
  const interval = (1000 / perSecond) * 1.02 + Math.min(3, 30 / perSecond);
  let next = 0;
  return {
    perSecond,
    acquire() {
      const now = clock.now();
      const slot = Math.max(now, next);
      next = slot + interval;
      const wait = slot - now;
      return wait < 1 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
    },
    pauseUntil(untilMs: number) {
      next = Math.max(next, untilMs);
    },
  };
}
