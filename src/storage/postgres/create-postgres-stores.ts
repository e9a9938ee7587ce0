import type { Logger } from 'pino';
import type { Stores } from '../stores';
import { createPgDb, type PgDb, type PgListener } from './create-pg-db';
import { migratePostgres } from './migrate-postgres';
import { createPgCallbackLog } from './pg-callback-log';
import { PG_CHANNELS, type PgChannel } from './pg-channels';
import { createPgDeliveries } from './pg-deliveries';
import { createPgHubState } from './pg-hub-state';
import { createPgLocks } from './pg-locks';
import { PG_MIGRATIONS } from './pg-migrations';
import { createPgShipmentStore } from './pg-shipment-store';
import { createPgSourceStore } from './pg-source-store';
import { createPgStockState } from './pg-stock-state';

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
    if (opts.migrate !== false) await migratePostgres(db, PG_MIGRATIONS, opts.logger);
  } catch (err) {
    await db.close();
    throw err;
  }
  const listeners = new Set<PgListener>();
  return {
    driver: 'postgres',
    db,
    callbackLog: createPgCallbackLog(db),
    stock: createPgStockState(db),
    deliveries: createPgDeliveries(db),
    shipments: createPgShipmentStore(db),
    sources: createPgSourceStore(db),
    locks: createPgLocks(db),
    hubState: createPgHubState(db),
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
