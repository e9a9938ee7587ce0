import { runCli } from './cli-env';
import { syncCommand } from './sync-command';

runCli((io) => syncCommand({ ...io, tty: process.stdout.isTTY === true, write: (s) => process.stdout.write(s) }));
