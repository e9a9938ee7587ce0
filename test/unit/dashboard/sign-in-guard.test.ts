import { createSignInGuard } from '../../../src/dashboard/sign-in-guard';

describe('sign-in guard', () => {
  it('blocks an address after maxFailures within the window, and lets it try again after', () => {
    let t = 0;
    const guard = createSignInGuard({ maxFailures: 2, windowMs: 1000, now: () => t });
    guard.failed('a');
    expect(guard.blocked('a')).toBe(false);
    guard.failed('a');
    expect(guard.blocked('a')).toBe(true);
    expect(guard.blocked('b')).toBe(false);
    t = 1000;
    expect(guard.blocked('a')).toBe(false);
  });
});
