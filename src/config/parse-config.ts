import type { AccountConfig, Config, CrmConfig } from './config-types';
import { ConfigError, type ConfigProblem } from './config-error';
import { ConfigReader } from './config-reader';
import { substituteEnv, type Env } from './substitute-env';
import { readAccounts, readAllowedHosts } from './read-accounts';
import { readMarketplaceSecret, readNotifications } from './read-connect';
import { qualify } from '../accounts/account-names';
import {
  readIntake,
  readLeaseMs,
  readPort,
  readServer,
  readShipments,
  readStorage,
  readStorageDriver,
  readTimeZone,
  readWorker,
} from './config-sections';

/** Only seen when the config is refused anyway (no account could be read). */
const NO_CRM: CrmConfig = Object.freeze({
  url: '',
  apiKey: '',
  clientId: '',
  site: '',
  requestsPerSecond: 10,
  timeoutMs: 15_000,
  batchSize: 250,
  maxRetries: 5,
});

export type { AccountConfig };

/** Validate a parsed config object (after `${VAR}` substitution). Throws ConfigError listing every problem. */
export function parseConfig(input: unknown, env: Env = {}, baseDir = process.cwd()): Config {
  const problems: ConfigProblem[] = [];
  const missingAt = new Set<string>();
  const raw = substituteEnv(input, env, problems, '', missingAt);
  const r = new ConfigReader(problems, missingAt);
  const root = r.obj(raw, '(root)');
  const section = (key: string, required = false) => r.obj(r.take(root, key), key, required);

  const server = section('server');
  const port = readPort(r, server, env);
  const storage = section('storage');
  const auth = section('auth', true);
  const intake = section('intake');
  const worker = section('worker');
  const shipments = section('shipments');
  const log = section('log');
  const callbacks = section('callbacks');

  const accounts = readAccounts(r, root, auth, baseDir);
  // The 0.2 view: every account's targets and sources under their store keys (`default`'s are the bare names).
  const targets = accounts.flatMap((a) => a.targets.map((t) => Object.freeze({ ...t, name: qualify(a.name, t.name) })));
  const sources = accounts.flatMap((a) => a.sources.map((x) => Object.freeze({ ...x, name: qualify(a.name, x.name) })));
  const connect = section('connect');
  const sync = section('sync');
  const notifications = section('notifications');
  const timeZone = readTimeZone(r, shipments);
  const leaseMs = readLeaseMs(r, worker, targets);
  const storageDriver = readStorageDriver(r, storage);

  const config: Config = {
    server: readServer(r, server, port),
    storage: readStorage(r, storage, storageDriver),
    accounts: Object.freeze(accounts),
    connect: Object.freeze({ allowedHosts: readAllowedHosts(r, connect), ...readMarketplaceSecret(r, connect) }),
    crm: accounts[0]?.crm ?? NO_CRM,
    auth: Object.freeze({
      shipmentsToken: accounts[0]?.shipmentsToken ?? '',
      adminToken: r.str(auth, 'adminToken', 'auth', { secret: true }),
    }),
    intake: readIntake(r, intake),
    worker: readWorker(r, worker, leaseMs),
    shipments: readShipments(r, shipments, timeZone),
    callbacks: Object.freeze({
      answerDeadlineMs: r.num(callbacks, 'answerDeadlineMs', 'callbacks', 3000, 100, 60_000),
      answerMaxAgeMs: r.num(callbacks, 'answerMaxAgeMs', 'callbacks', 1000, 0, 600_000),
    }),
    log: Object.freeze({
      level: r.str(log, 'level', 'log', {
        def: 'info',
        oneOf: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      }),
    }),
    targets: Object.freeze(targets),
    sources: Object.freeze(sources),
    notifications: readNotifications(r, notifications),
    sync: Object.freeze({
      reportDir: r.str(sync, 'reportDir', 'sync', { def: 'data/reports' }),
      batchRetries: r.num(sync, 'batchRetries', 'sync', 3, 0, 20),
    }),
  };
  r.unknownKeys();
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(config);
}
