import { render, type Dialect } from '../dialect';

/** Written once for both drivers (see storage/dialect.ts). */
export const sessionsSql = (d: Dialect) =>
  render(d, () => ({
    purge: 'DELETE FROM sessions WHERE expires_at <= ?',
    create: `INSERT INTO sessions (id_hash, kind, account, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
    get: 'SELECT kind, account, csrf, created_at, expires_at FROM sessions WHERE id_hash = ? AND expires_at > ?',
    extend: `UPDATE sessions SET expires_at = ? WHERE id_hash = ? AND expires_at < ?`,
    revoke: 'DELETE FROM sessions WHERE id_hash = ?',
    revokeAccount: 'DELETE FROM sessions WHERE account = ?',
    failures: 'SELECT failed, until_at FROM sign_in_failures WHERE who = ? AND until_at > ?',
    purgeFailures: 'DELETE FROM sign_in_failures WHERE until_at <= ?',
    // One statement, so two instances counting the same address never lose a failure.
    fail: `INSERT INTO sign_in_failures (who, failed, until_at) VALUES (?, 1, ?)
      ON CONFLICT (who) DO UPDATE SET
        failed = CASE WHEN sign_in_failures.until_at <= ? THEN 1 ELSE sign_in_failures.failed + 1 END,
        until_at = CASE WHEN sign_in_failures.until_at <= ? THEN excluded.until_at ELSE sign_in_failures.until_at END
      RETURNING failed`,
  }));

export function toSessionRow(r: Record<string, unknown>) {
  return {
    kind: r.kind as 'dashboard' | 'merchant',
    account: (r.account as string | null) ?? null,
    csrf: String(r.csrf),
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
  };
}
