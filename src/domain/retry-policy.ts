import { backoffDelay, type BackoffPolicy } from '../integrations/http-client/backoff';

/**
 * The one rule for retried work (stock writes and shipment reports): try again after capped exponential backoff
 * with jitter, or later if the peer said so (Retry-After); give up after `maxAttempts`, or once it has been
 * failing for `maxAgeSeconds`.
 */
export function retryOrGiveUp(
  prev: { attempts: number; firstFailedAt: number | null },
  limits: { maxAttempts: number; maxAgeSeconds: number },
  policy: BackoffPolicy,
  now: number,
  retryAfterMs = 0,
  random: () => number = Math.random,
): { retryAt: number } | { giveUp: string } {
  const attempts = prev.attempts + 1;
  const since = prev.firstFailedAt ?? now;
  if (attempts >= limits.maxAttempts) return { giveUp: `gave up after ${attempts} attempts` };
  if (now - since >= limits.maxAgeSeconds * 1000)
    return { giveUp: `gave up after ${Math.round((now - since) / 1000)} s of failures` };
  return { retryAt: now + Math.max(retryAfterMs, backoffDelay(attempts, policy, random)) };
}
