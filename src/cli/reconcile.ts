import { runCli } from './cli-env';
import { reconcileCommand } from './reconcile-command';

runCli((io) => reconcileCommand({ ...io, tty: process.stdout.isTTY === true, write: (s) => process.stdout.write(s) }));
