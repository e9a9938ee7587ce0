import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/config-types';
import type { AccountRegistry } from '../accounts/account-registry';
import { createAccountAdmin, type AccountAdmin } from '../accounts/connect-account';
import type { SecretBox } from '../accounts/secret-box';
import { accountConfigOf, keyProblem, openPart } from '../accounts/stored-accounts';
import { accountModule, buildModule } from '../integrations/retailcrm/register-module';
import { createUrlFollower, fileAccountUrl } from '../accounts/follow-system-url';
import type { HttpClient } from '../integrations/http-client/http-client';
import { crmClientFor } from '../integrations/retailcrm/crm-client-for';
import { readCrm } from '../config/config-sections';
import { ConfigReader } from '../config/config-reader';
import type { AccountStore, HubState } from '../storage/stores';
import { AppError } from '../domain/app-error';
import { DEFAULTS } from './defaults';

/** Thrown at start when the stored accounts cannot be read with the key given: its message says what to do. */
export class StoredAccountsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoredAccountsError';
  }
}

/** A CRM client for an account being connected: the defaults a config file's `crm` would get. */
export function crmForUrl(http: HttpClient, log: Logger) {
  return (url: string, apiKey: string) =>
    crmClientFor({ crm: readCrm(new ConfigReader([]), { url, apiKey, clientId: '-', site: '-' }) }, http, log);
}

/**
 * The module an account registers: module-config.json (read when needed) with its clientId; a connected account's
 * with its settings page (`accountModule`), a file-declared one's as `npm run register` fills it in.
 */
export function moduleFromFile(file: string, publicUrl: string, env: Readonly<Record<string, string | undefined>>) {
  return (clientId: string, origin: 'file' | 'connected' = 'connected') => {
    let template: unknown;
    try {
      template = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new AppError(500, `cannot read the module description ${file}: ${(e as Error).message}`, {
        code: 'module-config',
      });
    }
    return origin === 'connected'
      ? accountModule(template, publicUrl, clientId, env)
      : buildModule(template, { ...env, STOCKBRIDGE_PUBLIC_URL: publicUrl, CRM_CLIENT_ID: clientId });
  };
}

/**
 * The accounts connected at runtime, kept in step with the database: loaded at start (refusing to start when the
 * key does not open them), reloaded whenever the table changes (another instance, `npm run accounts`), and applied
 * at once after a change made here. Each change ends in `apply()`, which the hub turns into its runtime.
 */
