import { substituteEnv, type ConfigProblem, ConfigError } from '../../config/load-config';
import type { CrmClient } from './crm-client';
import { buildPath } from '../http-client/path-segment';
import { encodeForm } from './crm-client';
import type { IntegrationModule } from './crm-types';
import { CrmError } from './crm-error';

/** Fill `${VAR}` placeholders of module-config.json; every missing variable is listed. */
export function buildModule(template: unknown, vars: Readonly<Record<string, string | undefined>>): IntegrationModule {
  const problems: ConfigProblem[] = [];
  const module = substituteEnv(template, vars, problems) as IntegrationModule;
  if (!module || typeof module !== 'object' || typeof module.code !== 'string' || !module.code) {
    problems.push({ path: 'module-config.json code', problem: 'is missing', fix: 'Give the module a code.' });
  }
  if (problems.length) throw new ConfigError(problems);
  return module;
}

/**
 * The module one connected account registers: module-config.json filled in with the hub's public URL and the
 * account's own clientId, its settings page at `/settings` (the CRM opens it with the account's clientId).
 */
export function accountModule(
  template: unknown,
  publicUrl: string,
  clientId: string,
  env: Readonly<Record<string, string | undefined>> = {},
): IntegrationModule {
  const module = buildModule(template, { ...env, STOCKBRIDGE_PUBLIC_URL: publicUrl, CRM_CLIENT_ID: clientId });
  return { ...module, clientId, baseUrl: publicUrl, accountUrl: `${publicUrl.replace(/\/+$/, '')}/settings` };
}

/** The module with its clientId masked for printing (it authenticates every callback). */
export function maskedModule(module: IntegrationModule): IntegrationModule {
  return { ...module, clientId: module.clientId ? `[secret, ${module.clientId.length} characters]` : undefined };
}

/** The form body the edit sends, with the clientId masked for printing. */
export function describeEdit(crmUrl: string, module: IntegrationModule): string {
  const masked = maskedModule(module);
  return (
    `POST ${crmUrl}${buildPath`/api/v5/integration-modules/${module.code}/edit`}\n` +
    'Content-Type: application/x-www-form-urlencoded\nX-API-KEY: [secret]\n\n' +
    encodeForm({ integrationModule: masked })
  );
}

/** What to do about a refusal, in a sentence an integrator can act on. */
export function adviceFor(err: CrmError): string {
  switch (err.kind) {
    case 'auth':
      return 'Check crm.apiKey: it must be valid and allowed to use integration-modules.';
    case 'payment':
      return 'The CRM account must be paid up to register modules (HTTP 402); see the account billing page.';
    case 'html':
      return 'Check crm.url: it must be your account address, like https://example.retailcrm.ru.';
    case 'rate-limited':
      return 'The CRM is rate limiting; try again in a minute.';
    case 'timeout':
    case 'connection':
      return 'The CRM could not be reached; check crm.url and the network.';
    default:
      return 'Fix what the CRM reports above in module-config.json or the config, then run register again.';
  }
}

export async function registerModule(crm: CrmClient, module: IntegrationModule): Promise<IntegrationModule> {
  await crm.editModule(module.code, module);
  return crm.getModule(module.code);
}
