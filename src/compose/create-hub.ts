import type { Express } from 'express';
import type { Logger } from 'pino';
import { createApp } from './create-app';
import type { Config } from '../config/config-types';
import type { ActivityService } from '../accounts/activity-service';
import { createIntake, type Intake } from '../intake/create-intake';
import { createProjector, type Projector } from '../projection/create-projector';
import { createRetention } from '../storage/callback-log/create-retention';
import { createThreadedProjector } from '../projection/create-threaded-projector';
import { createMetrics, type Metrics } from '../metrics/create-metrics';
import { createSqliteStores } from '../storage/sqlite/create-sqlite-stores';
import type { Stores } from '../storage/stores';
import type { AdminService } from '../admin/admin-service';
import { createHttpClient, type HttpClient } from '../integrations/http-client/http-client';
import { createWorker } from '../delivery/create-delivery-worker';
import { crmClientFor } from '../integrations/retailcrm/crm-client-for';
import { createShipmentWorker } from '../shipments/create-shipment-worker';
import { createPushTarget } from '../integrations/registry';
import { scopeStock } from '../accounts/scoped-stock';
import { createHubAccounts, type HubAccounts } from './create-hub-accounts';
import { createAccountRegistry, type AccountRegistry } from '../accounts/account-registry';
import { createCallbackCapture } from '../intake/callback-capture';
import { DEFAULTS } from './defaults';

export interface Hub {
  app: Express;
  config: Config;
  /** The hub's accounts (file-declared; connected ones join at runtime) and each one's services. */
  accounts: AccountRegistry;
  storage: Stores;
  intake: Intake;
  projector: Projector;
  /** The activity of the hub's first account (the 0.2 single-account view; `accounts` has each one's). */
  activity: ActivityService;
  /** The first account's admin service (the 0.2 view). */
  admin: AdminService;
  perAccount: HubAccounts;
  /** Catch the projector up with what is already stored, then start background work. */
  start(): Promise<void>;
  /** Stop background work within the drain bound and close storage. */
  stop(): Promise<void>;
}

/** Open the configured driver's stores; pending migrations are applied first (each in one transaction). */
export function openStorage(config: Config, lockRole?: { role: 'priority' | 'yield'; gate: Int32Array }): Stores {
  return createSqliteStores({
    path: config.storage.path,
    synchronous: config.storage.synchronous,
    lockRole,
    migration: { offerKeys: Object.fromEntries(config.targets.map((t) => [t.name, t.offerKey])) },
  });
}

/**
 * Where projection runs, decided here and nowhere else: `thread` (its own SQLite connection on a worker thread,
 * so projection uses the second core; main.ts asks for it) or `in-process` (the default: same connection, as the
 * CLIs and most tests use it). A hub with injected stores always projects in process.
 */
export type ProjectorMode = 'thread' | 'in-process';

export interface HubOptions {
  config: Config;
  log: Logger;
  storage?: Stores;
  http?: HttpClient;
  projector?: ProjectorMode;
  /**
   * Several instances on one database (PostgreSQL): called at start with what the other instances' writes may
   * need to wake here (see storage/postgres/open-postgres-hub.ts).
   */
  attachWakers?: (w: {
    kickProjector(): void;
    wakeTargets(targets?: readonly string[]): void;
    wakeShipments(): void;
  }) => Promise<void>;
}

/** Projection in its own thread (SQLite, asked for) or in process; `onDue` wakes the worker for new due items. */
function createHubProjector(
  deps: HubOptions,
  storage: Stores,
  registry: AccountRegistry,
  threaded: boolean,
  gate: Int32Array,
  onDue: (names: string[]) => void,
): Projector {
  const { config, log } = deps;
  // A record's figures go to its own account's targets only.
  const accounts = registry.list().map((a) => ({ account: a.name, targets: a.targets }));
  return threaded
    ? createThreadedProjector({
        path: config.storage.path,
        synchronous: config.storage.synchronous,
        targets: config.targets,
        accounts,
        log,
        logLevel: log.level,
        gate,
        onDue,
      })
    : createProjector({ stores: storage, accounts, log: log.child({ part: 'projector' }), onDue });
}

/** Per-target figures of every account for the metrics scrape (target and a bounded account label). */
function sampleMetrics(metrics: Metrics, accounts: HubAccounts, storage: Stores) {
  metrics.setTargetSampler(async () => {
    const all = await Promise.all(
      accounts.all().map(async (r) => (await r.rawAdmin.listTargets()).map((t) => ({ t, account: r.account.name }))),
    );
    return all.flat().map(({ t, account }) => ({
      target: t.name,
      account,
      backlog: t.backlog,
      oldestDueAgeSeconds: t.oldestDueAgeSeconds,
      dead: t.dead,
      paused: t.state === 'paused',
    }));
  });
  metrics.setLagSampler(async () =>
    Math.max(0, (await storage.callbackLog.latestSeq()) - (await storage.stock.cursor())),
  );
}

