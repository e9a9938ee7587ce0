/* eslint-disable @typescript-eslint/require-await -- better-sqlite3 is synchronous; the store contract is async */
import type { Stores } from '../stores';
import { createAccountStoreSqlite } from '../account-store/account-store-sqlite';
import { createCallbackLogSqlite } from '../callback-log/callback-log-sqlite';
import { createDeliveriesSqlite } from '../deliveries/deliveries-sqlite';
import { createHubStateSqlite } from '../hub-state/hub-state-sqlite';
import { createLocksSqlite } from '../locks/locks-sqlite';
import { createShipmentStoreSqlite } from '../shipment-store/shipment-store-sqlite';
import { createSourceStoreSqlite } from '../source-store/source-store-sqlite';
import { createStockStateSqlite } from '../stock-state/stock-state-sqlite';
import { openSqliteDb, type SqliteOptions } from './sqlite-db';
import { migrateSqlite, type MigrationContext } from './sqlite-migrations';

export type { SqliteOptions } from './sqlite-db';
export { callbackLogPath } from './sqlite-db';

/**
 * Every store over one SQLite connection (state file + attached callback log). Migrations run first, each in one
 * transaction; a file from a newer schema refuses to open (SchemaTooNewError). Calls are synchronous underneath
 * and wrapped in promises to honour the driver-neutral contract.
 */
export function createSqliteStores(opts: SqliteOptions & { migration?: MigrationContext }): Stores {
  const s = openSqliteDb(opts);
  try {
    migrateSqlite(s.db, opts.migration ?? { offerKeys: {} });
  } catch (e) {
    s.db.close();
    throw e;
  }
  return {
    driver: 'sqlite',
    callbackLog: createCallbackLogSqlite(s),
    stock: createStockStateSqlite(s),
    deliveries: createDeliveriesSqlite(s),
    shipments: createShipmentStoreSqlite(s),
    sources: createSourceStoreSqlite(s),
    locks: createLocksSqlite(s),
    hubState: createHubStateSqlite(s),
    accounts: createAccountStoreSqlite(s),
    async ping() {
      s.db.prepare('SELECT 1').get();
    },
    close: () => s.close(),
  };
}

/** Apply pending migrations to a SQLite file and close it (`npm run migrate`). */
export function migrateSqliteFile(opts: SqliteOptions & { migration: MigrationContext }): { from: number; to: number } {
  const s = openSqliteDb(opts);
  try {
    return migrateSqlite(s.db, opts.migration);
  } finally {
    s.db.close();
  }
}
