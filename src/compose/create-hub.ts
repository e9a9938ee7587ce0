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
import { openSqliteStorage, type Storage } from '../storage/open-storage';
import type { Stores } from '../storage/stores';
import type { AdminService } from '../admin/admin-service';
import { createHttpClient, type HttpClient } from '../integrations/http-client/http-client';
import { createDeliveryWorker } from '../delivery/create-delivery-worker';
import { createShipmentWorker } from '../shipments/create-shipment-worker';
import { createPushTarget } from '../integrations/registry';
import { createHubAccounts, type HubAccounts } from './create-hub-accounts';
import { createAccountRegistry, type AccountRegistry } from '../accounts/account-registry';
import { createCallbackCapture } from '../intake/callback-capture';
import { scopeStock } from '../accounts/scoped-stock';
import { DEFAULTS } from './defaults';
import type { ConnectAccount } from '../connect/connect-account';
import { createNotifier, type Notifier } from '../notify/create-notifier';

export interface Hub {
  app: Express;
  config: Config;
  /** The hub's accounts (file-declared; connected ones join at runtime). */
  accounts: AccountRegistry;
  /** Each account's runtime (its CRM client, services and scoped admin). */
  perAccount: HubAccounts;
  storage: Stores;
  intake: Intake;
  projector: Projector;
  /** The activity of the hub's first account (the 0.2 single-account view; `perAccount` has each one's). */
  activity: ActivityService;
  /** The first account's admin service over store keys (the 0.2 view). */
  admin: AdminService;
  /** Tells merchants in their CRM about problems of their shops and sources. */
  notifier: Notifier;
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
  /** The connect routine the merchant's doors run (tests may pass a recording one). */
  connectAccount?: ConnectAccount;
}

/** Projection where the storage says; a record's figures go to its own account's targets only. */
function createHubProjector(
  { config, log }: HubOptions,
  storage: Storage,
  registry: AccountRegistry,
  onDue: (names: string[]) => void,
): Projector {
  const host = storage.projector;
  const accounts = registry.list().map((a) => ({ account: a.name, targets: a.targets }));
  return host.kind === 'thread'
    ? createThreadedProjector({ ...host, targets: config.targets, accounts, log, logLevel: log.level, onDue })
    : createProjector({ stores: storage.stores, accounts, log: log.child({ part: 'projector' }), onDue });
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

/** Wires the whole service from a validated config. Opens no sockets: main.ts, the CLI and tests decide that. */
export function createHub(deps: HubOptions): Hub {
  const { config, log } = deps;
  const opened = deps.storage ?? openSqliteStorage(config);
  const storage = opened.stores;
  const http = deps.http ?? createHttpClient();
  // Questions fan out one request per offer and source: lookups get a larger pool of their own (one for the hub).
  const lookupHttp = deps.http ?? createHttpClient({ maxSockets: DEFAULTS.answering.maxSockets });
  const metrics = createMetrics();
  const targetLog = log.child({ part: 'targets' });
  const registry = createAccountRegistry(config.accounts.map((c) => ({ config: c, origin: 'file' as const })));
  // One delivery loop per (qualified) target, each held while its account's module is inactive: fairness across
  // accounts comes from the per-target loops (one account's backlog is its own targets' queue).
  const worker = createDeliveryWorker({
    stores: storage,
    log: log.child({ part: 'worker' }),
    metrics,
    settings: config.worker,
    isActive: (target) => accounts.of(registry.ownerOf(target)!).activity.isActive(),
    targets: registry.list().flatMap((a) =>
      a.targets.map((t) => ({
        config: t,
        target: createPushTarget(t, { http, log: targetLog }),
        stock: scopeStock(storage.stock, a.name),
      })),
    ),
  });
  const shipmentWorker = createShipmentWorker({
    store: storage.shipments,
    // Each report goes to the CRM of the account whose token sent it.
    crmOf: (account) => (accounts.byName(account) ?? accounts.all()[0]).crm,
    log: log.child({ part: 'shipments' }),
    metrics,
    settings: config.worker,
    shipments: config.shipments,
  });
  const projector = createHubProjector(deps, opened, registry, (names) => worker.wake(names));
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
  const notifier = createNotifier({
    accounts: () => accounts.all(),
    notices: storage.notices,
    settings: config.notifications,
    publicUrl: config.server.publicUrl,
    log: log.child({ part: 'notify' }),
  });
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
    connectAccount: deps.connectAccount,
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
    notifier,
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
      for (const a of accounts.all()) a.scheduler.start();
      retention.start();
      notifier.start();
    },
    // Drain the loops within the bound, then close what is open.
    async stop() {
      draining = true;
      await Promise.all([
        worker.stop(),
        shipmentWorker.stop(),
        ...accounts.all().map((a) => a.scheduler.stop()),
        retention.stop(),
        notifier.stop(),
      ]);
      await projector.stop();
      if (!deps.http) {
        http.close();
        lookupHttp.close();
      }
      for (const a of accounts.all()) a.close();
      await storage.close();
    },
  };
}
