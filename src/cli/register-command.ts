import path from 'node:path';
import { ConfigError } from '../config/load-config';
import { CrmError } from '../integrations/retailcrm/crm-error';
import {
  adviceFor,
  buildModule,
  describeEdit,
  maskedModule,
  registerModule,
} from '../integrations/retailcrm/register-module';
import { createLogger } from '../log/create-logger';
import { crmFor, loadCliConfig, readJsonFile, type CliIo } from './cli-env';
import { CONFIG_OPTION, parseCliArgs, type CommandSpec } from './parse-cli-args';

export const REGISTER_USAGE: CommandSpec = {
  usage: 'npm run register -- [options]',
  summary:
    'Registers (or updates) the integration module in the CRM: POST /api/v5/integration-modules/{code}/edit, then\n' +
    'reads it back and prints what the CRM holds. Exit 0 registered, 1 the CRM refused, 2 configuration or usage.',
  options: {
    'dry-run': { type: 'boolean', help: 'print the request that would be sent, as readable JSON; send nothing' },
    'allow-placeholder': {
      type: 'boolean',
      help: 'register a server.publicUrl on example.com/.org/.net or localhost (refused otherwise)',
    },
    module: { type: 'string', arg: 'FILE', help: 'the module description (default: module-config.json)' },
    config: CONFIG_OPTION,
  },
};

/** `npm run register [-- --dry-run] [--module FILE] [--config FILE]`. Exit 0 registered, 1 refused, 2 bad config. */
export async function registerCommand(io: CliIo): Promise<number> {
  const args = parseCliArgs(io, REGISTER_USAGE);
  if (!args.ok) return args.code;
  const config = loadCliConfig(io, args.values.config as string | undefined);
  if (!config) return 2;
  const file = path.resolve(
    io.cwd ?? process.cwd(),
    (args.values.module as string | undefined) ?? 'module-config.json',
  );
  let module;
  try {
    module = buildModule(readJsonFile(file), {
      STOCKBRIDGE_PUBLIC_URL: config.server.publicUrl,
      CRM_CLIENT_ID: config.crm.clientId,
      ...io.env,
    });
  } catch (e) {
    io.err(
      e instanceof ConfigError ? `cannot use ${file}\n${e.describe()}` : `cannot read ${file}: ${(e as Error).message}`,
    );
    return 2;
  }
  const placeholder = placeholderHost(config.server.publicUrl);
  if (placeholder && !args.values['allow-placeholder']) {
    const what = `server.publicUrl ${config.server.publicUrl} is a placeholder (${placeholder})`;
    if (args.values['dry-run']) io.err(`warning: ${what}: a real registration would be refused\n`);
    else {
      io.err(
        `${what}: the CRM would call it and never reach this hub. Set server.publicUrl in stockbridge.json to the ` +
          'HTTPS address the CRM reaches this hub at (README "Running behind a reverse proxy"); to register it ' +
          'anyway (a test CRM), add --allow-placeholder. Nothing was sent.',
      );
      return 2;
    }
  }
  if (args.values['dry-run']) {
    io.out('dry run: this request would be sent (nothing was sent)\n');
    io.out(describeEdit(config.crm.url, module));
    io.out('\nintegrationModule, readable:');
    io.out(JSON.stringify(maskedModule(module), null, 2));
    return 0;
  }
  const crm = crmFor(config, createLogger({ level: 'silent' }));
  try {
    io.out(`registering module "${module.code}" at ${config.crm.url}: this changes the module the CRM holds ...`);
    const held = await registerModule(crm, module);
    const store = (held.integrations as { store?: { actions?: Array<{ code: string; url: string }> } } | undefined)
      ?.store;
    io.out('the CRM now holds:');
    io.out(
      `  code:     ${held.code}\n  name:     ${held.name}\n  active:   ${held.active}\n` +
        `  frozen:   ${held.freeze ?? false}\n  baseUrl:  ${held.baseUrl}`,
    );
    for (const a of Object.entries(held.actions ?? {})) io.out(`  action:   ${a[0]} → ${held.baseUrl}${a[1]}`);
    for (const a of store?.actions ?? []) io.out(`  store:    ${a.code} → ${held.baseUrl}${a.url}`);
    return 0;
  } catch (e) {
    if (!(e instanceof CrmError)) throw e;
    io.err(`the CRM refused the registration: ${e.message}`);
    if (e.errors) io.err(`  details: ${JSON.stringify(e.errors)}`);
    io.err(`  what to do: ${adviceFor(e)}`);
    return 1;
  }
}

/** Why a public URL cannot be where a CRM reaches this hub (example domains, loopback), or undefined. */
export function placeholderHost(publicUrl: string): string | undefined {
  const host = new URL(publicUrl).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (/(^|\.)example\.(com|org|net)$/.test(host) || host.endsWith('.example') || host.endsWith('.test'))
    return 'a reserved example domain';
  if (host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '::1')
    return 'this machine only';
  return undefined;
}
