import type { TargetConfig } from '../config/config-types';
import type { OfferRef } from '../intake/read-inventories-callback';
import { targetFigures } from '../domain/target-figures';
import type { SourceStore, StockState } from '../storage/stores';

export type Figures = Record<string, number>;

/**
 * The answering service's only window on storage (one adapter, so a change of the storage contract touches just
 * this file): last figures per source, recording fresh ones, and what the hub last received from the CRM.
 */
export interface LastKnownStock {
  /** What the hub last knew from `source` (its last sync upload or lookup), for the given offer keys. */
  fromSource(source: string, keys: readonly string[]): Promise<Map<string, Figures>>;
  /** Record figures a lookup brought, as if uploaded: the CRM stores the reply, so the next sync skips them. */
  recordFromSource(source: string, rows: Array<{ offer: string; warehouse: string; quantity: number }>): Promise<void>;
  /** Without sources: the newest figures the CRM sent for the offer, read through the targets' mappings. */
  received(ref: OfferRef): Promise<Figures | undefined>;
}

export function createLastKnownStock(
  stores: { stock: Pick<StockState, 'offerFigures'>; sources: SourceStore },
  targets: readonly TargetConfig[],
): LastKnownStock {
  return {
    async fromSource(source, keys) {
      const found = await stores.sources.getFigures(source, keys);
      return new Map([...found].map(([offer, m]) => [offer, Object.fromEntries(m)]));
    },
    recordFromSource: (source, rows) => stores.sources.recordUploaded(source, rows, Date.now()),
    async received(ref) {
      const newest = new Map<string, { quantity: number; version: number }>();
      for (const t of targets) {
        const item = ref[t.offerKey];
        if (item === undefined) continue;
        for (const row of await targetFigures(stores.stock, t, String(item))) {
          const prev = newest.get(row.warehouse);
          if (!prev || prev.version < row.version) newest.set(row.warehouse, row);
        }
      }
      if (newest.size === 0) return undefined;
      return Object.fromEntries([...newest].map(([code, r]) => [code, r.quantity]));
    },
  };
}
