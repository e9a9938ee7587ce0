import { decide } from '../../../src/domain/decide';
import type { WriteResult } from '../../../src/integrations/push-target';

const res = (
  outcome: WriteResult['outcome'],
  status: number | null,
  extra: Partial<WriteResult> = {},
): WriteResult => ({
  outcome,
  status,
  message: 'msg',
  durationMs: 1,
  ...extra,
});
const limits = { maxAttempts: 3, maxAgeSeconds: 60 };
const policy = { baseMs: 100, maxMs: 1000 };
const fresh = { attempts: 0, firstFailedAt: null };

describe('decide', () => {
  it('ok is delivered', () => {
    expect(decide(res('ok', 200), fresh, limits, policy, 0)).toEqual({ action: 'delivered' });
  });

  it('auth and redirect pause the target with what to do', () => {
    const auth = decide(res('auth', 401), fresh, limits, policy, 0);
    expect(auth.action).toBe('pause');
    expect((auth as { reason: string }).reason).toContain('HTTP 401: msg. Check the target');
    expect(decide(res('redirect', 301), fresh, limits, policy, 0)).toEqual({
      action: 'pause',
      reason: 'msg. Fix the target url, then resume the target.',
    });
  });

  it('not-found and permanent go to the dead letters with the reason', () => {
    expect(decide(res('not-found', 404), fresh, limits, policy, 0)).toEqual({
      action: 'dead',
      reason: 'HTTP 404: msg (the shop has no item with this identifier)',
    });
    expect(decide(res('permanent', null), fresh, limits, policy, 0)).toEqual({
      action: 'dead',
      reason: 'no answer: msg',
    });
  });

  it('retry waits the backoff, or longer when the peer said so', () => {
    const half = () => 0.5;
    expect(decide(res('retry', 503), fresh, limits, policy, 1000, half)).toEqual({ action: 'retry', dueAt: 1075 });
    expect(decide(res('retry', 429, { retryAfterMs: 5000 }), fresh, limits, policy, 1000, half)).toEqual({
      action: 'retry',
      dueAt: 6000,
    });
  });

  it('retry gives up after maxAttempts or maxAgeSeconds of failures', () => {
    expect(decide(res('retry', 503), { attempts: 2, firstFailedAt: 0 }, limits, policy, 1)).toEqual({
      action: 'dead',
      reason: 'gave up after 3 attempts; last: HTTP 503: msg',
    });
    expect(decide(res('retry', 503), { attempts: 1, firstFailedAt: 0 }, limits, policy, 61_000)).toEqual({
      action: 'dead',
      reason: 'gave up after 61 s of failures; last: HTTP 503: msg',
    });
  });
});
