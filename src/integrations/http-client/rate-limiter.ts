export interface RateLimiter {
  /** Resolves when the caller may start one request. */
  acquire(): Promise<void>;
  /**
   * Hold every caller until `untilMs` (epoch ms), e.g. after a 429 with Retry-After: also those already handed
   * a slot before the pause was set.
   */
  pauseUntil(untilMs: number): void;
  /** Epoch ms until which callers are held (0 or the past when not paused). */
  readonly pausedUntil: number;
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
  let pausedUntil = 0;
  return {
    perSecond,
    get pausedUntil() {
      return pausedUntil;
    },
    async acquire() {
      for (;;) {
        const now = clock.now();
        const slot = Math.max(now, next, pausedUntil);
        next = slot + interval;
        const wait = slot - now;
        if (wait >= 1 || now < pausedUntil)
          await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.ceil(wait))));
        // A slot handed out before a pause was set (another caller's 429 arrived while this one waited) is not
        // a licence to send inside the pause: check again, and take a fresh slot after it.
        if (clock.now() >= pausedUntil) return;
      }
    },
    pauseUntil(untilMs: number) {
      pausedUntil = Math.max(pausedUntil, untilMs);
      next = Math.max(next, untilMs);
    },
  };
}
