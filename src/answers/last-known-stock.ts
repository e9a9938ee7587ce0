import type { TargetConfig } from '../config/config-types';
import type { OfferRef } from '../intake/read-inventories-callback';
import type { Storage } from '../storage/storage';

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
  /** Without sources: the newest figures the CRM sent for the offer, read through the targets' desired state. */
  received(ref: OfferRef): Promise<Figures | undefined>;
}

export function createLastKnownStock(storage: Storage, targets: readonly TargetConfig[]): LastKnownStock {
  return {
    async fromSource(source, keys) {
      const all = await storage.getSourceState(source);
      const out = new Map<string, Figures>();
      for (const key of keys) {
        const m = all.get(key);
        if (m) out.set(key, Object.fromEntries(m));
      }
      return out;
    },
    recordFromSource: (source, rows) => storage.recordUploaded(source, rows, Date.now()),
    async received(ref) {
      const newest = new Map<string, { quantity: number; version: number }>();
      for (const t of targets) {
        const item = ref[t.offerKey];
        if (item === undefined) continue;
        for (const row of await storage.getDesired(t.name, String(item))) {
          const prev = newest.get(row.warehouse);
          if (!prev || prev.version < row.version) newest.set(row.warehouse, row);
        }
      }
      if (newest.size === 0) return undefined;
      return Object.fromEntries([...newest].map(([code, r]) => [code, r.quantity]));
    },
  };
}
