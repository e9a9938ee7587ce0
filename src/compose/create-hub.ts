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
import { connectThroughAdmin, type ConnectAccount } from '../connect/connect-account';
import { createNotifier, type Notifier } from '../notify/create-notifier';
import type { SecretBox } from '../accounts/secret-box';
import type { AccountAdmin } from '../accounts/connect-account';
import { createHubConnections, type HubConnections } from './hub-connections';
import type { TargetConfig } from '../config/config-types';
import type { DeliveryTarget } from '../delivery/create-delivery-worker';

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
  /** Connecting accounts and changing connected ones (the routine behind POST /admin/accounts and the CLI). */
  connections: HubConnections;
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
  /** The connect routine the merchant's doors run (default: the hub's own, the one POST /admin/accounts runs). */
  connectAccount?: ConnectAccount;
  /** The key connected accounts' secrets are sealed with (from STOCKBRIDGE_SECRET_KEY); none: file accounts only. */
  secretBox?: SecretBox | null;
  /** The module description connected accounts register (default: module-config.json in the working folder). */
  moduleFile?: string;
  /** Variables module-config.json may name besides the public URL and the clientId. */
  env?: Readonly<Record<string, string | undefined>>;
  /** How often to look for accounts connected or changed elsewhere (default DEFAULTS.accounts.reloadMs). */
  accountsReloadMs?: number;
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
  // One target object per target config (kept while its config is the same object, so a reload that changes one
  // account restarts only that account's loops).
  const built = new WeakMap<TargetConfig, DeliveryTarget>();
  const deliveryTargets = () =>
    registry.list().flatMap((a) =>
      a.targets.map((t) => {
        let dt = built.get(t);
        if (!dt) {
          dt = {
            config: t,
            target: createPushTarget(t, { http, log: targetLog }),
            stock: scopeStock(storage.stock, a.name),
          };
          built.set(t, dt);
        }
        return dt;
      }),
    );
  // One delivery loop per (qualified) target, each held while its account's module is inactive: fairness across
  // accounts comes from the per-target loops (one account's backlog is its own targets' queue).
  const worker = createDeliveryWorker({
    stores: storage,
    log: log.child({ part: 'worker' }),
    metrics,
    settings: config.worker,
    isActive: async (target) => {
      const owner = registry.ownerOf(target);
      return owner ? accounts.of(owner).activity.isActive() : false;
    },
    targets: deliveryTargets(),
  });
  const shipmentWorker = createShipmentWorker({
    store: storage.shipments,
    // Each report goes to the CRM of the account whose token sent it.
    crmOf: (account) => accounts.byName(account)?.crm,
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
  // The connections (built last: they need the projector and the worker) follow a moved CRM for the accounts.
  const followers: { current?: HubConnections['followSystemUrl'] } = {};
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
      followSystemUrl: (...args) => followers.current?.(...args),
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
  // The app is built before the connections (which need the projector and the worker): it reaches them through this.
  const adminAccounts: { current?: AccountAdmin } = {};
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
    accountAdmin: () => adminAccounts.current!,
    crmOf: (name) => accounts.byName(name)?.crm,
    capture,
    isDraining: () => draining,
    connectAccount: deps.connectAccount ?? connectThroughAdmin(() => adminAccounts.current!, log),
  });
  let started = false;
  /** The runtime after the accounts changed: every account's targets delivered to, projected for, synced. */
  const apply = async () => {
    projector.setAccounts(registry.list().map((a) => ({ account: a.name, targets: a.targets })));
    await worker.setTargets(deliveryTargets());
    await accounts.sync(started);
  };
  const connections = createHubConnections({
    config,
    store: storage.accounts,
    hubState: storage.hubState,
    box: deps.secretBox ?? null,
    registry,
    http,
    log,
    apply,
    moduleFile: deps.moduleFile,
    env: deps.env,
    reloadMs: deps.accountsReloadMs,
  });
  adminAccounts.current = connections.admin;
  followers.current = connections.followSystemUrl;

  return {
    app,
    config,
    accounts: registry,
    perAccount: accounts,
    storage,
    intake,
    projector,
    get activity() {
      return accounts.all()[0].activity;
    },
    get admin() {
      return accounts.all()[0].rawAdmin;
    },
    notifier,
    connections,
    // Catch up the projector with what is stored, then the background loops.
    async start() {
      await opened.attach({
        kickProjector: () => projector.kick(),
        wakeTargets: (targets) => worker.wake(targets),
        wakeShipments: () => shipmentWorker.wake(),
      });
      // Connected accounts first: the projector must know their targets before it catches up with their callbacks.
      await connections.start();
      projector.kick();
      await projector.idle();
      await worker.start();
      shipmentWorker.start();
      started = true;
      await accounts.sync(true);
      connections.follow();
      retention.start();
      notifier.start();
    },
    // Drain the loops within the bound, then close what is open.
    async stop() {
      draining = true;
      await connections.stop();
      await Promise.all([
        worker.stop(),
        shipmentWorker.stop(),
        ...accounts.all().map((a) => a.close()),
        retention.stop(),
        notifier.stop(),
      ]);
      await projector.stop();
      if (!deps.http) {
        http.close();
        lookupHttp.close();
      }
      await storage.close();
    },
  };
}
