import type { Logger } from 'pino';
import type { Config } from '../config/config-types';
import { DEFAULTS } from '../compose/defaults';
import type { Stores } from './stores';
import { createInstanceCoordination, type HubWakers } from './postgres/create-instance-coordination';
import { createPgDb } from './postgres/create-pg-db';
import { createPostgresStores } from './postgres/create-postgres-stores';
import { migratePostgres, postgresSchemaVersion } from './postgres/migrate-postgres';
import { POSTGRES_MIGRATIONS } from './postgres/postgres-migrations';
import { redactUrl } from './postgres/redact-url';
import { createSqliteStores, migrateSqliteFile } from './sqlite/create-sqlite-stores';

export type { HubWakers };

/**
 * Where projection runs, decided with the driver: on SQLite the service projects on a worker thread with its own
 * connection (the second core), sharing a lock gate with this connection; elsewhere in process.
 */
export type ProjectorHost =
  { kind: 'thread'; path: string; synchronous: 'full' | 'normal'; gate: Int32Array } | { kind: 'in-process' };

/** What the hub is built on: the stores, where projection runs, and the other instances' wake-ups. */
export interface Storage {
  readonly stores: Stores;
  readonly projector: ProjectorHost;
  /** Called by the hub at start with what another instance's writes must wake here (nothing on SQLite). */
  attach(wakers: HubWakers): Promise<void>;
}

export interface OpenStorageOptions {
  /**
   * `service`: the hub (PostgreSQL: this instance's share of the work among several; SQLite: the projector on its
   * thread). `command`: a one-shot CLI (no ownership, a small pool, projection in process).
   */
  role: 'service' | 'command';
  /** How long a dead instance's work stays without an owner (PostgreSQL). */
  ownershipRetryMs?: number;
}

const offerKeys = (config: Config) => ({
  offerKeys: Object.fromEntries(config.targets.map((t) => [t.name, t.offerKey])),
});

/**
 * The one place that knows which driver runs: opens it (applying pending migrations, each in one transaction) and
 * says how the hub runs on it.
 */
export async function openStorage(config: Config, log: Logger, opts: OpenStorageOptions): Promise<Storage> {
  if (config.storage.driver === 'sqlite')
    return openSqliteStorage(config, { projectorThread: opts.role === 'service' });
  const logger = log.child({ part: 'postgres' });
  const url = config.storage.url;
  if (opts.role === 'command') {
    const stores = await createPostgresStores({ url, poolSize: Math.min(config.storage.poolSize, 4), logger });
    return inProcess(stores);
  }
  const pg = await createPostgresStores({ url, poolSize: config.storage.poolSize, logger });
  const retryMs = opts.ownershipRetryMs ?? DEFAULTS.postgres.ownershipRetryMs;
  const coordination = createInstanceCoordination(pg, { url, logger, retryMs });
  logger.info({ db: redactUrl(url), poolSize: config.storage.poolSize }, 'storage: postgres');
  return { stores: coordination.stores, projector: { kind: 'in-process' }, attach: (w) => coordination.attach(w) };
}

/**
 * SQLite opens synchronously, so tests and in-process hubs can have it without awaiting; `openStorage` uses it
 * for the sqlite driver.
 */
export function openSqliteStorage(config: Config, opts: { projectorThread?: boolean } = {}): Storage {
  if (config.storage.driver !== 'sqlite')
    throw new Error(`storage.driver is ${config.storage.driver}: open it with openStorage(config, log, opts)`);
  // Shared with the projector thread: raised while this connection wants the write lock (see SqliteOptions).
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const { path, synchronous } = config.storage;
  const stores = createSqliteStores({
    path,
    synchronous,
    lockRole: opts.projectorThread ? { role: 'priority', gate } : undefined,
    migration: offerKeys(config),
  });
  return {
    stores,
    projector: opts.projectorThread ? { kind: 'thread', path, synchronous, gate } : { kind: 'in-process' },
    attach: () => Promise.resolve(),
  };
}

/** Stores given as they are (tests, commands): projection in process, no wake-ups from elsewhere. */
export function inProcess(stores: Stores): Storage {
  return { stores, projector: { kind: 'in-process' }, attach: () => Promise.resolve() };
}

/** `npm run migrate`: pending migrations only, then close. `where` names the database without its password. */
export async function migrateStorage(
  config: Config,
  log: Logger,
): Promise<{ where: string; from: number; to: number }> {
  if (config.storage.driver === 'sqlite')
    return { where: config.storage.path, ...migrateSqliteFile({ ...config.storage, migration: offerKeys(config) }) };
  const db = createPgDb({ url: config.storage.url, poolSize: 2, logger: log });
  try {
    const from = await postgresSchemaVersion(db);
    await migratePostgres(db, POSTGRES_MIGRATIONS, log);
    return { where: redactUrl(config.storage.url), from, to: await postgresSchemaVersion(db) };
  } finally {
    await db.close();
  }
}
