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

/** How long one read of a source's state serves other fallbacks (questions that miss a deadline miss it together). */
const SHARE_MS = 1000;

export function createLastKnownStock(storage: Storage, targets: readonly TargetConfig[]): LastKnownStock {
  const shared = new Map<string, { at: number; state: ReturnType<Storage['getSourceState']> }>();
  const stateOf = (source: string) => {
    const hit = shared.get(source);
    if (hit && Date.now() - hit.at < SHARE_MS) return hit.state;
    const state = storage.getSourceState(source);
    shared.set(source, { at: Date.now(), state });
    state.catch(() => shared.delete(source));
    return state;
  };
  return {
    async fromSource(source, keys) {
      const all = await stateOf(source);
      const out = new Map<string, Figures>();
      for (const key of keys) {
        const m = all.get(key);
        if (m) out.set(key, Object.fromEntries(m));
      }
      return out;
    },
    recordFromSource: (source, rows) => {
      shared.delete(source);
      return storage.recordUploaded(source, rows, Date.now());
    },
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
