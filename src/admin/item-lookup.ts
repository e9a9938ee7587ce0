import type { SourceConfig, TargetConfig } from '../config/config-types';
import { targetFigures } from '../domain/target-figures';
import type {
  CallbackLog,
  TargetFigure,
  Deliveries,
  ItemState,
  OfferKey,
  SourceStore,
  StockFigure,
  StockState,
  UnmappedOffer,
} from '../storage/stores';
import { isoTime as iso } from '../domain/iso-time';
import { labelNames } from '../domain/offer-label';

const KINDS: OfferKey[] = ['id', 'externalId', 'xmlId'];
const mapsWarehouse = (t: TargetConfig, w: string) => Object.prototype.hasOwnProperty.call(t.warehouses, w);

/** Does an unmapped-offer record (`id=1 externalId=A xmlId=B`) name this identifier? */
const names = (u: UnmappedOffer, identifier: string) => labelNames(u.offerLabel, identifier);

interface TargetFacts {
  target: TargetConfig;
  desired: TargetFigure[];
  state: ItemState | undefined;
  unmappedOffer: UnmappedOffer | undefined;
}

/** When each figure's callback arrived (absent once the log has pruned it). */
async function receivedAt(callbackLog: CallbackLog, figures: StockFigure[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const version of new Set(figures.map((f) => f.version))) {
    const [record] = await callbackLog.readAfter(version - 1, 1);
    if (record?.seq === version) out.set(version, record.receivedAt);
  }
  return out;
}

/** One target's view of the item: what it should hold, its delivery state, what it cannot map. */
function targetView(f: TargetFacts, crm: StockFigure[], shopId: string | undefined) {
  const { target, state } = f;
  const seen = [...new Set(crm.filter((c) => c.offerKey === target.offerKey).map((c) => c.warehouse))];
  return {
    name: target.name,
    type: target.type,
    offerKey: target.offerKey,
    /** The shop's own identifier for this item (a product/variation or inventory item id), once resolved. */
    shopId: shopId ?? null,
    desired: f.desired.map((d) => ({ ...d, shopWarehouse: target.warehouses[d.warehouse] ?? null })),
    version: state?.version ?? null,
    deliveredVersion: state?.deliveredVersion ?? null,
    upToDate: state ? state.deliveredVersion >= state.version : null,
    due: state ? state.dueAt !== null : false,
    lastAttemptAt: iso(state?.updatedAt ?? null),
    lastStatus: state?.lastStatus ?? null,
    lastError: state?.lastError ?? null,
    dead: state?.dead ?? false,
    deadReason: state?.deadReason ?? null,
    unmappedWarehouses: seen.filter((w) => !mapsWarehouse(target, w)),
    unmappedOffer: f.unmappedOffer ? { reason: f.unmappedOffer.reason, seenAt: iso(f.unmappedOffer.seenAt) } : null,
  };
}

/** One CRM figure as the lookup shows it, with when its callback arrived and which targets map its warehouse. */
const crmView = (c: StockFigure, arrived: Map<number, number>, targets: readonly TargetConfig[]) => {
  const mappedBy = targets.filter((t) => t.offerKey === c.offerKey && mapsWarehouse(t, c.warehouse)).map((t) => t.name);
  return {
    offerKey: c.offerKey,
    warehouse: c.warehouse,
    quantity: c.quantity,
    version: c.version,
    receivedAt: iso(arrived.get(c.version) ?? null),
    mappedBy,
    note: targets.some((t) => mapsWarehouse(t, c.warehouse))
      ? null
      : `warehouse ${c.warehouse} is mapped by no shop: this figure is stored, never sent; add "${c.warehouse}" ` +
        "to a target's warehouses (or fix a misspelt code there) to send it",
  };
};

