import path from 'node:path';
import { ConfigError } from '../config/load-config';
import { CrmError } from '../crm/crm-error';
import { adviceFor, buildModule, describeEdit, registerModule } from '../crm/register-module';
import { createLogger } from '../log/create-logger';
import { crmFor, flag, loadCliConfig, option, readJsonFile, type CliIo } from './cli-env';

/** `npm run register [-- --dry-run] [--module FILE] [--config FILE]`. Exit 0 registered, 1 refused, 2 bad config. */
export async function registerCommand(io: CliIo): Promise<number> {
  const config = loadCliConfig(io);
  if (!config) return 2;
  const file = path.resolve(io.cwd ?? process.cwd(), option(io.argv, 'module') ?? 'module-config.json');
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
  if (flag(io.argv, 'dry-run')) {
    io.out('dry run: this request would be sent (nothing was sent)\n');
    io.out(describeEdit(config.crm.url, module));
    return 0;
  }
  const crm = crmFor(config, createLogger({ level: 'silent' }));
  try {
    io.out(`registering module "${module.code}" at ${config.crm.url} ...`);
    const held = await registerModule(crm, module);
    const store = (held.integrations as { store?: { actions?: Array<{ code: string; url: string }> } } | undefined)
      ?.store;
    io.out('the CRM now holds:');
    io.out(
      `  code:     ${held.code}\n  name:     ${held.name}\n  active:   ${held.active}\n  frozen:   ${held.freeze ?? false}\n  baseUrl:  ${held.baseUrl}`,
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
