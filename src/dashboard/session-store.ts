import crypto from 'node:crypto';

export interface DashboardSession {
  /** Sent by the page's script in `X-CSRF-Token` with every state-changing request. */
  readonly csrf: string;
  expiresAt: number;
}

const token = () => crypto.randomBytes(32).toString('base64url');

/**
 * Dashboard sessions, in memory: a restart signs everyone out, which is acceptable for an operator page and keeps
 * the admin token out of storage. Sliding expiry; the oldest session is dropped beyond `max`.
 */
export function createSessionStore(opts: { ttlMs?: number; max?: number; now?: () => number } = {}) {
  const ttlMs = opts.ttlMs ?? 12 * 3600_000;
  const max = opts.max ?? 1000;
  const now = opts.now ?? Date.now;
  const sessions = new Map<string, DashboardSession>();
  return {
    ttlMs,
    create(): { id: string; session: DashboardSession } {
      if (sessions.size >= max) sessions.delete(sessions.keys().next().value as string);
      const id = token();
      const session = { csrf: token(), expiresAt: now() + ttlMs };
      sessions.set(id, session);
      return { id, session };
    },
    get(id: string | undefined): DashboardSession | undefined {
      const s = id === undefined ? undefined : sessions.get(id);
      if (!s || !id) return undefined;
      if (s.expiresAt <= now()) {
        sessions.delete(id);
        return undefined;
      }
      s.expiresAt = now() + ttlMs;
      return s;
    },
    destroy(id: string | undefined): void {
      if (id !== undefined) sessions.delete(id);
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
