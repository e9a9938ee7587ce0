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
import { openSqliteStorage, type Storage } from '../storage/open-storage';
import type { Stores } from '../storage/stores';
import { createAdminService, type AdminService } from '../admin/admin-service';
import { createHttpClient, type HttpClient } from '../integrations/http-client/http-client';
import { createDeliveryWorker } from '../delivery/create-delivery-worker';
import { crmClientFor } from '../integrations/retailcrm/crm-client-for';
import type { CrmClient } from '../integrations/retailcrm/crm-client';
import { createShipmentService } from '../shipments/shipment-service';
import { createShipmentWorker } from '../shipments/create-shipment-worker';
import { createPullSource, createPushTarget } from '../integrations/registry';
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

export interface HubOptions {
  config: Config;
  log: Logger;
  /**
   * What openStorage opened (main.ts and the demo pass it: the driver decides where projection runs and how other
   * instances wake this one). Without it, the config's SQLite file is opened in process (tests, small tools).
   */
  storage?: Storage;
  http?: HttpClient;
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

/** Projection where the storage says (its own thread on SQLite's service, else in process). */
function createHubProjector(
  { config, log }: HubOptions,
  storage: Storage,
  onDue: (names: string[]) => void,
): Projector {
  const host = storage.projector;
  return host.kind === 'thread'
    ? createThreadedProjector({ ...host, targets: config.targets, log, logLevel: log.level, onDue })
    : createProjector({
        stores: storage.stores,
        targets: config.targets,
        log: log.child({ part: 'projector' }),
        onDue,
      });
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
    sources: config.sources.map((c) => ({ config: c, source: createPullSource(c, http) })),
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
  const worker = createDeliveryWorker({
    stores: storage,
    log: log.child({ part: 'worker' }),
    metrics,
    settings: config.worker,
    isActive: () => activity.isActive(),
    targets: pushTargets,
  });
  return { shipmentWorker, shipments, activity, worker };
}

/** Wires the whole service from a validated config. Opens no sockets: main.ts, the CLI and tests decide that. */
export function createHub(deps: HubOptions): Hub {
  const { config, log } = deps;
  const opened = deps.storage ?? openSqliteStorage(config);
  const storage = opened.stores;
  const http = deps.http ?? createHttpClient();
  const metrics = createMetrics();
  // One CRM client, one limiter: stock uploads and shipment reports share one API key's 10 requests/s.
  const crm = crmClientFor(config, http, log.child({ part: 'crm' }));
  const base: HubBase = { config, log, storage, http, metrics, crm };
  const { shipmentWorker, shipments, activity, worker } = createDelivery(base);
  const projector = createHubProjector(deps, opened, (names) => worker.wake(names));
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
    // Only an injected client (tests): otherwise lookups get their own pool, not the shared one.
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
    // Catch up the projector with what is stored, then the background loops.
    async start() {
      await opened.attach({
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
    // Drain the loops within the bound, then close what is open.
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
