import { CONFIG_OPTION, type CommandSpec } from './parse-cli-args';

/** `npm start`'s usage; main.ts parses its arguments with the same strict helper as every command. */
export const START_USAGE: CommandSpec = {
  usage: 'npm start -- [options]',
  summary:
    'Runs the service: the CRM callbacks, delivery to the shops, scheduled syncs, shipment reports, the admin API\n' +
    'and the dashboard. Exit 2 on a configuration or usage problem.',
  options: {
    config: CONFIG_OPTION,
    pretty: { type: 'boolean', help: 'log readable lines (local time, level, message, fields) instead of JSON' },
  },
};
