import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/config-types';
import { ConfigError } from '../config/config-error';
import { AppError } from '../domain/app-error';
import type { CrmClient } from '../integrations/retailcrm/crm-client';
import { CrmError } from '../integrations/retailcrm/crm-error';
import type { IntegrationModule } from '../integrations/retailcrm/crm-types';
import type { AccountStore, StoredAccount } from '../storage/stores';
import { ACCOUNT_NAME, RESERVED_ACCOUNT_NAMES, RESERVED_NAME_PROBLEM } from './account-names';
import { secretHash } from './account-registry';
import { checkCrmUrl, crmRefusal, missingAccess, nameFromUrl, sameOrigin } from './crm-access';
import { SECRET_KEY_ENV, type SecretBox } from './secret-box';
import { openPart, readAccountLists, sealPart, type SealedPart } from './stored-accounts';

/** A connected account as its operator sees it: never a secret (no key, clientId or token). */
export interface ConnectedView {
  name: string;
  origin: 'connected';
  crm: { url: string; site: string };
  active: boolean;
  language: string | null;
  scopes: string[];
  connectedAt: string;
  updatedAt: string;
  hasShipmentsToken: boolean;
  targets: Array<{ name: string; type: string }>;
  sources: Array<{ name: string; type: string }>;
}

export interface ConnectInput {
  url?: unknown;
  apiKey?: unknown;
  site?: unknown;
  name?: unknown;
  language?: unknown;
}

export interface AccountAdminDeps {
  config: Pick<Config, 'connect' | 'worker' | 'accounts'>;
  store: AccountStore;
  box: SecretBox | null;
  /** A CRM client for a URL and key (its own limiter: the key's 10 requests/s). */
  crmFor: (url: string, apiKey: string) => CrmClient;
  /** The module description to register in an account, with its clientId (module-config.json filled in). */
  moduleFor: (clientId: string) => IntegrationModule;
  /** Told after every change stored, so a running hub applies it at once (others find it on their next reload). */
  onChanged?: (name: string) => Promise<void> | void;
  baseDir?: string;
  log: Logger;
  now?: () => number;
}

const bad = (field: string, problem: string) =>
  new AppError(400, `${field} ${problem}`, { code: 'validation', details: { [field]: problem } });
const conflict = (message: string) => new AppError(409, message, { code: 'conflict' });
const notFound = (name: string) =>
  new AppError(404, `no account named "${name}"; GET /admin/accounts lists them`, { code: 'not-found' });

/**
 * The one routine behind POST /admin/accounts, the dashboard and `npm run accounts`: connect an account (URL rules,
 * the key's scopes, the module registered with the account's own clientId, then stored sealed), and the changes an
 * operator makes to a connected one (its targets and sources, its shipments token, deactivation).
 */
