import type { Express } from 'express';
import type { Logger } from 'pino';
import { createApp } from './app';
import type { Config } from './config/config-types';
import { createActivityService, type ActivityService } from './intake/activity-service';
import { createIntake, type Intake } from './intake/create-intake';
import { createProjector, type Projector } from './projection/create-projector';
import { createRetention } from './intake/create-retention';
import { createThreadedProjector } from './projection/create-threaded-projector';
import { createMetrics } from './metrics/create-metrics';
import { createSqliteStores } from './storage/sqlite/create-sqlite-stores';
import type { Stores } from './storage/stores';
import { createAdminService, type AdminService } from './admin/admin-service';
import { createHttpClient, type HttpClient } from './http/http-client';
import { createMerchantProTarget } from './targets/merchantpro/merchantpro-target';
import { createWorker } from './worker/create-worker';
import { crmClientFor } from './crm/crm-client-for';
import { createShipmentService } from './shipments/shipment-service';
import { createShipmentWorker } from './worker/create-shipment-worker';
import { createSource } from './sources/create-source';
import { createScheduler } from './sources/create-scheduler';
import type { SyncDeps } from './sources/run-sync';
import { createAnswering } from './answers/create-answering';

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
  const pushTargets = config.targets.map((t) => ({ config: t, target: createMerchantProTarget(t, http) }));
  const worker = createWorker({
    stores: storage,
    log: log.child({ part: 'worker' }),
    metrics,
    settings: config.worker,
    isActive: () => activity.isActive(),
    targets: pushTargets,
  });
  const onDue = (names: string[]) => worker.wake(names);
  const projector = threaded
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
  const scheduler = createScheduler({
    syncDeps,
    log,
    sources: config.sources.map((c) => ({ config: c, source: createSource(c, http) })),
  });
  const admin = createAdminService({
    stores: storage,
    targets: config.targets,
    worker,
    isActive: () => activity.isActive(),
    sources: config.sources,
    syncNow: (name) => scheduler.runNow(name),
    readLive: (name, item) => pushTargets.find((t) => t.config.name === name)?.target.read?.(item),
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
  const answering = createAnswering({
    config,
    stores: storage,
    intake,
    crm,
    // Only an injected client (tests): otherwise lookups get their own 128-socket pool, not the shared 64 sockets.
    http: deps.http,
    metrics,
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
      draining = true;
      await Promise.all([worker.stop(), shipmentWorker.stop(), scheduler.stop(), retention.stop()]);
      await projector.stop();
      if (!deps.http) http.close();
      answering.close();
      await storage.close();
    },
  };
}
