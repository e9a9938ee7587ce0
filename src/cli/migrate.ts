import { runCli } from './cli-env';
import { migrateCommand } from './migrate-command';

runCli(migrateCommand);
