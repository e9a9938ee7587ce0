import type { TargetConfig } from '../config/config-types';

/**
 * Hold no more claimed work than the rate sends in half a second (and half a lease): what can oversell and
 * arrives meanwhile is claimed next, instead of waiting behind a long queue at a slow shop. Counted in sends, each
 * of up to `maxBatch` items.
 */
export function claimLimitFor(config: TargetConfig, leaseMs: number, maxBatch: number): number {
  const perHalfSecond = Math.ceil(config.requestsPerSecond / 2);
  const perHalfLease = Math.floor((config.requestsPerSecond * leaseMs) / 2000);
  return Math.max(config.concurrency, Math.min(64, perHalfSecond, perHalfLease), 1) * maxBatch;
}

/** Split claimed items (most urgent first) into sends of at most `size` items, keeping their order. */
export function inBatches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * When each item was last written, for targets that refuse an item written again too soon (Ozon's per-pair
 * interval). An item claimed inside its interval is given back, due when the interval ends: it stays due, so what
 * arrives meanwhile coalesces and only the newest figure is sent then. In memory: after a restart the shop's
 * per-item answer (retried after the interval) covers the first write.
 */
export function createItemSpacing(intervalMs: number) {
  const last = new Map<string, number>();
  return {
    /** The time before which this item must not be written, or 0. */
    notBefore(item: string, now: number): number {
      const at = last.get(item);
      if (at === undefined) return 0;
      if (now - at >= intervalMs) {
        last.delete(item);
        return 0;
      }
      return at + intervalMs;
    },
    sent(item: string, at: number) {
      if (intervalMs > 0) last.set(item, at);
    },
  };
}
