import type { Logger } from 'pino';
import type { TargetConfig } from '../config/config-types';
import { backoffDelay } from '../integrations/http-client/backoff';
import type { CallbackLog, StockState } from '../storage/stores';
import { projectBatch, type AccountTargets } from './project-batch';
import { DEFAULT_ACCOUNT } from '../accounts/account-names';
import { DEFAULTS } from '../compose/defaults';

export interface Projector {
  /** Ask for a run now (after a commit); runs never overlap, and a kick during a run causes one more pass. */
  kick(): void;
  /** Resolves when everything stored so far has been projected. */
  idle(): Promise<void>;
  stop(): Promise<void>;
  /** Each account's targets from now on (accounts connected or changed at runtime); the next batch uses them. */
  setAccounts(accounts: AccountTargets): void;
}

/**
 * Turns the callback log, in sequence order, into the CRM's figures per (offer, warehouse) and due marks per
 * target. Each batch and the cursor move in one transaction, so a crash neither skips nor repeats a callback.
 */
export function createProjector(deps: {
  stores: { stock: StockState; callbackLog: CallbackLog };
  /** The single account's targets (`default`); or `accounts`, each account's own. */
  targets?: readonly TargetConfig[];
  accounts?: AccountTargets;
  log: Logger;
  batchSize?: number;
  onDue?: (targets: string[]) => void;
}): Projector {
  const batchSize = deps.batchSize ?? DEFAULTS.projection.batchSize;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let failures = 0;
  let accounts: AccountTargets = deps.accounts ?? [{ account: DEFAULT_ACCOUNT, targets: deps.targets ?? [] }];

  async function runOnce(): Promise<void> {
    for (;;) {
      const res = await projectBatch(deps.stores.stock, accounts, batchSize, deps.log, Date.now);
      if (res.dueItems > 0) deps.onDue?.(res.dueTargets);
      if (res.callbacks > 0) deps.log.debug(res, 'projected');
      if ((res.applied && res.callbacks < batchSize) || stopped) return;
      // Let requests in between batches: without this the catch-up would hold the event loop to the end.
      await new Promise((r) => setImmediate(r));
    }
  }

  function kick() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await runOnce();
          failures = 0;
        } catch (err) {
          failures++;
          const wait = backoffDelay(failures, DEFAULTS.projection.restartBackoff);
          deps.log.error(
            { err: (err as Error).message, retryInMs: wait },
            'projector failed; nothing was applied from that batch, retrying',
          );
          await new Promise((r) => setTimeout(r, wait));
          again = !stopped;
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
  }

  return {
    kick,
    setAccounts(next) {
      accounts = next;
    },
    async idle() {
      for (;;) {
        if (running) await running;
        const [cursor, latest] = await Promise.all([deps.stores.stock.cursor(), deps.stores.callbackLog.latestSeq()]);
        if (cursor >= latest || stopped) return;
        kick();
      }
    },
    async stop() {
      stopped = true;
      if (running) await running;
    },
  };
}
