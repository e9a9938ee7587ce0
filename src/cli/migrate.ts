import { runCli } from './cli-env';
import { migrateCommand } from './migrate-command';

runCli((io) => Promise.resolve(migrateCommand(io)));
