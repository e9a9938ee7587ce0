import type { Logger } from 'pino';
import { notMine, type Deliveries } from '../deliveries/deliveries';
import type { ShipmentStore } from '../shipment-store/shipment-store';
import type { StockState } from '../stock-state/stock-state';
import type { Stores } from '../stores';
import type { PostgresStores } from './create-postgres-stores';
import type { PgListener } from './create-pg-db';
import { PG_CHANNELS } from './pg-channels';
import { DEFAULTS } from '../../compose/defaults';
import { createSessionLocks, type SessionLocks } from './session-locks';

/** What the hub lets the coordination wake (its projector, stock worker, shipment worker). */
export interface HubWakers {
  kickProjector(): void;
  wakeTargets(targets?: readonly string[]): void;
  wakeShipments(): void;
}

export interface InstanceCoordination {
  /** The stores with ownership applied: hand these to the hub's services instead of the plain ones. */
  readonly stores: Stores;
  /** Subscribe to the other instances' wake-ups and start the takeover check. */
  attach(wakers: HubWakers): Promise<void>;
  /** What this instance owns right now (tests, logs). */
  owned(): string[];
  close(): Promise<void>;
}

export const PROJECTOR_LOCK = 'projector';
/** Shipment reports go to the CRM, whose requests/second are counted per API key: one sender for all instances. */
export const CRM_LOCK = 'crm-shipments';
export const targetLock = (target: string) => `target:${target}`;

/**
 * Several hub instances on one PostgreSQL. Each kind of work with a limit that must hold across instances has ONE
 * owner at a time, as a session advisory lock (see session-locks.ts): the projector, each push target (so its
 * requests/second and concurrency, enforced by the owner's limiter, hold for all instances together), and the
 * CRM shipment sender. A dead instance's locks vanish with its connection; the others retry every `retryMs`, so
 * a takeover takes at most that long (plus the dead instance's item leases, which expire after worker.leaseMs).
 * Everything else (intake, admin, sync runs under their named lease) runs on every instance.
 */
export function createInstanceCoordination(
  pg: PostgresStores,
  opts: { url: string; logger: Logger; retryMs?: number; quietMs?: number },
): InstanceCoordination {
  const retryMs = opts.retryMs ?? DEFAULTS.postgres.ownershipRetryMs;
  const quietMs = opts.quietMs ?? DEFAULTS.postgres.ownershipQuietMs;
  const locks: SessionLocks = createSessionLocks({ url: opts.url, logger: opts.logger });
  const log = opts.logger;
  const listeners: PgListener[] = [];
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

  const hold = async (name: string) => {
    const was = locks.holds(name);
    const now = await locks.hold(name).catch((err: Error) => {
      log.warn({ err: err.message, lock: name }, 'could not reach PostgreSQL for a lock; acting as not owner');
      return false;
    });
    if (now && !was) log.info({ lock: name }, 'this instance took over');
    return now;
  };

  const stock: StockState = {
    ...pg.stock,
    async pending(limit) {
      if (await hold(PROJECTOR_LOCK)) return pg.stock.pending(limit);
      // Another instance projects. A short pause keeps a caller that loops until caught up from spinning.
      await sleep(Math.min(250, retryMs));
      return { cursor: await pg.stock.cursor(), records: [] };
    },
  };

  // A new owner of a target (or of the CRM sender) stays quiet for one rate window first: the previous owner's
  // last requests, which its limiter counted and ours did not, are still inside the peer's one-second window.
  const quietUntil = new Map<string, number>();
  const own = async (name: string) => {
    const was = locks.holds(name);
    if (!(await hold(name))) return false;
    if (!was) quietUntil.set(name, Date.now() + quietMs);
    return Date.now() >= (quietUntil.get(name) ?? 0);
  };

  const deliveries: Deliveries = {
    ...pg.deliveries,
    async claim(target, limit, now, leaseMs, owner) {
      return (await own(targetLock(target))) ? pg.deliveries.claim(target, limit, now, leaseMs, owner) : notMine();
    },
    async nextDueAt(target) {
      const next = await pg.deliveries.nextDueAt(target);
      // Not the owner: come back when ownership may have changed hands, not when the item is due.
      const name = targetLock(target);
      if (next === null) return null;
      if (locks.holds(name)) return Math.max(next, quietUntil.get(name) ?? 0);
      return Math.max(next, Date.now() + retryMs);
    },
  };

  const shipments: ShipmentStore = {
    ...pg.shipments,
    async claim(limit, now, leaseMs, owner) {
      return (await own(CRM_LOCK)) ? pg.shipments.claim(limit, now, leaseMs, owner) : notMine();
    },
    async nextAt() {
      const next = await pg.shipments.nextAt();
      if (next === null) return null;
      if (locks.holds(CRM_LOCK)) return Math.max(next, quietUntil.get(CRM_LOCK) ?? 0);
      return Math.max(next, Date.now() + retryMs);
    },
  };

  const stores: Stores = {
    driver: pg.driver,
    callbackLog: pg.callbackLog,
    stock,
    deliveries,
    shipments,
    sources: pg.sources,
    locks: pg.locks,
    hubState: pg.hubState,
    accounts: pg.accounts,
    ping: () => pg.ping(),
    async close() {
      await coordination.close();
      await pg.close();
    },
  };

  const coordination: InstanceCoordination = {
    stores,
    async attach(w) {
      listeners.push(
        await pg.subscribe(PG_CHANNELS.callbacks, () => {
          // Only the owner reacts at once; the others would only find the lock taken.
          if (locks.holds(PROJECTOR_LOCK)) w.kickProjector();
        }),
        await pg.subscribe(PG_CHANNELS.due, (target) => w.wakeTargets(target ? [target] : undefined)),
        await pg.subscribe(PG_CHANNELS.shipments, () => w.wakeShipments()),
      );
      // The takeover check: one cheap query per retryMs on an instance that owns nothing to project, and only
      // while a backlog is waiting does it kick (and so try the lock).
      const tick = async () => {
        if (closed) return;
        try {
          await locks.heartbeat();
          if (!locks.holds(PROJECTOR_LOCK)) {
            const rows = await pg.db.query<{ behind: boolean }>(
              'SELECT (SELECT cursor FROM projector WHERE id = 1) < ' +
                '(SELECT coalesce(max(seq), 0) FROM callbacks) AS behind',
            );
            if (rows[0]?.behind) w.kickProjector();
          }
        } catch (err) {
          log.warn({ err: (err as Error).message }, 'takeover check failed');
        }
        if (!closed) timer = setTimeout(() => void tick(), retryMs);
      };
      timer = setTimeout(() => void tick(), retryMs);
    },
    owned: () => locks.names(),
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      await Promise.all(listeners.map((l) => l.close()));
      await locks.close();
    },
  };
  return coordination;
}
