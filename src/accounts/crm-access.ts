import { AppError } from '../domain/app-error';
import type { CrmCredentials } from '../integrations/retailcrm/crm-client';
import type { CrmError } from '../integrations/retailcrm/crm-error';

/** The RetailCRM/Simla SaaS domains an account's URL may be under without being listed in `connect.allowedHosts`. */
export const SAAS_DOMAINS = [
  'retailcrm.ru',
  'retailcrm.pro',
  'retailcrm.es',
  'retailcrm.io',
  'retailcrm.com',
  'simla.com',
  'simla.io',
  'simla.ru',
  'ecomlogic.com',
] as const;

/**
 * What the module does with an account's API key, as scopes (newer keys) and as method paths (old-style keys that
 * answer no scopes). Both lists cover the same calls: registering the module, stock uploads and reads (sync,
 * reconcile), order reads (stock questions about an order) and order edits (shipment reports).
 */
export const REQUIRED_SCOPES = [
  'integration_read',
  'integration_write',
  'store_read',
  'store_write',
  'order_read',
  'order_write',
] as const;
export const REQUIRED_METHODS = [
  '/api/integration-modules/{code}',
  '/api/integration-modules/{code}/edit',
  '/api/store/inventories',
  '/api/store/inventories/upload',
  '/api/orders/{externalId}',
  '/api/orders/{externalId}/edit',
] as const;

const refuse = (rule: string): AppError =>
  new AppError(400, `url ${rule}`, { code: 'validation', details: { url: rule } });

/**
 * The CRM URL of an account to connect, by the rules RetailCRM's own modules apply: `https`, no port, path, query,
 * fragment or user info, and a host under a SaaS domain, or listed in `connect.allowedHosts` (an on-premise CRM as
 * `host` or `host:port`; only a listed host may use `http://`, so tests can use local fakes). Answers the origin,
 * lower case; throws a 400 that names the rule broken.
 */
export function checkCrmUrl(raw: unknown, allowedHosts: readonly string[]): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw refuse('is required, like https://acme.retailcrm.ru');
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw refuse('must be a URL, like https://acme.retailcrm.ru');
  }
  const hostPort = u.host.toLowerCase();
  const listed = allowedHosts.includes(hostPort) || (!u.port && allowedHosts.includes(u.hostname.toLowerCase()));
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && listed))
    throw refuse('must use https:// (http:// only for a host listed in connect.allowedHosts)');
  if (u.username || u.password) throw refuse('must not hold a user name or password');
  if (u.pathname !== '/' && u.pathname !== '') throw refuse('must be the account address only, without a path');
  if (u.search || raw.includes('?')) throw refuse('must not have a query');
  if (u.hash || raw.includes('#')) throw refuse('must not have a fragment');
  if (u.port && !listed) throw refuse('must not have a port (unless host:port is listed in connect.allowedHosts)');
  const host = u.hostname.toLowerCase();
  const saas = SAAS_DOMAINS.some((d) => host.endsWith(`.${d}`) && host.length > d.length + 1);
  if (!saas && !listed)
    throw refuse(
      `host "${host}" is not under a RetailCRM/Simla domain (${SAAS_DOMAINS.join(', ')}); ` +
        'an on-premise CRM must be listed in connect.allowedHosts',
    );
  return `${u.protocol}//${hostPort}`;
}

/** What the key lacks for the module, by scope or (for a key with no scopes) by method; empty when nothing. */
export function missingAccess(c: CrmCredentials): { by: 'scopes' | 'methods'; missing: string[] } {
  if (c.scopes.length > 0) return { by: 'scopes', missing: REQUIRED_SCOPES.filter((s) => !c.scopes.includes(s)) };
  const has = new Set(c.credentials.map((m) => m.replace(/^\/api\/v\d+\//, '/api/')));
  return { by: 'methods', missing: REQUIRED_METHODS.filter((m) => !has.has(m)) };
}

/** A slug from the account's host: `acme.retailcrm.ru` → `acme`, `127.0.0.1:8080` → `127-0-0-1-8080`. */
export function nameFromUrl(url: string): string {
  const host = new URL(url).host.toLowerCase();
  const first = /^\d+\.\d+\.\d+\.\d+(:\d+)?$/.test(host) ? host : host.split('.')[0];
  const slug = first
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 36)
    .replace(/-+$/, '');
  return slug || 'account';
}

/** Whether two CRM URLs are the same account address (scheme, host and port, any case). */
export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin.toLowerCase() === new URL(b).origin.toLowerCase();
  } catch {
    return false;
  }
}

/** What the CRM's refusal means for the operator, as an answer (nothing of the key or the clientId in it). */
export function crmRefusal(err: CrmError, step: 'credentials' | 'register'): AppError {
  if (err.kind === 'auth')
    return new AppError(400, 'the CRM refused this API key', { code: 'crm-auth', details: { apiKey: 'refused' } });
  if (err.kind === 'payment')
    return new AppError(402, 'the CRM refused to activate the module: payment required', { code: 'crm-payment' });
  const what = step === 'credentials' ? 'checking the API key' : 'registering the module';
  return new AppError(502, `the CRM could not be used (${what}): ${err.message}`, { code: `crm-${err.kind}` });
}
