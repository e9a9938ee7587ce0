import type { Logger } from 'pino';
import type { CallbackLog } from '../stores';
import { DEFAULTS } from '../../compose/defaults';

/**
 * Keeps the callback log from growing forever: every `everyMs`, deletes projected callbacks older than the
 * retention, a batch at a time with a turn of the event loop between batches, so intake is never held up.
 * `days: 0` keeps everything.
 */
export function createRetention(deps: {
  callbackLog: CallbackLog;
  log: Logger;
  days: number;
  everyMs?: number;
  batch?: number;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;

  async function pruneOnce(): Promise<number> {
    if (deps.days <= 0) return 0;
    const before = now() - deps.days * 86_400_000;
    let total = 0;
    for (;;) {
      const n = await deps.callbackLog.prune(before, deps.batch ?? DEFAULTS.retention.pruneBatch);
      total += n;
      if (n < (deps.batch ?? DEFAULTS.retention.pruneBatch)) break;
      await new Promise((r) => setImmediate(r));
    }
    if (total) deps.log.info({ pruned: total, olderThanDays: deps.days }, 'pruned projected callbacks from the log');
    return total;
  }

  return {
    pruneOnce,
    start() {
      if (deps.days <= 0) return;
      timer = setInterval(() => {
        if (running) return;
        running = pruneOnce()
          .catch((e: Error) => {
            deps.log.warn({ reason: e.message }, 'callback log pruning failed; next time');
            return 0;
          })
          .finally(() => {
            running = null;
          });
      }, deps.everyMs ?? 60_000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