export function createAccountAdmin(deps: AccountAdminDeps) {
  const now = deps.now ?? Date.now;
  const iso = (ms: number) => new Date(ms).toISOString();
  const needBox = (): SecretBox => {
    if (deps.box) return deps.box;
    throw new AppError(
      409,
      `connected accounts are stored encrypted, and ${SECRET_KEY_ENV} is not set: set it to 32 random bytes in ` +
        'base64 and restart, then connect again',
      { code: 'conflict' },
    );
  };
  const fileAccount = (name: string) => deps.config.accounts.find((a) => a.name === name);
  const readOnly = (name: string) =>
    conflict(`account "${name}" is declared in the config file, which is its source of truth: change it there`);

  function view(row: StoredAccount, part: SealedPart): ConnectedView {
    const named = (list: unknown[]) =>
      list.map((x) => {
        const o = (x ?? {}) as Record<string, unknown>;
        return { name: typeof o.name === 'string' ? o.name : '', type: typeof o.type === 'string' ? o.type : '' };
      });
    return {
      name: row.name,
      origin: 'connected',
      crm: { url: row.url, site: row.site },
      active: row.active,
      language: row.language,
      scopes: row.scopes,
      connectedAt: iso(row.connectedAt),
      updatedAt: iso(row.updatedAt),
      hasShipmentsToken: row.tokenHash !== null,
      targets: named(part.targets),
      sources: named(part.sources),
    };
  }

  async function stored(name: string): Promise<{ row: StoredAccount; part: SealedPart }> {
    const row = await deps.store.get(name);
    if (!row) throw fileAccount(name) ? readOnly(name) : notFound(name);
    return { row, part: openPart(needBox(), row) };
  }

  /** Write a changed row (sealing its part again) from the version read; a concurrent change → 409. */
  async function save(row: StoredAccount, part: SealedPart, changes: Partial<StoredAccount> = {}) {
    const next = { ...row, ...changes, ...sealPart(needBox(), row.name, part), updatedAt: now() };
    if (!(await deps.store.update(next, row.version)))
      throw conflict(`account "${row.name}" was changed meanwhile; read it again and retry`);
    await deps.onChanged?.(row.name);
    return { row: { ...next, version: row.version + 1 }, part };
  }

  async function freeName(wanted: string): Promise<string> {
    for (let i = 1; ; i++) {
      const name = i === 1 ? wanted : `${wanted.slice(0, 36)}-${i}`;
      // A host like other.retailcrm.ru gives a reserved name: it becomes other-2.
      if (RESERVED_ACCOUNT_NAMES.includes(name)) continue;
      if (!fileAccount(name) && !(await deps.store.get(name))) return name;
    }
  }

  async function checkKey(crm: CrmClient, site: string | undefined) {
    let creds;
    try {
      creds = await crm.credentials();
    } catch (err) {
      if (err instanceof CrmError) throw crmRefusal(err, 'credentials');
      throw err;
    }
    const lacking = missingAccess(creds);
    if (lacking.missing.length)
      throw new AppError(
        400,
        `the API key lacks what the module uses: ${lacking.by} ${lacking.missing.join(', ')} ` +
          "(allow them in the CRM's API key settings, then connect again)",
        { code: 'crm-scopes', details: Object.fromEntries(lacking.missing.map((m) => [m, 'missing'])) },
      );
    if (site !== undefined && creds.sitesAvailable.length && !creds.sitesAvailable.includes(site))
      throw bad('site', `is not a site this key may use (${creds.sitesAvailable.join(', ')})`);
    return creds;
  }

  async function register(crm: CrmClient, clientId: string, active = true) {
    const module = { ...deps.moduleFor(clientId), active };
    try {
      await crm.editModule(module.code, module);
    } catch (err) {
      if (err instanceof CrmError) throw crmRefusal(err, 'register');
      throw err;
    }
  }

  return {
    async connect(input: ConnectInput): Promise<{ status: 200 | 201; view: ConnectedView }> {
      const url = checkCrmUrl(input.url, deps.config.connect.allowedHosts);
      if (typeof input.apiKey !== 'string' || !/^\S{1,200}$/.test(input.apiKey))
        throw bad('apiKey', 'is required: the API key the merchant created for the module');
      const apiKey = input.apiKey;
      if (input.site !== undefined && (typeof input.site !== 'string' || !/^\S{1,255}$/.test(input.site)))
        throw bad('site', 'must be a site code of the CRM');
      if (input.name !== undefined && (typeof input.name !== 'string' || !ACCOUNT_NAME.test(input.name)))
        throw bad('name', 'must be a slug: 1-40 lower-case letters, digits or dashes, not starting or ending with one');
      if (typeof input.name === 'string' && RESERVED_ACCOUNT_NAMES.includes(input.name))
        throw bad('name', RESERVED_NAME_PROBLEM);
      const language = typeof input.language === 'string' && /^[a-z]{2}$/.test(input.language) ? input.language : null;
      const box = needBox();
      const declared = deps.config.accounts.find((a) => sameOrigin(a.crm.url, url));
      if (declared) throw conflict(`this CRM is account "${declared.name}" of the config file: change its key there`);
      const existing = await deps.store.byUrl(url);
      if (existing && input.name !== undefined && input.name !== existing.name)
        throw conflict(`this CRM is already connected as "${existing.name}"`);
      const crm = deps.crmFor(url, apiKey);
      const creds = await checkKey(crm, input.site);

      if (existing) {
        // The same CRM again: its key replaced once the new one is shown to work (the module registered with it).
        const part = openPart(box, existing);
        await register(crm, part.clientId);
        const site = input.site ?? existing.site;
        const saved = await save(
          existing,
          { ...part, apiKey },
          { scopes: creds.scopes, site, active: true, language: language ?? existing.language },
        );
        deps.log.info({ account: existing.name, outcome: 'reconnected' }, 'account connected again (key replaced)');
        return { status: 200, view: view(saved.row, saved.part) };
      }

      const site = input.site ?? creds.sitesAvailable[0];
      if (!site) throw bad('site', 'is required: the key names no site (give the CRM site code)');
      const name = input.name === undefined ? await freeName(nameFromUrl(url)) : input.name;
      if (input.name !== undefined && (fileAccount(name) || (await deps.store.get(name))))
        throw conflict(`an account named "${name}" exists already; choose another name`);
      const clientId = crypto.randomBytes(32).toString('hex');
      // Registered before anything is kept: a refusal (402, a key that may not edit modules) leaves no row.
      await register(crm, clientId);
      const part: SealedPart = { apiKey, clientId, shipmentsToken: null, targets: [], sources: [] };
      const at = now();
      const row: Omit<StoredAccount, 'version'> = {
        name,
        url,
        site,
        language,
        scopes: creds.scopes,
        clientIdHash: secretHash(clientId),
        tokenHash: null,
        active: true,
        connectedAt: at,
        updatedAt: at,
        ...sealPart(box, name, part),
      };
      const res = await deps.store.insert(row);
      if (res !== 'ok')
        throw conflict(res === 'url-taken' ? 'this CRM was connected meanwhile' : `"${name}" was taken meanwhile`);
      await deps.onChanged?.(name);
      deps.log.info({ account: name, outcome: 'connected' }, 'account connected');
      return { status: 201, view: view({ ...row, version: 1 }, part) };
    },

    async list(): Promise<ConnectedView[]> {
      const rows = await deps.store.list();
      return rows.map((row) => view(row, openPart(needBox(), row)));
    },

    async show(name: string): Promise<ConnectedView> {
      const { row, part } = await stored(name);
      return view(row, part);
    },

    /** Its stock held from now on, its module switched off in its CRM (best effort: the answer says how it went). */
    async deactivate(name: string): Promise<{ view: ConnectedView; crm: string }> {
      const { row, part } = await stored(name);
      const saved = await save(row, part, { active: false });
      let crm = 'switched off';
      try {
        await register(deps.crmFor(row.url, part.apiKey), part.clientId, false);
      } catch (err) {
        crm = `not switched off in the CRM: ${(err as Error).message}`;
      }
      deps.log.info({ account: name, outcome: 'deactivated' }, 'account deactivated by an operator');
      return { view: view(saved.row, saved.part), crm };
    },

    /** Its targets and sources as stored, credentials included: for the hub's own use, never for an answer. */
    async storedLists(name: string): Promise<{ targets: unknown[]; sources: unknown[] }> {
      const { part } = await stored(name);
      return { targets: part.targets, sources: part.sources };
    },

    /** Replace its targets and/or sources: the config file's shape and messages; applied without a restart. */
    async setLists(name: string, lists: { targets?: unknown; sources?: unknown }): Promise<ConnectedView> {
      return this.changeLists(name, () => lists);
    },

    /**
     * The same from its stored lists (which hold its credentials, never shown): `change` sees them as read, and
     * the result is saved against that version, so a change made meanwhile is not lost (409 instead).
     */
    async changeLists(
      name: string,
      change: (now: { targets: unknown[]; sources: unknown[] }) => { targets?: unknown; sources?: unknown },
    ): Promise<ConnectedView> {
      const { row, part } = await stored(name);
      const lists = change({ targets: part.targets, sources: part.sources });
      const next = { ...part, ...(lists.targets !== undefined ? { targets: lists.targets as unknown[] } : {}) };
      if (lists.sources !== undefined) next.sources = lists.sources as unknown[];
      try {
        readAccountLists(next, row.url, deps.config, deps.baseDir ?? process.cwd());
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        throw new AppError(400, e.describe(), {
          code: 'validation',
          details: Object.fromEntries(e.problems.map((p) => [p.path, `${p.problem}. ${p.fix}`])),
        });
      }
      const saved = await save(row, next);
      deps.log.info({ account: name, outcome: 'changed' }, 'account targets and sources replaced');
      return view(saved.row, saved.part);
    },

    /** A new shipments token (the old one stops working): shown once, here, and never again. */
    async issueShipmentsToken(name: string): Promise<{ shipmentsToken: string }> {
      const { row, part } = await stored(name);
      const token = crypto.randomBytes(32).toString('hex');
      await save(row, { ...part, shipmentsToken: token }, { tokenHash: secretHash(token) });
      deps.log.info({ account: name }, 'shipments token issued');
      return { shipmentsToken: token };
    },
  };
}

export type AccountAdmin = ReturnType<typeof createAccountAdmin>;
