export interface RateLimiter {
  /** Resolves when the caller may start one request. */
  acquire(): Promise<void>;
  /** Hold every caller until `untilMs` (epoch ms), e.g. after a 429 with Retry-After. */
  pauseUntil(untilMs: number): void;
  readonly perSecond: number;
}

/**
 * Even spacing, no bursts: request starts are at least 1000/perSecond ms apart, plus 1% and up to 1 ms (Node
 * timers may fire a millisecond early and arrivals jitter; that matters when a window holds few requests, so
 * the fixed part shrinks as the rate grows). Spacing, unlike a token bucket, keeps every sliding one-second
 * window at or under the limit as the peer measures it. Waits under a millisecond are not worth a timer.
 */
export function createRateLimiter(perSecond: number, clock: { now(): number } = Date): RateLimiter {
  if (!(perSecond > 0)) throw new Error('perSecond must be > 0');
  const interval = (1000 / perSecond) * 1.01 + Math.min(1, 10 / perSecond);
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
