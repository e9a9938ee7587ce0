import type { Logger } from 'pino';
import { AppError } from '../domain/app-error';
import type { SourceConfig, TargetConfig } from '../config/config-types';
import type { TargetCapabilities } from '../integrations/push-target';
import { targetTypeLabel } from '../integrations/registry';
import { targetFigures } from '../domain/target-figures';
import { shipmentView } from '../shipments/shipment-service';
import type {
  CallbackLog,
  Deliveries,
  HubState,
  ItemState,
  ShipmentStatus,
  ShipmentStore,
  SourceStore,
  StockState,
  SyncRun,
} from '../storage/stores';
import type { DeliveryWorker } from '../delivery/create-delivery-worker';
import { createItemLookup } from './item-lookup';
import type { LiveFigure } from '../integrations/push-target';
import { isoTime as iso } from '../domain/iso-time';
import { DEFAULTS } from '../compose/defaults';

export interface TargetView {
  name: string;
  type: string;
  url: string;
  state: 'active' | 'paused' | 'held';
  pausedReason: string | null;
  backlog: number;
  oldestDueAgeSeconds: number;
  dead: number;
  unmapped: number;
  lastError: string | null;
  lastErrorAt: string | null;
  /** Writes accepted since start-up; two readings give the delivery rate. */
  deliveredTotal: number;
  /** The type in words (e.g. "WooCommerce"). */
  typeLabel: string;
  /** How the shop knows an item, in plain words. */
  identifiedBy: string | null;
  /** Items per request at most. */
  maxBatch: number | null;
  /** CRM warehouse code → what this target calls it (or, for a summed stock, the codes added up). */
  warehouses: Record<string, string>;
  locations: 'per-warehouse' | 'summed' | null;
  limits: { requestsPerSecond: number; costPerSecond?: number; minItemIntervalMs?: number } | null;
}

/** A target's own identifiers and limits, as its type declares them. */
function describeTarget(t: TargetConfig, caps: TargetCapabilities | undefined) {
  return {
    typeLabel: targetTypeLabel(t.type),
    identifiedBy: caps ? `${caps.identifiedBy}; the CRM offer's ${t.offerKey}` : null,
    maxBatch: caps?.maxBatch ?? null,
    warehouses: { ...t.warehouses },
    locations: caps?.locations ?? null,
    limits: caps ? { ...caps.limits } : null,
  };
}

export function syncRunView(r: SyncRun) {
  return { ...r, startedAt: iso(r.startedAt), finishedAt: iso(r.finishedAt) };
}

export function itemView(i: ItemState) {
  return {
    item: i.item,
    version: i.version,
    deliveredVersion: i.deliveredVersion,
    due: i.dueAt !== null,
    dueAt: iso(i.dueAt),
    attempts: i.attempts,
    lastStatus: i.lastStatus,
    lastError: i.lastError,
    dead: i.dead,
    deadReason: i.deadReason,
    updatedAt: iso(i.updatedAt),
  };
}