export function createHubConnections(deps: {
  config: Config;
  store: AccountStore;
  /** Where a file-declared account's followed address is noted (its module state). */
  hubState: HubState;
  box: SecretBox | null;
  registry: AccountRegistry;
  http: HttpClient;
  log: Logger;
  /** Rebuild the runtime from the registry (targets, projector, schedulers). */
  apply: () => Promise<void>;
  moduleFile?: string;
  env?: Readonly<Record<string, string | undefined>>;
  reloadMs?: number;
}) {
  const log = deps.log.child({ part: 'accounts' });
  const versions = new Map<string, number>();
  let stamp: string | null = null;
  let chain: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const fileWarned = new Map<string, string>();
  /**
   * File-declared accounts at the address the hub followed their CRM to (noted in the database), over the file's
   * while the file still says the old one, with a warning to update it. True when one changed.
   */
  async function fileUrls(): Promise<boolean> {
    let changed = false;
    for (const a of deps.config.accounts) {
      const { url, warning } = fileAccountUrl(
        a.crm.url,
        await deps.hubState.getModule(a.name),
        deps.config.connect.allowedHosts,
      );
      if (warning && fileWarned.get(a.name) !== warning) log.warn({ account: a.name }, warning);
      if (warning) fileWarned.set(a.name, warning);
      else fileWarned.delete(a.name);
      const held = deps.registry.get(a.name);
      if (!held || held.origin !== 'file' || held.config.crm.url === url) continue;
      deps.registry.put(url === a.crm.url ? a : { ...a, crm: { ...a.crm, url } }, 'file');
      changed = true;
    }
    return changed;
  }

  /** Read every stored account; put the new and changed ones in the registry, remove the ones gone. */
  async function load(strict: boolean): Promise<void> {
    const seen = await deps.store.stamp();
    const rows = await deps.store.list();
    const problem = keyProblem(rows, deps.box);
    if (problem) {
      if (strict) throw new StoredAccountsError(problem);
      log.error({ reason: problem }, 'connected accounts not reloaded: they do not open with this key');
      return;
    }
    let changed = await fileUrls();
    for (const row of rows) {
      if (versions.get(row.name) === row.version) continue;
      const file = deps.registry.get(row.name);
      if (file && file.origin === 'file') {
        log.error({ account: row.name }, 'a connected account has the name of a file-declared one; it is not served');
        continue;
      }
      let part;
      try {
        part = openPart(deps.box!, row);
      } catch (e) {
        const msg = `connected account "${row.name}" does not open: ${(e as Error).message}`;
        if (strict) throw new StoredAccountsError(msg);
        log.error({ account: row.name, reason: (e as Error).message }, 'connected account not reloaded');
        continue;
      }
      const { account, problems } = accountConfigOf(row, part, deps.config, process.cwd());
      for (const p of problems)
        log.error(
          { account: row.name, path: p.path, problem: p.problem },
          'a stored target or source is no longer valid: the account runs without its targets and sources until ' +
            'they are replaced (PUT /admin/accounts/{name}/targets or /sources)',
        );
      deps.registry.put(account, 'connected', row.active);
      versions.set(row.name, row.version);
      changed = true;
    }
    const names = new Set(rows.map((r) => r.name));
    for (const name of [...versions.keys()])
      if (!names.has(name)) {
        versions.delete(name);
        deps.registry.remove(name);
        changed = true;
      }
    stamp = seen;
    if (changed) await deps.apply();
  }

  const serial = (fn: () => Promise<void>) => (chain = chain.then(fn, fn));

  async function check() {
    if ((await deps.store.stamp()) !== stamp) await serial(() => load(false));
    else
      await serial(async () => {
        if (await fileUrls()) await deps.apply();
      });
  }

  const moduleFor = moduleFromFile(
    deps.moduleFile ?? path.resolve('module-config.json'),
    deps.config.server.publicUrl,
    deps.env ?? {},
  );
  const follower = createUrlFollower({
    allowedHosts: deps.config.connect.allowedHosts,
    store: deps.store,
    crmFor: crmForUrl(deps.http, log),
    moduleFor: (a) => moduleFor(a.config.crm.clientId, a.origin),
    current: (name) => deps.registry.get(name),
    all: () => deps.registry.list(),
    fileUrlOf: (name) => deps.config.accounts.find((a) => a.name === name)?.crm.url,
    moved: () => serial(() => load(false)),
    log,
  });

  const admin: AccountAdmin = createAccountAdmin({
    config: deps.config,
    store: deps.store,
    box: deps.box,
    crmFor: crmForUrl(deps.http, log),
    moduleFor: (clientId) => moduleFor(clientId),
    onChanged: () => serial(() => load(false)),
    log,
  });

  return {
    admin,
    /** An activity callback's `systemUrl`, followed in the background (see follow-system-url.ts). */
    followSystemUrl: follower.seen,
    /** Resolves once every systemUrl being followed is done (its reload included). */
    followed: follower.idle,
    /** Load the stored accounts (throws StoredAccountsError when the key does not open them). */
    start: () => serial(() => load(true)),
    /** Follow changes made elsewhere (other instances, the CLI) every `reloadMs`. */
    follow() {
      const every = deps.reloadMs ?? DEFAULTS.accounts.reloadMs;
      const tick = () => {
        timer = setTimeout(() => {
          void check()
            .catch((e: Error) => log.warn({ reason: e.message }, 'could not check for changed accounts'))
            .finally(() => {
              if (!stopped) tick();
            });
        }, every);
        timer.unref();
      };
      tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      // A load that failed (a start refused for its key) has said so already; stopping must still close the rest.
      await follower.idle();
      await chain.catch(() => undefined);
    },
  };
}

export type HubConnections = ReturnType<typeof createHubConnections>;
