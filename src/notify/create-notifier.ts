import type { Logger } from 'pino';
import type { Config } from '../config/config-types';
import type { Account } from '../accounts/account-registry';
import type { AccountRuntime } from '../compose/create-hub-accounts';
import type { NoticesStore } from '../storage/notices/notices';
import { pickLanguage } from '../settings/language';
import { fillMessage, messagesFor } from '../settings/messages';

/** Pauses an operator or the merchant chose are no problem to report. */
const CHOSEN_PAUSES = new Set(['paused by an operator', 'paused by the merchant']);

interface Problem {
  key: string;
  message: string;
}

export interface NotifierDeps {
  /** Every account's runtime now (connected accounts join as they come). */
  accounts: () => AccountRuntime[];
  notices: NoticesStore;
  settings: Config['notifications'];
  publicUrl: string;
  languageOf?: (account: Account) => string | undefined;
  log: Logger;
  now?: () => number;
}

const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * Tells merchants in their own CRM (`POST /api/v5/notifications/send`, to the superadmins) when one of their shops
 * stays paused by a fault, its dead letters pass the threshold, or a source's last runs all failed: what is wrong
 * and where to fix it, in the account's language. One notice per problem per UTC day, claimed in the database so
 * several instances send it once; each is recorded with its outcome (not retried that day).
 */
export function createNotifier(deps: NotifierDeps) {
  const now = deps.now ?? Date.now;
  const { settings } = deps;
  const url = `${deps.publicUrl}/settings`;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function problemsOf(r: AccountRuntime): Promise<Problem[]> {
    const m = messagesFor(pickLanguage(deps.languageOf?.(r.account), undefined));
    const out: Problem[] = [];
    for (const t of await r.admin.listTargets()) {
      if (t.state === 'paused' && t.pausedReason && !CHOSEN_PAUSES.has(t.pausedReason))
        out.push({
          key: `shop-paused:${t.name}`,
          message: fillMessage(m.noticeShopPaused, { shop: t.name, reason: t.pausedReason, url }),
        });
      if (t.dead >= settings.deadLetters)
        out.push({
          key: `dead-letters:${t.name}`,
          message: fillMessage(m.noticeDeadLetters, { shop: t.name, count: t.dead, url }),
        });
    }
    for (const s of await r.admin.sources()) {
      const recent = s.runs.filter((x) => x.outcome !== 'running').slice(0, settings.syncFailures);
      if (recent.length === settings.syncFailures && recent.every((x) => x.outcome === 'failed'))
        out.push({
          key: `sync-failing:${s.name}`,
          message: fillMessage(m.noticeSyncFailing, {
            source: s.name,
            count: recent.length,
            reason: recent[0].message ?? '—',
            url,
          }),
        });
    }
    return out;
  }

  async function notifyAccount(r: AccountRuntime): Promise<number> {
    // A module switched off or frozen in the CRM is not talked to.
    if (!(await r.activity.isActive())) return 0;
    let sent = 0;
    const at = now();
    const day = dayOf(at);
    for (const p of await problemsOf(r)) {
      const claimed = await deps.notices.claim({
        account: r.account.name,
        problem: p.key,
        day,
        message: p.message,
        at,
      });
      if (!claimed) continue;
      try {
        await r.crm.sendNotification({ type: 'api.error', userGroups: ['superadmins'], message: p.message });
        await deps.notices.settle(r.account.name, p.key, day, 'sent');
        sent++;
        deps.log.info({ account: r.account.name, problem: p.key }, 'notice sent to the CRM');
      } catch (err) {
        const why = (err as Error).message.slice(0, 300);
        await deps.notices.settle(r.account.name, p.key, day, `failed: ${why}`);
        deps.log.warn({ account: r.account.name, problem: p.key, reason: why }, 'notice to the CRM failed');
      }
    }
    return sent;
  }

  /** One pass over every account; resolves with how many notices were sent. */
  async function check(): Promise<number> {
    if (!settings.enabled) return 0;
    let sent = 0;
    for (const r of deps.accounts()) {
      try {
        sent += await notifyAccount(r);
      } catch (err) {
        deps.log.warn({ account: r.account.name, err }, 'checking an account for notices failed');
      }
    }
    return sent;
  }

  return {
    check,
    start() {
      if (!settings.enabled || timer) return;
      timer = setInterval(() => {
        running ??= check()
          .then(() => undefined)
          .finally(() => (running = undefined));
      }, settings.everySeconds * 1000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

export type Notifier = ReturnType<typeof createNotifier>;
