import path from 'node:path';
import { AppError } from '../domain/app-error';
import { createAccountAdmin, type AccountAdmin, type ConnectedView } from '../accounts/connect-account';
import { readSecretKey } from '../accounts/secret-box';
import { crmForUrl, moduleFromFile } from '../compose/hub-connections';
import { createHttpClient } from '../integrations/http-client/http-client';
import { createLogger } from '../log/create-logger';
import { openStorage } from '../storage/open-storage';
import { loadCliConfig, type CliIo } from './cli-env';
import { CONFIG_OPTION, parseCliArgs, usageText, type CommandSpec } from './parse-cli-args';

const MODULE_OPTION = {
  type: 'string',
  arg: 'FILE',
  help: 'the module description to register (default: module-config.json)',
} as const;

const SPECS: Record<string, CommandSpec & { takesName?: boolean }> = {
  add: {
    usage: 'npm run accounts -- add --url URL --api-key-env VAR [--site SITE] [--name NAME]',
    summary:
      'Connects a CRM account: checks the URL and the API key (its scopes), registers the module in the account\n' +
      'with its own clientId, stores it sealed under STOCKBRIDGE_SECRET_KEY. The same URL again replaces its key.\n' +
      'A running hub serves it within seconds. Exit 0 connected, 1 refused, 2 configuration or usage.',
    options: {
      url: { type: 'string', arg: 'URL', help: 'the account address, like https://acme.retailcrm.ru' },
      'api-key-env': {
        type: 'string',
        arg: 'VAR',
        help: 'the environment variable holding its API key (a key never goes on a command line)',
      },
      site: { type: 'string', arg: 'SITE', help: 'the CRM site code (default: the first the key may use)' },
      name: { type: 'string', arg: 'NAME', help: 'the account name in the hub (default: from the URL)' },
      module: MODULE_OPTION,
      config: CONFIG_OPTION,
    },
  },
  list: {
    usage: 'npm run accounts -- list',
    summary: "Lists every account: the config file's and the connected ones. Exit 0, 2 configuration or usage.",
    options: { config: CONFIG_OPTION },
  },
  show: {
    usage: 'npm run accounts -- show NAME',
    summary: 'Shows one connected account (never a secret). Exit 0, 1 unknown, 2 configuration or usage.',
    options: { config: CONFIG_OPTION },
    takesName: true,
  },
  deactivate: {
    usage: 'npm run accounts -- deactivate NAME',
    summary:
      'Deactivates a connected account: its stock is held from now on and its module is switched off in its CRM.\n' +
      'Connecting it again (add with its URL) activates it. Exit 0, 1 refused or unknown, 2 configuration or usage.',
    options: { module: MODULE_OPTION, config: CONFIG_OPTION },
    takesName: true,
  },
};

const OVERVIEW = [
  'usage: npm run accounts -- add|list|show|deactivate [options]',
  'Connects CRM accounts to the hub and shows them (the routine of POST /admin/accounts).',
  ...Object.values(SPECS).map((s) => `  ${s.usage}`),
  'Each takes --help.',
].join('\n');

function printView(io: CliIo, v: ConnectedView) {
  io.out(
    [
      `  name:       ${v.name} (connected)`,
      `  crm:        ${v.crm.url} (site ${v.crm.site})`,
      `  active:     ${v.active}`,
      `  connected:  ${v.connectedAt}`,
      `  scopes:     ${v.scopes.join(', ') || '(the key lists methods, not scopes)'}`,
      `  shipments:  ${v.hasShipmentsToken ? 'token issued' : 'no token yet (POST /admin/accounts/{name}/shipments-token)'}`,
      `  targets:    ${v.targets.map((t) => `${t.name} (${t.type})`).join(', ') || '(none)'}`,
      `  sources:    ${v.sources.map((t) => `${t.name} (${t.type})`).join(', ') || '(none)'}`,
    ].join('\n'),
  );
}

/**
 * `npm run accounts -- add|list|show|deactivate`: one routine with POST /admin/accounts
 * (src/accounts/connect-account).
 */
export async function accountsCommand(io: CliIo): Promise<number> {
  const [sub, ...rest] = io.argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io[sub === undefined ? 'err' : 'out'](OVERVIEW);
    return sub === undefined ? 2 : 0;
  }
  const spec = SPECS[sub];
  if (!spec) {
    io.err(`unknown subcommand "${sub}"\n\n${OVERVIEW}`);
    return 2;
  }
  let name: string | undefined;
  let argv = rest;
  if (spec.takesName && rest[0] !== undefined && !rest[0].startsWith('-')) [name, ...argv] = rest;
  const args = parseCliArgs({ ...io, argv }, spec);
  if (!args.ok) return args.code;
  if (spec.takesName && !name) {
    io.err(`${sub} needs the account's NAME\n\n${usageText(spec)}`);
    return 2;
  }
  const config = loadCliConfig(io, args.values.config as string | undefined);
  if (!config) return 2;
  const key = readSecretKey(io.env);
  if ('error' in key) {
    io.err(key.error);
    return 2;
  }
  let apiKey: string | undefined;
  if (sub === 'add') {
    const v = args.values['api-key-env'] as string | undefined;
    if (!args.values.url || !v) {
      io.err(`add needs --url and --api-key-env\n\n${usageText(spec)}`);
      return 2;
    }
    apiKey = io.env[v];
    if (!apiKey) {
      io.err(`the environment variable ${v} (--api-key-env) is not set or empty`);
      return 2;
    }
  }
  const log = createLogger({ level: io.env.LOG_LEVEL ?? 'warn' });
  const { stores } = await openStorage(config, log, { role: 'command' });
  const http = createHttpClient();
  const cwd = io.cwd ?? process.cwd();
  const admin: AccountAdmin = createAccountAdmin({
    config,
    store: stores.accounts,
    box: key.box,
    crmFor: crmForUrl(http, log),
    moduleFor: moduleFromFile(
      path.resolve(cwd, (args.values.module as string | undefined) ?? 'module-config.json'),
      config.server.publicUrl,
      io.env,
    ),
    baseDir: cwd,
    log,
  });
  try {
    if (sub === 'add') {
      const { status, view } = await admin.connect({
        url: args.values.url,
        apiKey,
        site: args.values.site,
        name: args.values.name,
      });
      io.out(
        status === 201 ? `connected "${view.name}":` : `"${view.name}" was connected already: its key is replaced`,
      );
      printView(io, view);
    } else if (sub === 'list') {
      for (const a of config.accounts) io.out(`${a.name}\tfile\t${a.crm.url}\t${a.targets.length} target(s)`);
      const connected = await admin.list().catch((e: Error) => {
        throw new AppError(500, `the connected accounts cannot be read: ${e.message}`);
      });
      for (const v of connected)
        io.out(`${v.name}\tconnected${v.active ? '' : ' (deactivated)'}\t${v.crm.url}\t${v.targets.length} target(s)`);
    } else if (sub === 'show') {
      printView(io, await admin.show(name!));
    } else {
      const { view, crm } = await admin.deactivate(name!);
      io.out(`deactivated "${view.name}": its stock is held; its module ${crm}`);
    }
    return 0;
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    io.err(`${sub}: ${e.message}`);
    return e.status === 409 && /STOCKBRIDGE_SECRET_KEY/.test(e.message) ? 2 : 1;
  } finally {
    http.close();
    await stores.close();
  }
}
