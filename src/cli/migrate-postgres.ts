import { createLogger } from '../log/create-logger';
import { createPgDb } from '../storage/postgres/create-pg-db';
import { migratePostgres, postgresSchemaVersion } from '../storage/postgres/migrate-postgres';
import { POSTGRES_MIGRATIONS } from '../storage/postgres/postgres-migrations';
import { redactUrl } from '../storage/postgres/redact-url';
import type { Config } from '../config/config-types';
import type { CliIo } from './cli-env';

/**
 * `npm run migrate` on PostgreSQL: apply pending migrations under the migration lock (safe while instances run or
 * start), each in one transaction. Exit codes as migrateCommand's.
 */
export async function migratePostgresCommand(io: CliIo, config: Config): Promise<number> {
  const where = redactUrl(config.storage.url);
  const db = createPgDb({ url: config.storage.url, poolSize: 2, logger: createLogger({ level: 'silent' }) });
  try {
    const from = await postgresSchemaVersion(db);
    const applied = await migratePostgres(db, POSTGRES_MIGRATIONS, createLogger({ level: 'silent' }));
    const to = await postgresSchemaVersion(db);
    io.out(
      applied.length === 0
        ? `${where}: schema version ${to}, nothing to do`
        : `${where}: migrated from schema version ${from} to ${to}`,
    );
    return 0;
  } catch (e) {
    io.err(`migration failed, nothing of the failed step was applied: ${(e as Error).message}`);
    return 1;
  } finally {
    await db.close();
  }
}
