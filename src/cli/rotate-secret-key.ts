import { runCli } from './cli-env';
import { rotateSecretKeyCommand } from './rotate-secret-key-command';

runCli(rotateSecretKeyCommand);
