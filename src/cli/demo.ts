import { demoCommand } from './demo-command';
import { runCli } from './cli-env';

runCli(demoCommand);
