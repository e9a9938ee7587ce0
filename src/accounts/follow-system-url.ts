import type { Logger } from 'pino';
import type { CrmClient } from '../integrations/retailcrm/crm-client';
import type { IntegrationModule } from '../integrations/retailcrm/crm-types';
import type { AccountStore, ModuleState } from '../storage/stores';
import type { Account } from './account-registry';
import type { ActivityService } from './activity-service';
import { checkCrmUrl, sameOrigin } from './crm-access';

/** A CRM's technical address (the account's public one answers `GET /api/system-info` with its `publicUrl`). */
export const isTechnicalUrl = (url: string) => new URL(url).hostname.toLowerCase().endsWith('.retailcrm.io');

/** The URL rule a value breaks, or null when it passes (the 400's message, without its `url ` prefix). */
function refusal(raw: unknown, allowedHosts: readonly string[]): { url: string } | { rule: string } {
  try {
    return { url: checkCrmUrl(raw, allowedHosts) };
  } catch (e) {
    return { rule: (e as Error).message.replace(/^url /, '') };
  }
}

/**
 * The address a file-declared account is used at: the one the hub followed the CRM to (kept in the database), while
 * the file still says what it said then and the URL rules still allow it; else the file's own. A file changed since
 * (to the new address or to any other) is the operator's word: the file wins again.
 */
export function fileAccountUrl(
  fileUrl: string,
  state: Pick<ModuleState, 'crmUrl' | 'fileUrl'>,
  allowedHosts: readonly string[],
): { url: string; warning: string | null } {
  if (!state.crmUrl || !state.fileUrl || !sameOrigin(state.fileUrl, fileUrl) || sameOrigin(state.crmUrl, fileUrl))
    return { url: fileUrl, warning: null };
  const checked = refusal(state.crmUrl, allowedHosts);
  if ('rule' in checked) return { url: fileUrl, warning: null };
  return {
    url: checked.url,
    warning:
      `the CRM moved this account to ${checked.url} (its activity callback said so); the config file still says ` +
      `${fileUrl}: the hub uses ${checked.url}. Update the account's crm.url in the config file.`,
  };
}

export interface UrlFollowerDeps {
  allowedHosts: readonly string[];
  store: Pick<AccountStore, 'get' | 'update'>;
  crmFor: (url: string, apiKey: string) => CrmClient;
  /** The module the account registers (its clientId, the hub's public URL), as `npm run register` would send it. */
  moduleFor: (account: Account) => IntegrationModule;
  /** The account as the hub runs it now (a callback's account may have been reloaded since). */
  current: (name: string) => Account | undefined;
  /** Every account the hub serves (an address another one uses is not taken over). */
  all: () => readonly Account[];
  /** A file-declared account's address as the file says it. */
  fileUrlOf: (name: string) => string | undefined;
  /** After an account's address changed (its row or its note): the hub reloads it, its CRM client at the new one. */
  moved: (name: string) => Promise<void>;
  log: Logger;
  now?: () => number;
}

/**
 * Follows a CRM that tells (in its activity callback's `systemUrl`) that the account lives at another address: a
 * technical `*.retailcrm.io` address resolved to the public one with `GET /api/system-info`, the URL rules applied
 * (a refused address is kept as seen, not followed), the module registered at the new address, then the address
 * stored: a connected account's row, or for a file-declared one a note used over the file's (with a warning).
 * Runs in the background of the callback's answer; a failure is logged and tried again at the next activity.
 */
