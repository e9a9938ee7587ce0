import type { Logger } from 'pino';
import type { PgDb } from './create-pg-db';

/** One numbered schema step; applied once, in order, each in its own transaction. */
export interface PgMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Advisory lock key of the migration runner ("SBMG"): instances starting together queue on it. */
export const MIGRATION_LOCK_KEY = 0x53424d47;

export class SchemaTooNewError extends Error {
  constructor(
    readonly databaseVersion: number,
    readonly codeVersion: number,
  ) {
    super(
      `the database schema is at version ${databaseVersion}, newer than this release knows (${codeVersion}): ` +
        'it was written by a newer Stockbridge; run that release, or restore a backup made before the upgrade',
    );
  }
}

/**
 * Bring the database to the newest migration. Runs under a session advisory lock, so when several instances start
 * together one migrates and the others wait, then find nothing left to do. Returns the versions applied here.
 */
export async function migratePostgres(db: PgDb, migrations: readonly PgMigration[], logger: Logger): Promise<number[]> {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} is numbered ${m.version}, expected ${i + 1}`);
  });
  const latest = sorted.length;
  return await db.withLock(MIGRATION_LOCK_KEY, async () => {
    await db.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version integer PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const rows = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    const current = rows[0]?.v ?? 0;
    if (current > latest) throw new SchemaTooNewError(current, latest);
    const applied: number[] = [];
    for (const m of sorted.slice(current)) {
      await db.transaction(async (tx) => {
        await tx.query(m.sql);
        await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      });
      logger.info({ version: m.version, name: m.name }, 'postgres migration applied');
      applied.push(m.version);
    }
    return applied;
  });
}

export async function postgresSchemaVersion(db: PgDb): Promise<number> {
  // Two statements: a query naming a missing table fails at parse time, whatever a CASE around it says.
  const [t] = await db.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
  if (!t?.t) return 0;
  const [r] = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  return Number(r?.v ?? 0);
}
