import type { Express } from 'express';
import type { Logger } from 'pino';
import { createApp } from './create-app';
import type { Config } from '../config/config-types';
import { createActivityService, type ActivityService } from '../accounts/activity-service';
import { createIntake, type Intake } from '../intake/create-intake';
import { createProjector, type Projector } from '../projection/create-projector';
import { createRetention } from '../storage/callback-log/create-retention';
import { createThreadedProjector } from '../projection/create-threaded-projector';
import { createMetrics, type Metrics } from '../metrics/create-metrics';
import { createSqliteStores } from '../storage/sqlite/create-sqlite-stores';
import type { Stores } from '../storage/stores';
import { createAdminService, type AdminService } from '../admin/admin-service';
import { createHttpClient, type HttpClient } from '../integrations/http-client/http-client';
import { createPushTarget } from '../integrations/target-registry';
import { createWorker } from '../delivery/create-delivery-worker';
import { crmClientFor } from '../integrations/retailcrm/crm-client-for';
import type { CrmClient } from '../integrations/retailcrm/crm-client';
import { createShipmentService } from '../shipments/shipment-service';
import { createShipmentWorker } from '../shipments/create-shipment-worker';
import { createSource } from '../integrations/create-source';
import { createScheduler } from '../sync/create-scheduler';
import type { SyncDeps } from '../sync/run-sync';
import { createAnswering } from '../answering/create-answering';

export interface Hub {
  app: Express;
  config: Config;
  storage: Stores;
  intake: Intake;
  projector: Projector;
  activity: ActivityService;
  admin: AdminService;
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

/** What every part of the hub is built from. */
interface HubBase {
  config: Config;
  log: Logger;
  storage: Stores;
  http: HttpClient;
  metrics: Metrics;
  crm: CrmClient;
}

/** Projection in its own thread (SQLite, asked for) or in process; `onDue` wakes the worker for new due items. */
function createHubProjector(
  deps: HubOptions,
  storage: Stores,
  threaded: boolean,
  gate: Int32Array,
  onDue: (names: string[]) => void,
): Projector {
  const { config, log } = deps;
  return threaded
    ? createThreadedProjector({
        path: config.storage.path,
        synchronous: config.storage.synchronous,
        targets: config.targets,
        log,
        logLevel: log.level,
        gate,
        onDue,
      })
    : createProjector({ stores: storage, targets: config.targets, log: log.child({ part: 'projector' }), onDue });
}

/** The pull sources' scheduler, with what each sync run needs. */
function createHubScheduler({ config, storage, crm, http, log }: HubBase) {
  const syncDeps: SyncDeps = {
    stores: storage,
    crm,
    log: log.child({ part: 'sync' }),
    site: config.crm.site,
    batchSize: config.crm.batchSize,
    batchRetries: config.sync.batchRetries,
    reportDir: config.sync.reportDir,
    owner: `hub-${process.pid}`,
  };
  return createScheduler({
    syncDeps,
    log,
    sources: config.sources.map((c) => ({ config: c, source: createSource(c, http) })),
  });
}

type AdminDeps = Parameters<typeof createAdminService>[0];

/** The operator service; its per-target figures also feed the metrics scrape. */
function createHubAdmin(
  { config, storage, metrics, log }: HubBase,
  live: Pick<AdminDeps, 'worker' | 'isActive' | 'syncNow' | 'readLive'>,
): AdminService {
  const admin = createAdminService({
    stores: storage,
    targets: config.targets,
    worker: live.worker,
    isActive: live.isActive,
    sources: config.sources,
    syncNow: live.syncNow,
    readLive: live.readLive,
    deliveredTotal: (name) => metrics.deliveredTotal(name),
    log: log.child({ part: 'admin' }),
  });
  metrics.setTargetSampler(async () =>
    (await admin.listTargets()).map((t) => ({
      target: t.name,
      backlog: t.backlog,
      oldestDueAgeSeconds: t.oldestDueAgeSeconds,
      dead: t.dead,
      paused: t.state === 'paused',
    })),
  );
  metrics.setLagSampler(() => admin.unprojectedCallbacks());
  return admin;
}

/** Both delivery loops (stock to the targets, shipment reports to the CRM) and the module activity that gates them. */
function createDelivery({ config, storage, crm, http, metrics, log }: HubBase) {
  const shipmentWorker = createShipmentWorker({
    store: storage.shipments,
    crm,
    log: log.child({ part: 'shipments' }),
    metrics,
    settings: config.worker,
    shipments: config.shipments,
  });
  const shipments = createShipmentService({
    shipments: storage.shipments,
    config,
    onCreated: () => shipmentWorker.wake(),
  });
  const activity = createActivityService({
    hubState: storage.hubState,
    log: log.child({ part: 'activity' }),
    onChange: (s) => worker.setActive(s.active && !s.freeze),
  });
  const targetLog = log.child({ part: 'targets' });
  const pushTargets = config.targets.map((t) => ({ config: t, target: createPushTarget(t, { http, log: targetLog }) }));
  const worker = createWorker({
    stores: storage,
    log: log.child({ part: 'worker' }),
    metrics,
    settings: config.worker,
    isActive: () => activity.isActive(),
    targets: pushTargets,
  });
  return { shipmentWorker, shipments, activity, worker };
}

/** Start: catch up the projector, then the background loops; stop: drain them, then close what is open. */
function hubLifecycle(
  deps: HubOptions,
  p: {
    projector: Projector;
    worker: { start(): Promise<void>; stop(): Promise<void>; wake(targets?: readonly string[]): void };
    shipmentWorker: { start(): void; stop(): Promise<void>; wake(): void };
    scheduler: { start(): void; stop(): Promise<void> };
    retention: { start(): void; stop(): Promise<void> };
    answering: { close(): void };
    http: HttpClient;
    storage: Stores;
  },
  drain: () => void,
): Pick<Hub, 'start' | 'stop'> {
  const { projector, worker, shipmentWorker, scheduler, retention, answering, http, storage } = p;
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
      scheduler.start();
      retention.start();
    },
    async stop() {
      drain();
      await Promise.all([worker.stop(), shipmentWorker.stop(), scheduler.stop(), retention.stop()]);
      await projector.stop();
      if (!deps.http) http.close();
      answering.close();
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
  const metrics = createMetrics();
  // One CRM client, one limiter: stock uploads and shipment reports share one API key's 10 requests/s.
  const crm = crmClientFor(config, http, log.child({ part: 'crm' }));
  const base: HubBase = { config, log, storage, http, metrics, crm };
  const { shipmentWorker, shipments, activity, worker } = createDelivery(base);
  const projector = createHubProjector(deps, storage, threaded, gate, (names) => worker.wake(names));
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
  const scheduler = createHubScheduler(base);
  const admin = createHubAdmin(base, {
    worker,
    isActive: () => activity.isActive(),
    syncNow: (name) => scheduler.runNow(name),
    readLive: (name, item) => worker.readLive(name, item),
  });
  const answering = createAnswering({
    ...base,
    stores: storage,
    intake,
    // Only an injected client (tests): otherwise lookups get their own 128-socket pool, not the shared 64 sockets.
    http: deps.http,
    log: log.child({ part: 'answers' }),
  });
  let draining = false;
  const app = createApp({
    ...answering,
    config,
    storage,
    intake,
    activity,
    metrics,
    log,
    admin,
    shipments,
    isDraining: () => draining,
  });

  return {
    app,
    config,
    storage,
    intake,
    projector,
    activity,
    admin,
    ...hubLifecycle(deps, { projector, worker, shipmentWorker, scheduler, retention, answering, http, storage }, () => {
      draining = true;
    }),
  };
}
