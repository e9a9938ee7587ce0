import { createLogger } from '../log/create-logger';
import { migrateStorage } from '../storage/open-storage';
import { loadCliConfig, type CliIo } from './cli-env';
import { CONFIG_OPTION, parseCliArgs, type CommandSpec } from './parse-cli-args';
export const MIGRATE_USAGE: CommandSpec = {
  usage: 'npm run migrate -- [options]',
  summary:
    "Applies the storage's pending schema migrations, each in one transaction, and exits (the service also applies\n" +
    'them at start-up). Exit 0 done or nothing to do, 1 failed (e.g. a database from a newer release), 2 usage.',
  options: { config: CONFIG_OPTION },
};

/**
 * `npm run migrate [--config FILE]`, for either driver (PostgreSQL: under the migration lock, safe while instances
 * run).
 */
export async function migrateCommand(io: CliIo): Promise<number> {
  const args = parseCliArgs(io, MIGRATE_USAGE);
  if (!args.ok) return args.code;
  const config = loadCliConfig(io, args.values.config as string | undefined);
  if (!config) return 2;
  try {
    const { where, from, to } = await migrateStorage(config, createLogger({ level: 'silent' }));
    io.out(
      from === to
        ? `${where}: schema version ${to}, nothing to do`
        : `${where}: migrated from schema version ${from} to ${to}`,
    );
    return 0;
  } catch (e) {
    io.err(`migration failed, nothing of the failed step was applied: ${(e as Error).message}`);
    return 1;
  }
}
