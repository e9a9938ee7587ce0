import { demoCommand } from '../demo/demo-command';
import { runCli } from './cli-env';
import { parseCliArgs, type CommandSpec } from './parse-cli-args';

export const DEMO_USAGE: CommandSpec = {
  usage: 'npm run demo -- [options]',
  summary:
    'Starts the hub with local fakes of RetailCRM and two MerchantPro shops, plays a short scenario and keeps\n' +
    'serving until Ctrl-C. Sends nothing outside this machine.',
  options: {
    once: { type: 'boolean', help: 'exit after the scenario: 0 when every step succeeded' },
    postgres: { type: 'boolean', help: 'play it on an embedded PostgreSQL with two hub instances instead of SQLite' },
  },
};

runCli(async (io) => {
  const args = parseCliArgs(io, DEMO_USAGE);
  return args.ok ? demoCommand(io) : args.code;
});
