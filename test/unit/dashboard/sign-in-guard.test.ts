import { createSignInGuard } from '../../../src/dashboard/sign-in-guard';

describe('sign-in guard', () => {
  it('blocks an address after maxFailures within the window, and lets it try again after', () => {
    let t = 0;
    const guard = createSignInGuard({ maxFailures: 2, windowMs: 1000, now: () => t });
    guard.failed('a');
    expect(guard.blocked('a')).toBe(false);
    guard.failed('a');
    expect(guard.blocked('a')).toBe(true);
    expect(guard.locked('a')).toEqual({ seconds: 1, scope: 'address' });
    expect(guard.blocked('b')).toBe(false);
    t = 1000;
    expect(guard.blocked('a')).toBe(false);
  });

  it('without real addresses only the global ceiling counts, and it locks everyone', () => {
    let t = 0;
    const guard = createSignInGuard({ maxFailures: 2, globalMaxFailures: 5, windowMs: 10_000, now: () => t });
    for (let i = 0; i < 4; i++) guard.failed(undefined);
    expect(guard.blocked(undefined)).toBe(false);
    guard.failed(undefined);
    t = 2500;
    expect(guard.locked(undefined)).toEqual({ seconds: 8, scope: 'everyone' });
    expect(guard.blocked('any-address')).toBe(true);
  });
});
