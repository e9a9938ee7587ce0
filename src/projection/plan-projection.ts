import type { TargetConfig } from '../config/config-types';
import type { IntakeOffer } from '../intake/offer-types';
import { DuePriority, type OfferKeyKind, type ProjectionPlan, type StockFigure } from '../storage/stores';
import { offerRef } from './project-offers';

export interface PlanRecord {
  seq: number;
  /** null when the stored record cannot be read (it is skipped, never retried forever). */
  offers: readonly IntakeOffer[] | null;
}

/** A (target, item) whose figures changed, with the new figures of its changed warehouses. */
export interface Touched {
  target: string;
  item: string;
  version: number;
  changed: Record<string, number>;
}

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const figureKey = (k: OfferKeyKind, offer: string, warehouse: string) => `${k}\u0000${offer}\u0000${warehouse}`;

/** Which (offer key kind → CRM warehouses) any target reads: only those figures are stored. */
function keyedWarehouses(targets: readonly TargetConfig[]): Map<OfferKeyKind, Set<string>> {
  const out = new Map<OfferKeyKind, Set<string>>();
  for (const t of targets) {
    const set = out.get(t.offerKey) ?? new Set<string>();
    for (const w of Object.keys(t.warehouses)) set.add(w);
    out.set(t.offerKey, set);
  }
  return out;
}

/** The offers a batch names, per offer key kind any target uses: what to read before planning. */
export function offerKeysOf(
  records: readonly PlanRecord[],
  targets: readonly TargetConfig[],
): Array<{ offerKey: OfferKeyKind; offer: string }> {
  const seen = new Map<string, { offerKey: OfferKeyKind; offer: string }>();
  for (const kind of keyedWarehouses(targets).keys())
    for (const r of records)
      for (const o of r.offers ?? []) {
        const v = o[kind];
        if (v !== undefined && v !== '') seen.set(`${kind}\u0000${String(v)}`, { offerKey: kind, offer: String(v) });
      }
  return [...seen.values()];
}

/**
 * Step 1 of the projection (pure): newest figure per (offer key, offer, warehouse), once whatever the number of
 * targets; the (target, item) pairs whose mapped figures changed; unmapped offers. An unchanged figure keeps its
 * version and makes nothing due.
 */
export function planFigures(
  records: readonly PlanRecord[],
  targets: readonly TargetConfig[],
  current: readonly StockFigure[],
): { figures: StockFigure[]; touched: Touched[]; unmapped: ProjectionPlan['unmapped'] } {
  const state = new Map(current.map((f) => [figureKey(f.offerKey, f.offer, f.warehouse), f]));
  const changed = new Map<string, StockFigure>();
  const touched = new Map<string, Touched>();
  const unmapped = new Map<string, ProjectionPlan['unmapped'][number]>();
  const kinds = keyedWarehouses(targets);
  for (const r of records) {
    for (const o of r.offers ?? []) {
      for (const [kind, warehouses] of kinds) {
        const raw = o[kind];
        const offer = raw === undefined ? '' : String(raw);
        const diff: Record<string, number> = {};
        let any = false;
        for (const s of o.stores) {
          if (!warehouses.has(s.code) || offer === '') continue;
          const k = figureKey(kind, offer, s.code);
          if (state.get(k)?.quantity === s.available) continue;
          const f = { offerKey: kind, offer, warehouse: s.code, quantity: s.available, version: r.seq };
          state.set(k, f);
          changed.set(k, f);
          diff[s.code] = s.available;
          any = true;
        }
        for (const t of targets) {
          if (t.offerKey !== kind) continue;
          const mapped = o.stores.filter((s) => has(t.warehouses, s.code));
          if (mapped.length === 0) continue;
          if (offer === '') {
            const reason = `offer has no ${t.offerKey} (the target's offerKey)`;
            unmapped.set(`${t.name}\u0000${offerRef(o)}`, {
              target: t.name,
              offerRef: offerRef(o),
              reason,
              seq: r.seq,
            });
            continue;
          }
          if (!any || !mapped.some((s) => has(diff, s.code))) continue;
          const key = `${t.name}\u0000${offer}`;
          const prev = touched.get(key);
          const mine = Object.fromEntries(mapped.filter((s) => has(diff, s.code)).map((s) => [s.code, s.available]));
          touched.set(key, { target: t.name, item: offer, version: r.seq, changed: { ...prev?.changed, ...mine } });
        }
      }
    }
  }
  return { figures: [...changed.values()], touched: [...touched.values()], unmapped: [...unmapped.values()] };
}

/**
 * Step 2 (pure): how urgent each due mark is, against what the shop was last sent. A lower figure can oversell
 * until it arrives (worst: going to 0); never delivered is unknown; anything else can wait its turn.
 */
export function duePriority(
  changed: Record<string, number>,
  delivered: Record<string, number> | undefined,
): DuePriority {
  if (!delivered) return DuePriority.unknown;
  let p: DuePriority = DuePriority.other;
  for (const [w, q] of Object.entries(changed)) {
    const before = delivered[w];
    if (before === undefined || q >= before) continue;
    if (q <= 0) return DuePriority.toZero;
    p = DuePriority.decrease;
  }
  return p;
}
