import { runCli } from './cli-env';
import { registerCommand } from './register-command';

runCli(registerCommand);
