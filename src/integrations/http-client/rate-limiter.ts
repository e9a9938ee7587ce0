export interface RateLimiter {
  /** Resolves when the caller may start one request. */
  acquire(): Promise<void>;
  /**
   * Hold every caller until `untilMs` (epoch ms), e.g. after a 429 with Retry-After: also those already
   * waiting when the pause was set.
   */
  pauseUntil(untilMs: number): void;
  /** Epoch ms until which callers are held (0 or the past when not paused). */
  readonly pausedUntil: number;
  readonly perSecond: number;
}

/**
 * Even spacing, no bursts: callers wait in one queue and are let go one at a time, each at least
 * 1000/perSecond ms (plus 2% and up to 3 ms) after the previous release *as it actually happened*. Slots are
 * not handed out in advance: when the process stalls (a busy event loop, a GC pause), a late release pushes the
 * next one back instead of letting the queue catch up in a burst the peer would count as too many in a second.
 * The margin is for the peer's side: it counts arrivals, and network or peer pauses can still bunch two of them.
 * Spacing, unlike a token bucket, keeps every sliding one-second window at or under the limit.
 */
export function createRateLimiter(perSecond: number, clock: { now(): number } = Date): RateLimiter {
  if (!(perSecond > 0)) throw new Error('perSecond must be > 0');
  const interval = (1000 / perSecond) * 1.02 + Math.min(3, 30 / perSecond);
  const waiting: Array<() => void> = [];
  let last = -Infinity;
  let pausedUntil = 0;
  let timer: NodeJS.Timeout | null = null;

  function pump(): void {
    timer = null;
    while (waiting.length > 0) {
      const now = clock.now();
      const at = Math.max(last + interval, pausedUntil);
      // Waits under a millisecond are not worth a timer.
      if (at - now >= 1) {
        timer = setTimeout(pump, Math.ceil(at - now));
        return;
      }
      last = Math.max(now, at);
      waiting.shift()!();
    }
  }

  return {
    perSecond,
    get pausedUntil() {
      return pausedUntil;
    },
    acquire() {
      return new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (!timer) pump();
      });
    },
    pauseUntil(untilMs: number) {
      if (untilMs <= pausedUntil) return;
      pausedUntil = untilMs;
      if (timer) clearTimeout(timer);
      pump();
    },
  };
}
