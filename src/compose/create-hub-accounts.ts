import type { Logger } from 'pino';
import type { Config } from '../config/config-types';
import type { Stores } from '../storage/stores';
import type { HttpClient } from '../integrations/http-client/http-client';
import type { Metrics } from '../metrics/create-metrics';
import type { Intake } from '../intake/create-intake';
import type { DeliveryWorker as Worker } from '../delivery/create-delivery-worker';
import type { CrmClient } from '../integrations/retailcrm/crm-client';
import { crmClientFor } from '../integrations/retailcrm/crm-client-for';
import { createActivityService, type ActivityService } from '../accounts/activity-service';
import type { Account, AccountRegistry } from '../accounts/account-registry';
import { describeAccount, type AccountServices, type AccountView } from '../accounts/account-services';
import { scopeStock } from '../accounts/scoped-stock';
import { scopeAdmin } from '../accounts/scope-admin';
import { createAnswering } from '../answering/create-answering';
import { createShipmentService } from '../shipments/shipment-service';
import { createAdminService, type AdminService } from '../admin/admin-service';
import { createPullSource } from '../integrations/registry';
import { createScheduler } from '../sync/create-scheduler';

/** One account as the hub runs it: its own CRM client (own limiter, own backoff) and services over its rows. */
export interface AccountRuntime extends AccountServices {
  readonly crm: CrmClient;
  /** Its admin service over store keys (qualified names): the metrics read it. */
  readonly rawAdmin: AdminService;
  readonly scheduler: ReturnType<typeof createScheduler>;
  lastCallbackAt: number | null;
  /** Start its scheduled sources (once). */
  start(): void;
  /** Stop its scheduler (runs in progress finish) and close its answering pool. */
  close(): Promise<void>;
}

/** What every account's runtime is built from (shared by all: storage, HTTP pools, intake, the worker). */
export interface AccountDeps {
  config: Config;
  log: Logger;
  storage: Stores;
  http: HttpClient;
  /** The answering lookups' own pool (one for the hub, whatever the number of accounts). */
  lookupHttp: HttpClient;
  metrics: Metrics;
  intake: Intake;
  worker: Pick<Worker, 'setActive' | 'wake' | 'pause' | 'resume' | 'readLive'>;
  wakeShipments: () => void;
  deliveredTotal: (target: string) => Promise<number>;
  /** An activity callback's systemUrl, to follow in the background (never awaited: the answer stays fast). */
  followSystemUrl?: (
    account: Account,
    activity: ActivityService,
    systemUrl: string | undefined,
    active: boolean,
  ) => void;
}

