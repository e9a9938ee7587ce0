/** Who a session is for: the operator's dashboard, or one merchant's settings page (bound to one account). */
export type SessionKind = 'dashboard' | 'merchant';

export interface SessionRow {
  readonly kind: SessionKind;
  /** The one account a merchant session may see and change; null for the operator. */
  readonly account: string | null;
  /** Sent back by the page with every state-changing request. */
  readonly csrf: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/**
 * Signed-in sessions and the sign-in guard's failure counts, in the database: behind a load balancer any instance
 * serves a session another one made. A session is keyed by the SHA-256 of its id (a copy of the table signs no one
 * in). Each method is one statement.
 */
export interface SessionsStore {
  /** Stores a new session; sessions expired before `now` are removed on the way (the table stays bounded). */
  create(idHash: string, row: SessionRow, now: number): Promise<void>;
  /** The session, unless it expired (or never was) by `now`. */
  get(idHash: string, now: number): Promise<SessionRow | undefined>;
  /** Sliding expiry: the session now lasts until `expiresAt` (never shortened). */
  extend(idHash: string, expiresAt: number): Promise<void>;
  revoke(idHash: string): Promise<void>;
  /** Every session of one account (a merchant's, after a disconnect): how many were revoked. */
  revokeAccount(account: string): Promise<number>;
  /** Failed sign-ins of `who` in its current window and when it ends (count 0 once the window ended). */
  failures(who: string, now: number): Promise<{ count: number; untilAt: number }>;
  /** Counts one failure: a window of `windowMs` starts with the first; returns the count in it. */
  fail(who: string, windowMs: number, now: number): Promise<number>;
}
