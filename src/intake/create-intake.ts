import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { AppError } from '../domain/app-error';
import { batchPerTick } from '../storage/batch-per-tick';
import type { IntakeOffer } from '../domain/offer-types';
import type { CallbackLog, NewCallback } from '../storage/stores';
import { DEFAULT_ACCOUNT } from '../accounts/account-names';

export interface Intake {
  /**
   * Store one validated callback durably; resolves with its sequence number only after the commit. `rawJson`,
   * when the CRM sent the offers as a JSON string, is stored as sent (saves re-serialising on the hot path,
   * and the log then shows exactly what the CRM sent); the projector normalises it again.
   */
  accept(offers: IntakeOffer[], rawJson?: string, account?: string): Promise<{ seq: number; contentHash: string }>;
  /**
   * Why intake cannot accept work now, or null: its last commit failed (disk full, read-only storage) within
   * `unreadyMs` and none has succeeded since. Readiness reads this: a SELECT 1 succeeds on a full disk.
   */
  unready(now?: number): string | null;
}

/**
 * Group commit: callbacks accepted in the same turn of the event loop are written in one transaction, so
 * concurrent callbacks share one fsync (synchronous=FULL) instead of queueing one each. Every caller still gets
 * its answer only after its own record is committed.
 */
export function createIntake(deps: {
  callbackLog: CallbackLog;
  log: Logger;
  onCommitted?: () => void;
  unreadyMs?: number;
}): Intake {
  // After this long without another attempt, readiness says yes again, so a probe-driven load balancer sends
  // traffic that finds out whether the disk has room again (nothing else would ever try).
  const unreadyMs = deps.unreadyMs ?? 10_000;
  let failedAt: number | null = null;
  const append = batchPerTick(async (records: NewCallback[]) => {
    try {
      const seqs = await deps.callbackLog.append(records);
      failedAt = null;
      deps.onCommitted?.();
      return seqs;
    } catch (err) {
      failedAt = Date.now();
      deps.log.error(
        { err: (err as Error).message, callbacks: records.length },
        'could not store callbacks; answering 503 so the CRM retries',
      );
      throw new AppError(503, 'storage is unavailable; nothing was stored, please retry', { code: 'storage' });
    }
  });

  return {
    unready(now = Date.now()) {
      return failedAt !== null && now - failedAt < unreadyMs
        ? 'the last callback could not be stored (storage is failing: disk full or read-only?)'
        : null;
    },
    async accept(offers, rawJson, account = DEFAULT_ACCOUNT) {
      const offersJson = rawJson ?? JSON.stringify(offers);
      const contentHash = crypto.createHash('sha256').update(offersJson).digest('hex');
      // The account goes with the record (the projector sends its figures to that account's targets only).
      const seq = await append({ receivedAt: Date.now(), contentHash, offersJson, account });
      return { seq, contentHash };
    },
  };
}
