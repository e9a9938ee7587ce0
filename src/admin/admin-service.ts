import { AppError } from '../app-error';
import type { TargetConfig } from '../config/config-types';
import { desiredRows } from '../projection/desired-rows';
import type { CallbackLog, Deliveries, HubState, ItemState, StockState } from '../storage/stores';
import type { Worker } from '../worker/create-worker';

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
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

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
  stores: { callbackLog: CallbackLog; stock: StockState; deliveries: Deliveries; hubState: HubState };
  targets: readonly TargetConfig[];
  worker: Worker;
  isActive: () => Promise<boolean>;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const known = (name: string) => {
    const t = deps.targets.find((x) => x.name === name);
    if (!t) throw new AppError(404, `no target named "${name}"; GET /admin/targets lists them`, { code: 'not-found' });
    return t;
  };

  return {
    /** Accepted callbacks not yet turned into desired state: a backlog no target's count includes yet. */
    async unprojectedCallbacks(): Promise<number> {
      return Math.max(0, (await deps.stores.callbackLog.latestSeq()) - (await deps.stores.stock.cursor()));
    },
    async listTargets(): Promise<TargetView[]> {
      const active = await deps.isActive();
      return Promise.all(
        deps.targets.map(async (t) => {
          const [state, stats] = await Promise.all([
            deps.stores.hubState.getTarget(t.name),
            deps.stores.deliveries.stats(t.name),
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
          } satisfies TargetView;
        }),
      );
    },
    async deadLetters(target: string, limit = 100) {
      known(target);
      return (await deps.stores.deliveries.listDead(target, limit)).map(itemView);
    },
    async failures(target: string, limit = 100) {
      known(target);
      return (await deps.stores.deliveries.listFailures(target, limit)).map(itemView);
    },
    async unmapped(target: string, limit = 100) {
      known(target);
      return deps.stores.stock.listUnmapped(target, limit);
    },
    /** "Why is this SKU wrong on that shop?": what we want it to be, what we last delivered, and what went wrong. */
    async explainItem(target: string, item: string) {
      const t = known(target);
      const [state, desired] = await Promise.all([
        deps.stores.deliveries.get(target, item),
        desiredRows(deps.stores.stock, t, item),
      ]);
      if (!state)
        throw new AppError(404, `no stock has been received for item "${item}" on target "${target}"`, {
          code: 'not-found',
        });
      return { ...itemView(state), desired };
    },
    async retryDead(target: string, item: string | null) {
      known(target);
      const retried = await deps.stores.deliveries.retryDead(target, item, now());
      if (item !== null && retried === 0)
        throw new AppError(404, `item "${item}" is not a dead letter of "${target}"`, { code: 'not-found' });
      deps.worker.wake([target]);
      return { retried };
    },
    async pause(target: string, reason: string) {
      known(target);
      await deps.worker.pause(target, reason);
    },
    async resume(target: string) {
      known(target);
      await deps.worker.resume(target);
    },
  };
}

export type AdminService = ReturnType<typeof createAdminService>;