export function createUrlFollower(deps: UrlFollowerDeps) {
  const now = deps.now ?? Date.now;
  const running = new Map<string, Promise<void>>();

  async function follow(account: Account, activity: ActivityService, systemUrl: string, active: boolean) {
    const log = deps.log.child({ account: account.name, part: 'system-url' });
    const current = account.config.crm.url;
    const state = await activity.get();
    const problem = async (urlProblem: string, level: 'warn' | 'error' = 'warn') => {
      log[level]({ systemUrl, current }, urlProblem);
      if (state.urlProblem !== urlProblem) await activity.note({ urlProblem });
    };
    const settled = async () => {
      if (state.urlProblem !== undefined) await activity.note({ urlProblem: undefined });
    };
    let checked = refusal(systemUrl, deps.allowedHosts);
    if ('rule' in checked)
      return problem(`systemUrl ${systemUrl} is not followed: it ${checked.rule}; the account stays at ${current}`);
    if (sameOrigin(checked.url, current)) return settled();
    if (isTechnicalUrl(checked.url)) {
      const info = await deps.crmFor(checked.url, account.config.crm.apiKey).systemInfo();
      if (!info.publicUrl) throw new Error(`${checked.url}/api/system-info gave no publicUrl`);
      checked = refusal(info.publicUrl, deps.allowedHosts);
      if ('rule' in checked)
        return problem(
          `systemUrl ${systemUrl} is not followed: its public address ${info.publicUrl} ${checked.rule}; ` +
            `the account stays at ${current}`,
        );
      // The technical address of the account it already uses: nothing moved.
      if (sameOrigin(checked.url, current)) return settled();
    }
    const url = checked.url;
    const other = deps.all().find((a) => a.name !== account.name && sameOrigin(a.config.crm.url, url));
    if (other) return problem(`systemUrl ${systemUrl} is not followed: account "${other.name}" is at ${url}`, 'error');
    // Registered first: an address where the module cannot be registered is not switched to (tried again later).
    const module = { ...deps.moduleFor(account), active };
    await deps.crmFor(url, account.config.crm.apiKey).editModule(module.code, module);
    if (account.origin === 'connected') {
      const row = await deps.store.get(account.name);
      if (!row) return;
      // Another instance may have stored the same move meanwhile: that is the outcome wanted, not a failure.
      if (!(await deps.store.update({ ...row, url, updatedAt: now() }, row.version)))
        if ((await deps.store.get(account.name))?.url !== url) throw new Error('the account was changed meanwhile');
      if (state.urlProblem !== undefined) await activity.note({ urlProblem: undefined });
      log.info({ from: current, to: url }, 'the CRM moved this account: module registered and address stored');
    } else {
      const fileUrl = deps.fileUrlOf(account.name) ?? current;
      await activity.note({ crmUrl: url, fileUrl, urlProblem: undefined });
      log.warn(
        { from: current, to: url },
        `the CRM moved this file-declared account: module registered at ${url}, which the hub now uses over the ` +
          `config file's ${fileUrl}; update the account's crm.url in the config file`,
      );
    }
    await deps.moved(account.name);
  }

  interface Seen {
    activity: ActivityService;
    systemUrl: string;
    active: boolean;
  }
  const pending = new Map<string, Seen>();

  function start(name: string, s: Seen) {
    const run = (async () => {
      const account = deps.current(name);
      if (account) await follow(account, s.activity, s.systemUrl, s.active);
    })()
      .catch(async (e: Error) => {
        const reason = `could not follow systemUrl ${s.systemUrl}: ${e.message}; tried again at the next activity`;
        deps.log.warn({ account: name, part: 'system-url', reason }, 'the CRM address is not switched yet');
        await s.activity.note({ urlProblem: reason }).catch(() => undefined);
      })
      .finally(() => {
        running.delete(name);
        const next = pending.get(name);
        pending.delete(name);
        if (next) start(name, next);
      });
    running.set(name, run);
  }

  return {
    /**
     * The activity callback of `account` named `systemUrl`: followed in the background, one run per account at a
     * time (the latest callback meanwhile runs next). Never throws and never waits.
     */
    seen: (account: Account, activity: ActivityService, systemUrl: string | undefined, active: boolean): void => {
      if (systemUrl === undefined) return;
      if (running.has(account.name)) pending.set(account.name, { activity, systemUrl, active });
      else start(account.name, { activity, systemUrl, active });
    },
    /** Resolves when every run in progress (and any queued behind it) has ended: stop, tests. */
    idle: async () => {
      while (running.size) await Promise.all([...running.values()]);
    },
  };
}

export type UrlFollower = ReturnType<typeof createUrlFollower>;