/** What operators can see and do. Never returns a credential: targets are described by name, type and url. */
export function createAdminService(deps: {
  stores: {
    callbackLog: CallbackLog;
    stock: StockState;
    deliveries: Deliveries;
    hubState: HubState;
    shipments: ShipmentStore;
    sources: SourceStore;
  };
  targets: readonly TargetConfig[];
  worker: DeliveryWorker;
  isActive: () => Promise<boolean>;
  sources?: readonly SourceConfig[];
  /** Start a run of a source now (the scheduler's); absent where no scheduler runs. */
  syncNow?: (source: string) => void;
  /** The target adapter's live read of one item; undefined when the target type cannot read. */
  readLive?: (target: string, item: string) => Promise<LiveFigure> | undefined;
  /** Writes accepted by a target since start-up (metrics), for a delivery rate. */
  deliveredTotal?: (target: string) => Promise<number>;
  log?: Logger;
  now?: () => number;
  /** The account whose sync runs are listed when no source is named (default: every source's). */
  account?: string;
}) {
  const now = deps.now ?? Date.now;
  const sources = deps.sources ?? [];
  const lookup = createItemLookup({
    stores: deps.stores,
    targets: deps.targets,
    sources,
    shopIdOf: (target, item) => deps.worker.shopIdOf?.(target, item),
  });
  // Operator actions are expected events, logged at info (never at error, which pages someone).
  const operator = (fields: Record<string, unknown>, msg: string) => deps.log?.info({ ...fields, by: 'operator' }, msg);
  const knownSource = (name: string) => {
    const s = sources.find((x) => x.name === name);
    if (!s) throw new AppError(404, `no source named "${name}"; GET /admin/sources lists them`, { code: 'not-found' });
    return s;
  };
  const known = (name: string) => {
    const t = deps.targets.find((x) => x.name === name);
    if (!t) throw new AppError(404, `no target named "${name}"; GET /admin/targets lists them`, { code: 'not-found' });
    return t;
  };

  return {
    /** Accepted callbacks not yet projected: a backlog no target's count includes yet. */
    async unprojectedCallbacks(): Promise<number> {
      return Math.max(0, (await deps.stores.callbackLog.latestSeq()) - (await deps.stores.stock.cursor()));
    },
    async listTargets(): Promise<TargetView[]> {
      const active = await deps.isActive();
      return Promise.all(
        deps.targets.map(async (t) => {
          const [state, stats, deliveredTotal] = await Promise.all([
            deps.stores.hubState.getTarget(t.name),
            deps.stores.deliveries.stats(t.name),
            deps.deliveredTotal?.(t.name) ?? 0,
          ]);
          return {
            name: t.name,
            type: t.type,
            url: t.url,
            state: state.paused ? 'paused' : active ? 'active' : 'held',
            pausedReason: state.pausedReason,
            backlog: stats.backlog,
            oldestDueAgeSeconds:
              stats.oldestDueSince === null ? 0 : Math.max(0, Math.round((now() - stats.oldestDueSince) / 1000)),
            dead: stats.dead,
            unmapped: stats.unmapped,
            lastError: stats.lastError,
            lastErrorAt: iso(stats.lastErrorAt),
            deliveredTotal,
            ...describeTarget(t, deps.worker.describe?.(t.name)),
          } satisfies TargetView;
        }),
      );
    },
    async deadLetters(target: string, limit: number = DEFAULTS.admin.listLimit) {
      known(target);
      return (await deps.stores.deliveries.listDead(target, limit)).map(itemView);
    },
    async failures(target: string, limit: number = DEFAULTS.admin.listLimit) {
      known(target);
      return (await deps.stores.deliveries.listFailures(target, limit)).map(itemView);
    },
    async unmapped(target: string, limit: number = DEFAULTS.admin.listLimit) {
      known(target);
      return (await deps.stores.stock.listUnmapped(target, limit)).map(({ offerLabel, ...u }) => ({
        ...u,
        // The 0.2 API's name for the label, kept for its readers.
        offerRef: offerLabel,
        seenAt: iso(u.seenAt),
      }));
    },
    /** One offer identifier across the CRM's figures, every target and every source. */
    findItem: (identifier: string) => lookup.lookup(identifier),
    async shipments(status: ShipmentStatus, limit: number = DEFAULTS.admin.listLimit) {
      return (await deps.stores.shipments.list(status, limit)).map(shipmentView);
    },
    async syncRuns(source: string | null, limit: number = DEFAULTS.admin.listLimit) {
      return (await deps.stores.sources.listRuns(source, limit, source === null ? deps.account : undefined)).map(
        syncRunView,
      );
    },
    async sources() {
      return Promise.all(
        sources.map(async (s) => {
          const runs = await deps.stores.sources.listRuns(s.name, 5);
          const last = runs.find((r) => r.finishedAt !== null)?.finishedAt ?? null;
          return {
            name: s.name,
            type: s.type,
            everySeconds: s.everySeconds,
            // The scheduler starts the next run everySeconds after the previous one finished.
            nextRunAt: s.everySeconds > 0 && deps.syncNow ? iso((last ?? now()) + s.everySeconds * 1000) : null,
            runs: runs.map(syncRunView),
          };
        }),
      );
    },
    /** Ask the shop for its figure of one item now, through the target's adapter (one GET, nothing written). */
    async liveFigure(target: string, item: string) {
      known(target);
      const read = deps.readLive?.(target, item);
      if (!read) throw new AppError(409, `target "${target}" cannot be read`, { code: 'conflict' });
      return { target, item, at: iso(now()), ...(await read) };
    },
    syncNow(source: string) {
      knownSource(source);
      if (!deps.syncNow) throw new AppError(409, 'sources are not scheduled in this process', { code: 'conflict' });
      operator({ source }, 'operator started a sync');
      deps.syncNow(source);
      return { started: true };
    },
    /** "Why is this SKU wrong on that shop?": what we want it to be, what we last delivered, and what went wrong. */
    async explainItem(target: string, item: string) {
      const t = known(target);
      const [state, desired] = await Promise.all([
        deps.stores.deliveries.get(target, item),
        targetFigures(deps.stores.stock, t, item),
      ]);
      if (!state) throw new AppError(404, await lookup.whyNothing(known(target), item), { code: 'not-found' });
      return { ...itemView(state), desired };
    },
    async retryDead(target: string, item: string | null) {
      known(target);
      const retried = await deps.stores.deliveries.retryDead(target, item, now());
      if (item !== null && retried === 0)
        throw new AppError(404, `item "${item}" is not a dead letter of "${target}"`, { code: 'not-found' });
      deps.worker.wake([target]);
      operator({ target, item, retried }, 'operator retried dead letters');
      return { retried };
    },
    async pause(target: string, reason: string) {
      known(target);
      operator({ target, reason }, 'operator paused target');
      await deps.worker.pause(target, reason, 'operator');
    },
    async resume(target: string) {
      known(target);
      operator({ target }, 'operator resumed target');
      await deps.worker.resume(target);
    },
  };
}

export type AdminService = ReturnType<typeof createAdminService>;
