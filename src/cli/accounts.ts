import { runCli } from './cli-env';
import { accountsCommand } from './accounts-command';

runCli(accountsCommand);
