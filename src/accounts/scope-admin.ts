import { AppError } from '../domain/app-error';
import type { AdminService } from '../admin/admin-service';
import type { Account } from './account-registry';
import { DEFAULT_ACCOUNT, qualify } from './account-names';

const NAME_FIELDS = new Set(['name', 'target', 'source']);

/** Store keys of this account shown as the account's own names (in `name`, `target`, `source` fields). */
function unscope<T>(value: T, prefix: string): T {
  if (Array.isArray(value)) return value.map((v: unknown) => unscope(v, prefix)) as T;
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      typeof v === 'string' && NAME_FIELDS.has(k) && v.startsWith(prefix) ? v.slice(prefix.length) : unscope(v, prefix);
  }
  return out as T;
}

/**
 * One account's admin service as its operator sees it: target and source names are the account's own (store keys
 * are qualified in and shown bare out), and the service underneath was built with this account's targets and
 * sources only, so another account's names are simply unknown here (404).
 */
export function scopeAdmin(admin: AdminService, account: Account): AdminService {
  const prefix = `${account.name}/`;
  const q = (name: string) => qualify(account.name, name);
  const out = <T>(v: T) => (account.name === DEFAULT_ACCOUNT ? v : unscope(v, prefix));
  const clean = (err: unknown): never => {
    // Its own names, and the routes under its own path (`GET /admin/targets lists them` → …/accounts/acme/targets).
    if (err instanceof AppError && account.name !== DEFAULT_ACCOUNT)
      err.message = err.message
        .split(`"${prefix}`)
        .join('"')
        .replace(/\bGET \/admin\/(?!accounts\b)/g, `GET /admin/accounts/${account.name}/`);
    throw err;
  };
  const run = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return out(await fn());
    } catch (err) {
      return clean(err);
    }
  };
  return {
    ...admin,
    listTargets: () => run(() => admin.listTargets()),
    deadLetters: (t, limit) => run(() => admin.deadLetters(q(t), limit)),
    failures: (t, limit) => run(() => admin.failures(q(t), limit)),
    unmapped: (t, limit) => run(() => admin.unmapped(q(t), limit)),
    findItem: (identifier) => run(() => admin.findItem(identifier)),
    // Runs of this account's sources only (the service underneath lists its account's when none is named).
    syncRuns: (source, limit) => run(() => admin.syncRuns(source === null ? null : q(source), limit)),
    sources: () => run(() => admin.sources()),
    liveFigure: (t, item) => run(() => admin.liveFigure(q(t), item)),
    syncNow: (source) => {
      try {
        return admin.syncNow(q(source));
      } catch (err) {
        return clean(err);
      }
    },
    explainItem: (t, item) => run(() => admin.explainItem(q(t), item)),
    retryDead: (t, item) => run(() => admin.retryDead(q(t), item)),
    pause: (t, reason) => run(() => admin.pause(q(t), reason)),
    resume: (t) => run(() => admin.resume(q(t))),
  };
}
