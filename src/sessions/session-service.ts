import crypto from 'node:crypto';
import type { SessionKind, SessionRow, SessionsStore } from '../storage/sessions/sessions';

export interface Session {
  readonly kind: SessionKind;
  /** The one account a merchant session sees; null for the operator. */
  readonly account: string | null;
  /** Sent by the page's script in `X-CSRF-Token` with every state-changing request. */
  readonly csrf: string;
}

const token = () => crypto.randomBytes(32).toString('base64url');
/** The table holds the id's hash only: a copy of it signs no one in. */
const hashOf = (id: string) => crypto.createHash('sha256').update(id, 'utf8').digest('hex');

export interface SessionServiceOptions {
  store: SessionsStore;
  /** Sliding lifetime per kind: an idle session ends after this. */
  ttlMs: Readonly<Record<SessionKind, number>>;
  now?: () => number;
}

/**
 * Sign-in sessions over the database (any instance serves any session), with sliding expiry and revocation. The
 * expiry is written again only once a twelfth of the lifetime has passed, so reading a page is not a write each time.
 */
export function createSessionService(opts: SessionServiceOptions) {
  const { store, ttlMs } = opts;
  const now = opts.now ?? Date.now;
  return {
    ttlMs,
    async create(kind: SessionKind, account: string | null = null): Promise<{ id: string; session: Session }> {
      const id = token();
      const t = now();
      const row: SessionRow = { kind, account, csrf: token(), createdAt: t, expiresAt: t + ttlMs[kind] };
      await store.create(hashOf(id), row, t);
      return { id, session: { kind, account, csrf: row.csrf } };
    },
    /** The session of `kind` with this id, unless it expired or was revoked. */
    async get(id: string | undefined, kind: SessionKind): Promise<Session | undefined> {
      if (!id || id.length > 100) return undefined;
      const t = now();
      const h = hashOf(id);
      const row = await store.get(h, t);
      if (!row || row.kind !== kind) return undefined;
      const ttl = ttlMs[kind];
      if (row.expiresAt - t < ttl - ttl / 12) await store.extend(h, t + ttl);
      return { kind: row.kind, account: row.account, csrf: row.csrf };
    },
    async destroy(id: string | undefined): Promise<void> {
      if (id) await store.revoke(hashOf(id));
    },
    /** Signs out every merchant of one account (it was disconnected, or its clientId changed). */
    revokeAccount: (account: string) => store.revokeAccount(account),
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
