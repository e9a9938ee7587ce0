import type { SessionsStore } from '../storage/sessions/sessions';

/**
 * Slows down guessing a secret through a door (the admin token at the dashboard's sign-in, an API key at the
 * connect form, a clientId at the settings page): after `maxFailures` wrong tries from one address within
 * `windowMs`, that address is refused at that door until the window ends (a right secret included). Counted in
 * the database, so a balancer spreading the tries over instances does not multiply them.
 */
export function createSignInGuard(opts: {
  store: SessionsStore;
  maxFailures?: number;
  windowMs?: number;
  now?: () => number;
}) {
  const maxFailures = opts.maxFailures ?? 10;
  const windowMs = opts.windowMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const key = (door: string, who: string) => `${door}:${who}`.slice(0, 200);
  return {
    blocked: async (door: string, who: string) => (await opts.store.failures(key(door, who), now())) >= maxFailures,
    async failed(door: string, who: string): Promise<void> {
      await opts.store.fail(key(door, who), windowMs, now());
    },
  };
}

export type SignInGuard = ReturnType<typeof createSignInGuard>;
