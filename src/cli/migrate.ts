import { runCli } from './cli-env';
import { migrateAnyCommand } from './migrate-postgres';

runCli(migrateAnyCommand);
