import type { TargetConfig } from '../config/config-types';
import type { ClaimedItem } from '../storage/stores';
import type { WriteResult } from '../integrations/push-target';
import { retryOrGiveUp } from './retry-policy';

export type Decision =
  | { action: 'delivered' }
  | { action: 'retry'; dueAt: number }
  | { action: 'dead'; reason: string }
  | { action: 'pause'; reason: string };

/** What the worker does with one classified outcome. Pure: tested on its own. */
export function decide(
  res: WriteResult,
  c: Pick<ClaimedItem, 'attempts' | 'firstFailedAt'>,
  t: Pick<TargetConfig, 'maxAttempts' | 'maxAgeSeconds'> & { credentials?: string },
  policy: { baseMs: number; maxMs: number },
  now: number,
  random: () => number = Math.random,
): Decision {
  const what = `${res.status === null ? 'no answer' : `HTTP ${res.status}`}: ${res.message}`;
  switch (res.outcome) {
    case 'ok':
      return { action: 'delivered' };
    case 'auth':
      return {
        action: 'pause',
        reason:
          `${what}. Check the target's ` +
          `${t.credentials ?? 'apiKey and apiSecret (repeated bad logins lock the shop)'}, then resume the target.`,
      };
    case 'redirect':
      return { action: 'pause', reason: `${res.message}. Fix the target url, then resume the target.` };
    case 'not-found':
      return { action: 'dead', reason: `${what} (the shop has no item with this identifier)` };
    case 'permanent':
      return { action: 'dead', reason: what };
    case 'retry': {
      // A wait asked for this item alone (a per-item interval) delays it like a Retry-After, without holding the rest.
      const wait = Math.max(res.retryAfterMs ?? 0, res.itemRetryAfterMs ?? 0);
      const next = retryOrGiveUp(c, t, policy, now, wait, random);
      return 'giveUp' in next
        ? { action: 'dead', reason: `${next.giveUp}; last: ${what}` }
        : { action: 'retry', dueAt: next.retryAt };
    }
  }
}
