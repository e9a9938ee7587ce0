import crypto from 'node:crypto';
import path from 'node:path';
import type { Config } from '../config/config-types';
import type { CrmClient } from '../integrations/retailcrm/crm-client';
import type { IntegrationModule } from '../integrations/retailcrm/crm-types';
import { crmClientFor } from '../integrations/retailcrm/crm-client-for';
import { createHttpClient } from '../integrations/http-client/http-client';
import { openStorage } from '../storage/open-storage';
import { readSecretKey } from '../accounts/secret-box';
import { keyProblem, openPart } from '../accounts/stored-accounts';
import { crmForUrl } from '../compose/hub-connections';
import { fileAccountUrl } from '../accounts/follow-system-url';
import { ConfigError } from '../config/load-config';
import { CrmError } from '../integrations/retailcrm/crm-error';
import {
  accountModule,
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
    'reads it back and prints what the CRM holds. With --all (or --account NAME): every active account, file-declared\n' +
    'and connected, one line each (for deploys that change module-config.json or server.publicUrl); one run at a\n' +
    'time. Exit 0 registered, 1 the CRM refused (any account) or busy, 2 configuration or usage.',
  options: {
    'dry-run': { type: 'boolean', help: 'print the request that would be sent, as readable JSON; send nothing' },
    'allow-placeholder': {
      type: 'boolean',
      help: 'register a server.publicUrl on example.com/.org/.net or localhost (refused otherwise)',
    },
    module: { type: 'string', arg: 'FILE', help: 'the module description (default: module-config.json)' },
    all: {
      type: 'boolean',
      help: 'every active account (file-declared and connected), one line each; exit 1 if any failed',
    },
    account: { type: 'string', arg: 'NAME', help: 'only this account (file-declared or connected)' },
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
  if (args.values.all || args.values.account !== undefined) {
    if (args.values.all && args.values.account !== undefined) {
      io.err('give --all or --account NAME, not both');
      return 2;
    }
    return registerAccounts(io, config, file, {
      only: args.values.account as string | undefined,
      dryRun: args.values['dry-run'] === true,
      allowPlaceholder: args.values['allow-placeholder'] === true,
    });
  }
  if (config.accounts.length === 0) {
    io.err('this hub declares no account in its config file: register its connected ones with --all or --account NAME');
    return 2;
  }
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

interface Registration {
  name: string;
  url: string;
  crm: CrmClient;
  module: IntegrationModule;
}

/**
 * `register --all` / `--account NAME`: the module registered again in every active account (or one), file-declared
 * and connected, safe to re-run; one line per account with its result; one run at a time (a lock). An account its
 * CRM switched off or froze is skipped (registering would switch the merchant's module back on).
 */
async function registerAccounts(
  io: CliIo,
  config: Config,
  file: string,
  opts: { only?: string; dryRun: boolean; allowPlaceholder: boolean },
): Promise<number> {
  const placeholder = placeholderHost(config.server.publicUrl);
  if (placeholder && !opts.allowPlaceholder && !opts.dryRun) {
    io.err(
      `server.publicUrl ${config.server.publicUrl} is a placeholder (${placeholder}): set it to the HTTPS address ` +
        'the CRM reaches this hub at, or add --allow-placeholder. Nothing was sent.',
    );
    return 2;
  }
  let template: unknown;
  try {
    template = readJsonFile(file);
  } catch (e) {
    io.err(`cannot read ${file}: ${(e as Error).message}`);
    return 2;
  }
  const key = readSecretKey(io.env);
  if ('error' in key) {
    io.err(key.error);
    return 2;
  }
  const log = createLogger({ level: 'silent' });
  const { stores } = await openStorage(config, log, { role: 'command' });
  const http = createHttpClient();
  const owner = `register-${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    const rows = await stores.accounts.list();
    const problem = keyProblem(rows, key.box);
    if (problem && rows.some((r) => !opts.only || r.name === opts.only)) {
      io.err(problem);
      return 2;
    }
    const all: Array<Registration | { name: string; skip: string }> = [];
    for (const a of config.accounts) {
      if (opts.only && a.name !== opts.only) continue;
      try {
        const module = buildModule(template, {
          ...io.env,
          STOCKBRIDGE_PUBLIC_URL: config.server.publicUrl,
          CRM_CLIENT_ID: a.crm.clientId,
        });
        // At the address the hub followed its CRM to, when the file still names the old one (see follow-system-url).
        const { url } = fileAccountUrl(a.crm.url, await stores.hubState.getModule(a.name), config.connect.allowedHosts);
        all.push({ name: a.name, url, crm: crmClientFor({ crm: { ...a.crm, url } }, http, log), module });
      } catch (e) {
        io.err(e instanceof ConfigError ? `cannot use ${file}\n${e.describe()}` : (e as Error).message);
        return 2;
      }
    }
    for (const row of rows) {
      if (opts.only && row.name !== opts.only) continue;
      if (!row.active) {
        all.push({ name: row.name, skip: 'deactivated by an operator' });
        continue;
      }
      const part = openPart(key.box!, row);
      all.push({
        name: row.name,
        url: row.url,
        crm: crmForUrl(http, log)(row.url, part.apiKey),
        module: accountModule(template, config.server.publicUrl, part.clientId, io.env),
      });
    }
    if (opts.only && all.length === 0) {
      const names = [...config.accounts.map((a) => a.name), ...rows.map((r) => r.name)];
      io.err(`no account named "${opts.only}"; accounts: ${names.join(', ') || '(none)'}`);
      return 2;
    }
    if (!opts.dryRun && !(await stores.locks.acquire('register', owner, 600_000, Date.now()))) {
      io.err('another register is running; run this one again once it has finished');
      return 1;
    }
    let failed = 0;
    for (const r of all) {
      if ('skip' in r) {
        io.out(`${r.name}: skipped (${r.skip})`);
        continue;
      }
      const state = await stores.hubState.getModule(r.name);
      if (!state.active || state.freeze) {
        io.out(`${r.name}: skipped (${state.freeze ? 'frozen' : 'switched off'} in its CRM)`);
        continue;
      }
      if (opts.dryRun) {
        io.out(`${r.name}: would register "${r.module.code}" at ${r.url} (nothing sent)`);
        continue;
      }
      try {
        await r.crm.editModule(r.module.code, r.module);
        io.out(`${r.name}: registered at ${r.url}`);
      } catch (e) {
        if (!(e instanceof CrmError)) throw e;
        failed++;
        io.out(`${r.name}: FAILED at ${r.url}: ${e.message}; what to do: ${adviceFor(e)}`);
      }
    }
    if (failed) io.err(`${failed} account(s) failed; fix them and run register again (it is safe to repeat)`);
    return failed ? 1 : 0;
  } finally {
    if (!opts.dryRun) await stores.locks.release('register', owner);
    http.close();
    await stores.close();
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
