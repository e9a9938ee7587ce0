/**
 * Slows down guessing the admin token through the sign-in form.
 *
 * Per address only when addresses are real (`server.trustProxy`: the proxy's X-Forwarded-For): after `maxFailures`
 * wrong tokens from one address within `windowMs`, that address is refused until its window ends (a right token
 * included). Without a trusted proxy every user behind a proxy shares one address, so one person's typos must not
 * lock out all: then only the global ceiling applies, `globalMaxFailures` wrong tokens from anywhere within the
 * window, which still bounds guessing to that rate.
 */
export function createSignInGuard(
  opts: { maxFailures?: number; globalMaxFailures?: number; windowMs?: number; now?: () => number } = {},
) {
  const maxFailures = opts.maxFailures ?? 10;
  const globalMaxFailures = opts.globalMaxFailures ?? 100;
  const windowMs = opts.windowMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const GLOBAL = '\0global';
  const failures = new Map<string, { count: number; until: number }>();
  const current = (key: string) => {
    const f = failures.get(key);
    if (f && f.until <= now()) failures.delete(key);
    return failures.get(key);
  };
  const lockedFor = (key: string, max: number) => {
    const f = current(key);
    return f && f.count >= max ? Math.max(1, Math.ceil((f.until - now()) / 1000)) : 0;
  };
  const count = (key: string) => {
    const f = current(key) ?? { count: 0, until: now() + windowMs };
    f.count += 1;
    failures.set(key, f);
  };
  return {
    /**
     * Seconds until sign-in is allowed again for this address (`undefined`: addresses are not real), 0 = allowed;
     * `scope` says whether the address or the global ceiling is the reason.
     */
    locked(who: string | undefined): { seconds: number; scope: 'address' | 'everyone' } {
      const own = who === undefined ? 0 : lockedFor(who, maxFailures);
      if (own > 0) return { seconds: own, scope: 'address' };
      return { seconds: lockedFor(GLOBAL, globalMaxFailures), scope: 'everyone' };
    },
    /** Back-compatible check: blocked for this address or by the global ceiling. */
    blocked(who: string | undefined): boolean {
      return this.locked(who).seconds > 0;
    },
    failed(who: string | undefined) {
      count(GLOBAL);
      if (who !== undefined) count(who);
      // Bounded memory under a spray from many addresses: forget the oldest (never the global counter).
      if (failures.size > 10_000) {
        for (const key of failures.keys()) {
          if (key === GLOBAL) continue;
          failures.delete(key);
          break;
        }
      }
    },
  };
}

export type SignInGuard = ReturnType<typeof createSignInGuard>;