/** "warehouse(s) x, y" with, for each mapped by no target at all, that it is mapped by no shop. */
function warehousesText(codes: string[], targets: readonly TargetConfig[]): string {
  const orphan = codes.filter((w) => !targets.some((t) => mapsWarehouse(t, w)));
  const rest = codes.filter((w) => !orphan.includes(w));
  const parts = [
    ...rest,
    ...orphan.map((w) => `${w} (mapped by no shop: check the codes in every target's warehouses)`),
  ];
  return parts.join(', ');
}

/** The sentence for a target that holds nothing for an item (see ItemLookup.whyNothing). */
function whyNothingText(
  target: TargetConfig,
  identifier: string,
  unmapped: UnmappedOffer[],
  crm: StockFigure[],
  targets: readonly TargetConfig[],
): string {
  const offer = unmapped.find((u) => names(u, identifier));
  if (offer)
    return (
      `the CRM offer for "${identifier}" reached target "${target.name}" ` +
      `without a usable identifier: ${offer.reason}`
    );
  const elsewhere = [...new Set(crm.map((c) => c.warehouse))].filter((w) => !mapsWarehouse(target, w));
  if (elsewhere.length)
    return (
      `stock for item "${identifier}" arrived only for CRM warehouse(s) ${warehousesText(elsewhere, targets)}, ` +
      `which target "${target.name}" does not map: add them to its warehouses to send them`
    );
  return (
    `no stock has been received for item "${identifier}" on target "${target.name}" ` + '(none for a warehouse it maps)'
  );
}

/**
 * "Why is this SKU wrong?" across everything: the CRM's figures (stored once per offer and warehouse, under each
 * identifier kind a target uses), each target's view of them after its mapping, and each source's last figures.
 */
export function createItemLookup(deps: {
  stores: { callbackLog: CallbackLog; stock: StockState; deliveries: Deliveries; sources: SourceStore };
  targets: readonly TargetConfig[];
  sources: readonly SourceConfig[];
  shopIdOf?: (target: string, item: string) => string | undefined;
}) {
  const { stock, deliveries, callbackLog } = deps.stores;

  async function factsFor(identifier: string): Promise<TargetFacts[]> {
    return Promise.all(
      deps.targets.map(async (target) => {
        const [desired, state, unmapped] = await Promise.all([
          targetFigures(stock, target, identifier),
          deliveries.get(target.name, identifier),
          stock.listUnmapped(target.name, 1000),
        ]);
        return { target, desired, state, unmappedOffer: unmapped.find((u) => names(u, identifier)) };
      }),
    );
  }

  async function sourceViews(identifier: string) {
    return Promise.all(
      deps.sources.map(async (s) => {
        const figures = (await deps.stores.sources.getFigures(s.name, [identifier])).get(identifier);
        const [run] = await deps.stores.sources.listRuns(s.name, 1);
        return {
          name: s.name,
          type: s.type,
          figures: figures ? Object.fromEntries(figures) : null,
          lastRunAt: iso(run?.finishedAt ?? run?.startedAt ?? null),
        };
      }),
    );
  }

  const crmFigures = (identifier: string) => stock.figures(KINDS.map((offerKey) => ({ offerKey, offer: identifier })));

  return {
    async lookup(identifier: string) {
      const [facts, crm] = await Promise.all([factsFor(identifier), crmFigures(identifier)]);
      const arrived = await receivedAt(callbackLog, crm);
      return {
        identifier,
        crm: crm.map((c) => crmView(c, arrived, deps.targets)),
        targets: facts.map((f) => targetView(f, crm, deps.shopIdOf?.(f.target.name, identifier))),
        sources: await sourceViews(identifier),
      };
    },
    /** Why a target holds nothing for an item: the CRM's stock went to warehouses it does not map, or none came. */
    async whyNothing(target: TargetConfig, identifier: string): Promise<string> {
      const [unmapped, crm] = await Promise.all([
        stock.listUnmapped(target.name, 1000),
        stock.offerFigures(target.offerKey, identifier),
      ]);
      return whyNothingText(target, identifier, unmapped, crm, deps.targets);
    },
  };
}

export type ItemLookup = ReturnType<typeof createItemLookup>;
