import type { SourceConfig, TargetConfig } from '../config/config-types';
import type { DesiredRow, ItemState, Storage, UnmappedOffer } from '../storage/storage';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** Does an unmapped-offer record (`id=1 externalId=A xmlId=B`) name this identifier? */
const names = (u: UnmappedOffer, identifier: string) => u.offerRef.split(' ').some((p) => p.endsWith(`=${identifier}`));

interface TargetFacts {
  target: TargetConfig;
  desired: DesiredRow[];
  state: ItemState | undefined;
  unmappedOffer: UnmappedOffer | undefined;
}

/**
 * "Why is this SKU wrong?" across everything, over the storage methods and the config alone, so that this one file
 * is what changes when storage keeps the CRM's figures once per offer and warehouse.
 *
 * Today the CRM's figures are known only through the targets that map their warehouse (desired rows keep the CRM
 * warehouse code and the callback's sequence number as version): the CRM view is the newest row per warehouse
 * across targets, and a warehouse seen there that a target does not map is reported as unmapped for that target.
 */
export function createItemLookup(deps: {
  storage: Storage;
  targets: readonly TargetConfig[];
  sources: readonly SourceConfig[];
}) {
  const { storage } = deps;

  async function factsFor(identifier: string): Promise<TargetFacts[]> {
    return Promise.all(
      deps.targets.map(async (target) => {
        const [desired, state, unmapped] = await Promise.all([
          storage.getDesired(target.name, identifier),
          storage.getItem(target.name, identifier),
          storage.listUnmapped(target.name, 1000),
        ]);
        return { target, desired, state, unmappedOffer: unmapped.find((u) => names(u, identifier)) };
      }),
    );
  }

  function crmFigures(facts: TargetFacts[]): Map<string, { quantity: number; version: number }> {
    const newest = new Map<string, { quantity: number; version: number }>();
    for (const row of facts.flatMap((f) => f.desired)) {
      const seen = newest.get(row.warehouse);
      if (!seen || row.version > seen.version)
        newest.set(row.warehouse, { quantity: row.quantity, version: row.version });
    }
    return newest;
  }

  function targetView(f: TargetFacts, crmWarehouses: string[]) {
    const { target, state } = f;
    return {
      name: target.name,
      offerKey: target.offerKey,
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
      unmappedWarehouses: crmWarehouses.filter((w) => !Object.prototype.hasOwnProperty.call(target.warehouses, w)),
      unmappedOffer: f.unmappedOffer ? { reason: f.unmappedOffer.reason, seenAt: iso(f.unmappedOffer.seenAt) } : null,
    };
  }

  async function sourceViews(identifier: string) {
    return Promise.all(
      deps.sources.map(async (s) => {
        const figures = (await storage.getSourceState(s.name)).get(identifier);
        const [run] = await storage.listSyncRuns(s.name, 1);
        return {
          name: s.name,
          type: s.type,
          figures: figures ? Object.fromEntries(figures) : null,
          lastRunAt: iso(run?.finishedAt ?? run?.startedAt ?? null),
        };
      }),
    );
  }

  return {
    async lookup(identifier: string) {
      const facts = await factsFor(identifier);
      const crm = crmFigures(facts);
      const crmWarehouses = [...crm.keys()];
      return {
        identifier,
        crm: crmWarehouses.map((warehouse) => ({ warehouse, ...crm.get(warehouse)! })),
        targets: facts.map((f) => targetView(f, crmWarehouses)),
        sources: await sourceViews(identifier),
      };
    },
    /** Why a target holds nothing for an item: the CRM's stock went to warehouses it does not map, or none came. */
    async whyNothing(target: TargetConfig, identifier: string): Promise<string> {
      const facts = await factsFor(identifier);
      const mine = facts.find((f) => f.target.name === target.name);
      if (mine?.unmappedOffer)
        return `the CRM offer for "${identifier}" reached target "${target.name}" without a usable identifier: ${mine.unmappedOffer.reason}`;
      const elsewhere = [...crmFigures(facts).keys()].filter(
        (w) => !Object.prototype.hasOwnProperty.call(target.warehouses, w),
      );
      if (elsewhere.length)
        return `stock for item "${identifier}" arrived only for CRM warehouse(s) ${elsewhere.join(', ')}, which target "${target.name}" does not map: add them to its warehouses to send them`;
      return `no stock has been received for item "${identifier}" on target "${target.name}" (none for a warehouse it maps)`;
    },
  };
}

export type ItemLookup = ReturnType<typeof createItemLookup>;
