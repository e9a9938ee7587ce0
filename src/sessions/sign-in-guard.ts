import type { SessionsStore } from '../storage/sessions/sessions';

/**
 * Slows down guessing a secret through a door (the admin token at the dashboard's sign-in, an API key at the
 * connect form, a clientId at the settings page). Counted in the database, so a balancer spreading the tries over
 * instances does not multiply them.
 *
 * Per address only when addresses are real (`perAddress`: `server.trustProxy`, the proxy's X-Forwarded-For): after
 * `maxFailures` wrong tries from one address within `windowMs`, that address is refused at that door until its
 * window ends (a right secret included). Without a trusted proxy every user behind it shares one address, so one
 * person's typos must not lock out all: then only the door's global ceiling applies, `globalMaxFailures` wrong tries
 * from anywhere within the window, which still bounds guessing to that rate.
 */
export function createSignInGuard(opts: {
  store: SessionsStore;
  perAddress?: boolean;
  maxFailures?: number;
  globalMaxFailures?: number;
  windowMs?: number;
  now?: () => number;
}) {
  const maxFailures = opts.maxFailures ?? 10;
  const globalMaxFailures = opts.globalMaxFailures ?? 100;
  const windowMs = opts.windowMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const perAddress = opts.perAddress ?? true;
  const key = (door: string, who: string) => `${door}:${who}`.slice(0, 200);
  // Never an address key (those are `door:who`); no NUL: PostgreSQL text cannot hold one.
  const everyone = (door: string) => `${door}#everyone`;
  const address = (who: string | undefined) => (perAddress && who !== undefined ? who : undefined);
  const lockedFor = async (k: string, max: number) => {
    const t = now();
    const f = await opts.store.failures(k, t);
    return f.count >= max ? Math.max(1, Math.ceil((f.untilAt - t) / 1000)) : 0;
  };
  async function locked(door: string, who: string | undefined): Promise<{ seconds: number; scope: Scope }> {
    const a = address(who);
    const own = a === undefined ? 0 : await lockedFor(key(door, a), maxFailures);
    if (own > 0) return { seconds: own, scope: 'address' };
    return { seconds: await lockedFor(everyone(door), globalMaxFailures), scope: 'everyone' };
  }
  return {
    /** Seconds until a try at this door is allowed again (0: allowed), and whether the address or everyone is. */
    locked,
    blocked: async (door: string, who: string | undefined) => (await locked(door, who)).seconds > 0,
    async failed(door: string, who: string | undefined): Promise<void> {
      await opts.store.fail(everyone(door), windowMs, now());
      const a = address(who);
      if (a !== undefined) await opts.store.fail(key(door, a), windowMs, now());
    },
  };
}

type Scope = 'address' | 'everyone';
export type SignInGuard = ReturnType<typeof createSignInGuard>;