/** Start: catch up the projector, then the background loops; stop: drain them, then close what is open. */
function hubLifecycle(
  deps: HubOptions,
  p: {
    projector: Projector;
    worker: { start(): Promise<void>; stop(): Promise<void>; wake(targets?: readonly string[]): void };
    shipmentWorker: { start(): void; stop(): Promise<void>; wake(): void };
    accounts: HubAccounts;
    retention: { start(): void; stop(): Promise<void> };
    lookupHttp: HttpClient;
    http: HttpClient;
    storage: Stores;
  },
  drain: () => void,
): Pick<Hub, 'start' | 'stop'> {
  const { projector, worker, shipmentWorker, accounts, retention, http, storage } = p;
  return {
    async start() {
      await deps.attachWakers?.({
        kickProjector: () => projector.kick(),
        wakeTargets: (targets) => worker.wake(targets),
        wakeShipments: () => shipmentWorker.wake(),
      });
      projector.kick();
      await projector.idle();
      await worker.start();
      shipmentWorker.start();
      for (const a of accounts.all()) a.scheduler.start();
      retention.start();
    },
    async stop() {
      drain();
      await Promise.all([
        worker.stop(),
        shipmentWorker.stop(),
        ...accounts.all().map((a) => a.scheduler.stop()),
        retention.stop(),
      ]);
      await projector.stop();
      if (!deps.http) {
        http.close();
        p.lookupHttp.close();
      }
      for (const a of accounts.all()) a.close();
      await storage.close();
    },
  };
}

/** Wires the whole service from a validated config. Opens no sockets: main.ts, the CLI and tests decide that. */
export function createHub(deps: HubOptions): Hub {
  const { config, log } = deps;
  const mode: ProjectorMode = deps.storage ? 'in-process' : (deps.projector ?? 'in-process');
  const threaded = mode === 'thread' && config.storage.driver === 'sqlite';
  // Shared with the projector thread: raised while this thread's connection wants the write lock (see SqliteOptions).
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const storage = deps.storage ?? openStorage(config, threaded ? { role: 'priority', gate } : undefined);
  const http = deps.http ?? createHttpClient();
  // Questions fan out one request per offer and source: lookups get a larger pool of their own (one for the hub).
  const lookupHttp = deps.http ?? createHttpClient({ maxSockets: DEFAULTS.answering.maxSockets });
  const metrics = createMetrics();
  const registry = createAccountRegistry(config.accounts.map((c) => ({ config: c, origin: 'file' as const })));
  // One delivery loop per (qualified) target, each held while its account's module is inactive: fairness across
  // accounts comes from the per-target loops (one account's backlog is its own targets' queue).
  const worker = createWorker({
    stores: storage,
    log: log.child({ part: 'worker' }),
    metrics,
    settings: config.worker,
    isActive: (target) => accounts.of(registry.ownerOf(target)!).activity.isActive(),
    targets: registry.list().flatMap((a) =>
      a.targets.map((t) => ({
        config: t,
        target: createPushTarget(t, http),
        stock: scopeStock(storage.stock, a.name),
      })),
    ),
  });
  const shipmentWorker = createShipmentWorker({
    store: storage.shipments,
    // Shipment reports go to the CRM of the account that sent them.
    crm: crmClientFor(config, http, log.child({ part: 'crm' })),
    log: log.child({ part: 'shipments' }),
    metrics,
    settings: config.worker,
    shipments: config.shipments,
  });
  const projector = createHubProjector(deps, storage, registry, threaded, gate, (names) => worker.wake(names));
  const retention = createRetention({
    callbackLog: storage.callbackLog,
    log: log.child({ part: 'retention' }),
    days: config.storage.retainCallbacksDays,
  });
  const intake = createIntake({
    callbackLog: storage.callbackLog,
    log: log.child({ part: 'intake' }),
    onCommitted: () => projector.kick(),
  });
  const accounts = createHubAccounts(
    {
      config,
      log,
      storage,
      http,
      lookupHttp,
      metrics,
      intake,
      worker,
      wakeShipments: () => shipmentWorker.wake(),
      deliveredTotal: (name) => metrics.deliveredTotal(name),
    },
    registry,
  );
  sampleMetrics(metrics, accounts, storage);
  const capture = createCallbackCapture({ clientId: '' });
  let draining = false;
  const app = createApp({
    config,
    storage,
    intake,
    metrics,
    log,
    accounts: registry,
    servicesOf: (a) => accounts.of(a),
    describe: (a) => accounts.describe(a),
    capture,
    isDraining: () => draining,
  });
  const first = accounts.all()[0];

  return {
    app,
    config,
    accounts: registry,
    perAccount: accounts,
    storage,
    intake,
    projector,
    activity: first.activity,
    admin: first.rawAdmin,
    ...hubLifecycle(deps, { projector, worker, shipmentWorker, accounts, retention, lookupHttp, http, storage }, () => {
      draining = true;
    }),
  };
}
