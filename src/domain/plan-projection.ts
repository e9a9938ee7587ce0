import type { TargetConfig } from '../config/config-types';
import type { IntakeOffer } from './offer-types';
import { DuePriority, type OfferKey, type ProjectionPlan, type StockFigure } from '../storage/stores';
import { formatOfferLabel } from './offer-label';

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

/**
 * Which (offer key kind → CRM warehouses) the targets map. Figures are stored under every kind a target uses, for
 * every warehouse, mapped or not: a figure for a warehouse no target maps (a misspelt code in a map) is kept and shown
 * (item view, admin API), never dropped silently; only mapped warehouses make anything due.
 */
function keyedWarehouses(targets: readonly TargetConfig[]): Map<OfferKey, Set<string>> {
  const out = new Map<OfferKey, Set<string>>();
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
): Array<{ offerKey: OfferKey; offer: string }> {
  const seen = new Map<string, { offerKey: OfferKey; offer: string }>();
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
 * version and makes nothing due. The walk over the callbacks costs the same whatever the number of targets: the
 * targets' mappings are applied once per changed offer at the end of the batch.
 */
export function planFigures(
  records: readonly PlanRecord[],
  targets: readonly TargetConfig[],
  current: readonly StockFigure[],
): { figures: StockFigure[]; touched: Touched[]; unmapped: ProjectionPlan['unmapped'] } {
  const state = new Map<string, Map<string, StockFigure>>();
  for (const f of current) mapOf(state, offerKey(f.offerKey, f.offer)).set(f.warehouse, f);
  // Per (offer key, offer): the warehouses whose figure this batch changed, newest figure each.
  const changed = new Map<string, { kind: OfferKey; offer: string; figures: Map<string, StockFigure> }>();
  const unmapped = new Map<string, ProjectionPlan['unmapped'][number]>();
  const kinds = [...keyedWarehouses(targets)].map(([kind, warehouses]) => ({
    kind,
    warehouses,
    targets: targets.filter((t) => t.offerKey === kind).map((t) => ({ t, maps: new Set(Object.keys(t.warehouses)) })),
  }));
  for (const r of records)
    for (const o of r.offers ?? [])
      for (const { kind, targets: mine } of kinds) {
        const raw = o[kind];
        const offer = raw === undefined ? '' : String(raw);
        if (offer === '') {
          for (const { t, maps } of mine)
            if (o.stores.some((s) => maps.has(s.code)))
              unmapped.set(`${t.name}\u0000${formatOfferLabel(o)}`, {
                target: t.name,
                offerLabel: formatOfferLabel(o),
                reason: `offer has no ${t.offerKey} (the target's offerKey)`,
                seq: r.seq,
              });
          continue;
        }
        const key = offerKey(kind, offer);
        let now = state.get(key);
        for (const s of o.stores) {
          if (now?.get(s.code)?.quantity === s.available) continue;
          const f = { offerKey: kind, offer, warehouse: s.code, quantity: s.available, version: r.seq };
          (now ??= mapOf(state, key)).set(s.code, f);
          let c = changed.get(key);
          if (!c) changed.set(key, (c = { kind, offer, figures: new Map() }));
          c.figures.set(s.code, f);
        }
      }
  const touched: Touched[] = [];
  for (const { kind, offer, figures } of changed.values())
    for (const { t, maps } of kinds.find((k) => k.kind === kind)!.targets) {
      let m: Touched | null = null;
      for (const [code, f] of figures) {
        if (!maps.has(code)) continue;
        m ??= { target: t.name, item: offer, version: 0, changed: {} };
        m.version = Math.max(m.version, f.version);
        m.changed[code] = f.quantity;
      }
      if (m) touched.push(m);
    }
  const all = [...changed.values()].flatMap((c) => [...c.figures.values()]);
  return { figures: all, touched, unmapped: [...unmapped.values()] };
}

const offerKey = (k: OfferKey, offer: string) => `${k}\u0000${offer}`;

function mapOf<V>(m: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let v = m.get(key);
  if (!v) m.set(key, (v = new Map<string, V>()));
  return v;
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
