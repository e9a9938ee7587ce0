/**
 * Slows down guessing the admin token through the sign-in form: after `maxFailures` wrong tokens from one address
 * within `windowMs`, that address is refused until the window ends (a right token included).
 */
export function createSignInGuard(opts: { maxFailures?: number; windowMs?: number; now?: () => number } = {}) {
  const maxFailures = opts.maxFailures ?? 10;
  const windowMs = opts.windowMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const failures = new Map<string, { count: number; until: number }>();
  const current = (who: string) => {
    const f = failures.get(who);
    if (f && f.until <= now()) failures.delete(who);
    return failures.get(who);
  };
  return {
    blocked: (who: string) => (current(who)?.count ?? 0) >= maxFailures,
    failed(who: string) {
      const f = current(who) ?? { count: 0, until: now() + windowMs };
      f.count += 1;
      failures.set(who, f);
      // Bounded memory under a spray from many addresses: forget the oldest.
      if (failures.size > 10_000) failures.delete(failures.keys().next().value as string);
    },
  };
}

export type SignInGuard = ReturnType<typeof createSignInGuard>;
