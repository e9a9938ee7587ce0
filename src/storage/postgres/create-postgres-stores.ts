import type { Logger } from 'pino';
import type { Stores } from '../stores';
import { createPgDb, type PgDb, type PgListener } from './create-pg-db';
import { migratePostgres } from './migrate-postgres';
import { createAccountStorePostgres } from '../account-store/account-store-postgres';
import { createCallbackLogPostgres } from '../callback-log/callback-log-postgres';
import { PG_CHANNELS, type PgChannel } from './pg-channels';
import { createDeliveriesPostgres } from '../deliveries/deliveries-postgres';
import { createHubStatePostgres } from '../hub-state/hub-state-postgres';
import { createLocksPostgres } from '../locks/locks-postgres';
import { POSTGRES_MIGRATIONS } from './postgres-migrations';
import { createShipmentStorePostgres } from '../shipment-store/shipment-store-postgres';
import { createSourceStorePostgres } from '../source-store/source-store-postgres';
import { createStockStatePostgres } from '../stock-state/stock-state-postgres';

export interface PostgresStoresOptions {
  url: string;
  poolSize: number;
  logger: Logger;
  /** Apply pending migrations at open (default); `false` for tools that must not change the schema. */
  migrate?: boolean;
}

/** The stores over PostgreSQL, plus what several instances need: wake-ups from the others' writes. */
export interface PostgresStores extends Stores {
  readonly db: PgDb;
  /**
   * Call `onWake(payload)` when another instance (or this one) commits work on `channel`; also called with ''
   * after a lost listener connection comes back, since notifications may have been missed meanwhile.
   */
  subscribe(channel: PgChannel, onWake: (payload: string) => void): Promise<PgListener>;
}

export { PG_CHANNELS };

export async function createPostgresStores(opts: PostgresStoresOptions): Promise<PostgresStores> {
  const db = createPgDb({ url: opts.url, poolSize: opts.poolSize, logger: opts.logger });
  try {
    if (opts.migrate !== false) await migratePostgres(db, POSTGRES_MIGRATIONS, opts.logger);
  } catch (err) {
    await db.close();
    throw err;
  }
  const listeners = new Set<PgListener>();
  return {
    driver: 'postgres',
    db,
    callbackLog: createCallbackLogPostgres(db),
    stock: createStockStatePostgres(db),
    deliveries: createDeliveriesPostgres(db),
    shipments: createShipmentStorePostgres(db),
    sources: createSourceStorePostgres(db),
    locks: createLocksPostgres(db),
    hubState: createHubStatePostgres(db),
    accounts: createAccountStorePostgres(db),
    async ping() {
      await db.query('SELECT 1');
    },
    async subscribe(channel, onWake) {
      const l = await db.listen(channel, onWake);
      listeners.add(l);
      return {
        close: async () => {
          listeners.delete(l);
          await l.close();
        },
      };
    },
    async close() {
      await Promise.all([...listeners].map((l) => l.close()));
      await db.close();
    },
  };
}
