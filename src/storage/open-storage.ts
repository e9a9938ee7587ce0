import type { Logger } from 'pino';
import type { Config } from '../config/config-types';
import type { Stores } from './stores';
import { createInstanceCoordination, type HubWakers } from './postgres/create-instance-coordination';
import { createPostgresStores } from './postgres/create-postgres-stores';
import { redactUrl } from './postgres/redact-url';

export interface PostgresHub {
  /** Stores with this instance's ownership applied (see create-instance-coordination.ts). */
  stores: Stores;
  /** Hand to createHub: wake-ups from the other instances, and the takeover check. */
  attachWakers: (w: HubWakers) => Promise<void>;
}

/**
 * Open PostgreSQL for one hub instance among several: migrate (under the migration lock), then coordinate.
 * `retryMs` bounds how long a dead instance's projector, targets and CRM sender stay without an owner.
 */
export async function openPostgresHub(config: Config, log: Logger, retryMs = 2_000): Promise<PostgresHub> {
  const logger = log.child({ part: 'postgres' });
  const pg = await createPostgresStores({ url: config.storage.url, poolSize: config.storage.poolSize, logger });
  const coordination = createInstanceCoordination(pg, { url: config.storage.url, logger, retryMs });
  logger.info({ db: redactUrl(config.storage.url), poolSize: config.storage.poolSize }, 'storage: postgres');
  return { stores: coordination.stores, attachWakers: (w) => coordination.attach(w) };
}

/** Plain stores for a one-shot command (sync, reconcile): migrated, no ownership, no wake-ups. */
export async function openPostgresStoresForCommand(config: Config, log: Logger): Promise<Stores> {
  return createPostgresStores({
    url: config.storage.url,
    poolSize: Math.min(config.storage.poolSize, 4),
    logger: log.child({ part: 'postgres' }),
  });
}
