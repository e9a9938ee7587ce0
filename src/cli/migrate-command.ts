import { migrateSqliteFile } from '../storage/sqlite/create-sqlite-stores';
import { loadCliConfig, type CliIo } from './cli-env';

/**
 * `npm run migrate`: apply pending schema migrations (each in one transaction) and exit; the service also applies
 * them at start-up. Exit 0 done or nothing to do, 1 failed (e.g. a file from a newer release), 2 bad config.
 */
export function migrateCommand(io: CliIo): number {
  const config = loadCliConfig(io);
  if (!config) return 2;
  try {
    const { from, to } = migrateSqliteFile({
      path: config.storage.path,
      synchronous: config.storage.synchronous,
      migration: { offerKeys: Object.fromEntries(config.targets.map((t) => [t.name, t.offerKey])) },
    });
    io.out(
      from === to
        ? `${config.storage.path}: schema version ${to}, nothing to do`
        : `${config.storage.path}: migrated from schema version ${from} to ${to}`,
    );
    return 0;
  } catch (e) {
    io.err(`migration failed, nothing of the failed step was applied: ${(e as Error).message}`);
    return 1;
  }
}