/** The runtime of one account: everything it reads and writes is its own (see accounts/*). */
export function createAccountRuntime(d: AccountDeps, account: Account): AccountRuntime {
  const { config, storage, metrics } = d;
  const log = d.log.child({ account: account.name });
  // Each account its own client and limiter: its key's 10 requests/s, its own backoff; one CRM's 503s slow no other.
  const crm = crmClientFor(account.config, d.http, log.child({ part: 'crm' }));
  const stock = scopeStock(storage.stock, account.name);
  const targetNames = account.targets.map((t) => t.name);
  const moduleActivity = createActivityService({
    hubState: storage.hubState,
    account: account.name,
    log: log.child({ part: 'activity' }),
    onChange: (s) => d.worker.setActive(account.enabled && s.active && !s.freeze, targetNames),
  });
  // An account an operator deactivated is held whatever its CRM says.
  const activity: ActivityService = {
    ...moduleActivity,
    isActive: async () => account.enabled && (await moduleActivity.isActive()),
    async set(input) {
      const state = await moduleActivity.set(input);
      d.followSystemUrl?.(account, moduleActivity, input.systemUrl, account.enabled && input.active);
      return state;
    },
  };
  // The account's view of the config: its CRM, its targets and sources (store keys), the hub's tunables.
  const own: Config = { ...config, crm: account.config.crm, targets: account.targets, sources: account.sources };
  const answering = createAnswering({
    config: own,
    stores: { stock, sources: storage.sources },
    intake: d.intake,
    crm,
    http: d.lookupHttp,
    metrics,
    log: log.child({ part: 'answers' }),
    account: account.name,
  });
  const scheduler = createScheduler({
    syncDeps: {
      stores: storage,
      crm,
      log: log.child({ part: 'sync' }),
      site: account.config.crm.site,
      batchSize: account.config.crm.batchSize,
      batchRetries: config.sync.batchRetries,
      reportDir: config.sync.reportDir,
      owner: `hub-${process.pid}`,
    },
    log,
    sources: account.sources.map((c) => ({ config: c, source: createPullSource(c, d.http) })),
  });
  const shipments = createShipmentService({
    shipments: storage.shipments,
    config: own,
    onCreated: d.wakeShipments,
    account: account.name,
  });
  const anyAdmin = createAdminService({
    stores: { ...storage, stock },
    targets: account.targets,
    worker: d.worker as Worker,
    isActive: () => activity.isActive(),
    sources: account.sources,
    syncNow: (name) => scheduler.runNow(name),
    readLive: (name, item) => d.worker.readLive(name, item),
    deliveredTotal: d.deliveredTotal,
    log: log.child({ part: 'admin' }),
    account: account.name,
  });
  // Shipment lists are this account's only.
  const rawAdmin: AdminService = { ...anyAdmin, shipments: (status, limit) => shipments.list(status, limit) };
  let started = false;
  const runtime: AccountRuntime = {
    account,
    crm,
    activity,
    shipments,
    rawAdmin,
    admin: scopeAdmin(rawAdmin, account),
    scheduler,
    unmappedWarehouses: answering.unmappedWarehouses,
    lastCallbackAt: null,
    callbacks: {
      handle(cb, raw) {
        runtime.lastCallbackAt = Date.now();
        return answering.callbacks.handle(cb, raw);
      },
    },
    start() {
      if (started) return;
      started = true;
      scheduler.start();
    },
    async close() {
      await scheduler.stop();
      answering.close();
    },
  };
  return runtime;
}

/** Every account's runtime, by name; built at start for the file's accounts, and when one is connected. */
export interface HubAccounts {
  of(account: Account): AccountRuntime;
  byName(name: string): AccountRuntime | undefined;
  all(): AccountRuntime[];
  describe(account: Account): Promise<AccountView>;
  /**
   * Follow the registry after accounts changed: runtimes of removed or replaced accounts are closed, new ones built
   * (and started when `start` is set). Resolves when the closed ones have stopped.
   */
  sync(start: boolean): Promise<void>;
}

export function createHubAccounts(d: AccountDeps, registry: AccountRegistry): HubAccounts {
  const runtimes = new Map<string, AccountRuntime>();
  const closing: Array<Promise<void>> = [];
  const of = (account: Account): AccountRuntime => {
    const known = runtimes.get(account.name);
    if (known && known.account === account) return known;
    if (known) closing.push(known.close());
    const r = createAccountRuntime(d, account);
    runtimes.set(account.name, r);
    return r;
  };
  for (const a of registry.list()) of(a);
  return {
    of,
    byName: (name) => {
      const a = registry.get(name);
      return a ? of(a) : undefined;
    },
    all: () => registry.list().map(of),
    describe: (account) => {
      const r = of(account);
      const fileUrl = d.config.accounts.find((a) => a.name === account.name)?.crm.url;
      return describeAccount(r, r.lastCallbackAt, { fileUrl, allowedHosts: d.config.connect.allowedHosts });
    },
    async sync(start) {
      for (const [name, r] of runtimes)
        if (!registry.get(name)) {
          runtimes.delete(name);
          closing.push(r.close());
        }
      for (const a of registry.list()) {
        const r = of(a);
        if (start) r.start();
      }
      await Promise.all(closing.splice(0));
    },
  };
}
