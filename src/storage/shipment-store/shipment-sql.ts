import type { Dialect } from '../dialect';
import type { NewShipment } from './shipment-store';

/**
 * Reports for the same order (same identifier form, site and reference) are one ordered stream. JSON, not a NUL
 * separator: PostgreSQL text cannot hold NUL (a 0.2 SQLite database is converted by its migration 3).
 */
export const orderKey = (s: Pick<NewShipment, 'by' | 'ref' | 'site' | 'account'>) =>
  // Streams are per account: another account's report for the same order reference never waits behind this one.
  JSON.stringify(!s.account || s.account === 'default' ? [s.site, s.by, s.ref] : [s.account, s.site, s.by, s.ref]);

const FENCE = "id = ? AND claim_token = ? AND status = 'pending'";
const CLEAR = 'lease_until = NULL, lease_owner = NULL';
/** A report is claimable only at the head of its order's stream: while an earlier one is pending it waits. */
export const HEAD_OF_STREAM = `NOT EXISTS (SELECT 1 FROM shipments e
  WHERE e.order_key = s.order_key AND e.seq < s.seq AND e.status = 'pending')`;

/**
 * The accounts with pending reports, one index seek each (a skip scan over (status, account)), however many
 * reports one of them has waiting: what the claim takes turns over.
 */
export const PENDING_ACCOUNTS = `WITH RECURSIVE a(x) AS (
    SELECT (SELECT MIN(account) FROM shipments WHERE status = 'pending')
    UNION ALL
    SELECT (SELECT MIN(account) FROM shipments WHERE status = 'pending' AND account > a.x) FROM a WHERE a.x IS NOT NULL)
  SELECT x AS account FROM a WHERE x IS NOT NULL`;

/** account, now, now, limit: one account's claimable reports, oldest first. */
export const CLAIMABLE_OF = `SELECT * FROM shipments s
  WHERE s.status = 'pending' AND s.account = ? AND s.next_at <= ? AND (s.lease_until IS NULL OR s.lease_until < ?)
    AND ${HEAD_OF_STREAM}
  ORDER BY s.seq LIMIT ?`;

/**
 * Reports are taken fairly across accounts: accounts in turn from after the one served last, one report of each
 * per round, so one merchant's backlog of 100,000 reports never holds another merchant's one report behind it.
 * `turnOrder` is the order to visit the accounts in (a driver visits them until `limit` have something claimable);
 * `interleave` makes the picks from what the visited ones had, and says whom to start after next time.
 */
export function turnOrder(accounts: readonly string[], after: string | null): string[] {
  const i = after === null ? -1 : accounts.findIndex((a) => a > after);
  return i <= 0 ? [...accounts] : [...accounts.slice(i), ...accounts.slice(0, i)];
}

export function interleave<R>(
  lists: ReadonlyArray<{ account: string; rows: readonly R[] }>,
  limit: number,
  after: string | null,
): { picked: R[]; last: string | null } {
  const picked: R[] = [];
  let last = after;
  for (let round = 0; picked.length < limit; round++) {
    let any = false;
    for (const l of lists) {
      if (picked.length >= limit) break;
      const r = l.rows[round];
      if (r === undefined) continue;
      picked.push(r);
      last = l.account;
      any = true;
    }
    if (!any) break;
  }
  return { picked, last };
}

/** The statements both drivers run as they are (see ../dialect.ts); each comment lists the parameters in order. */
export function shipmentSql(_d: Dialect) {
  return {
    // id
    get: 'SELECT * FROM shipments WHERE id = ?',
    // until, id, token
    renew: `UPDATE shipments SET lease_until = ? WHERE ${FENCE}`,
    // answer, status, now, now, id, token
    delivered: `UPDATE shipments SET status = 'delivered', last_answer = ?, last_status = ?, delivered_at = ?,
      updated_at = ?, attempts = attempts + 1, ${CLEAR} WHERE ${FENCE}`,
    // nextAt, answer, status, now, now, id, token
    retry: `UPDATE shipments SET next_at = ?, last_answer = ?, last_status = ?, attempts = attempts + 1,
      first_failed_at = COALESCE(first_failed_at, ?), updated_at = ?, ${CLEAR} WHERE ${FENCE}`,
    // answer, status, now, now, id, token
    failed: `UPDATE shipments SET status = 'failed', last_answer = ?, last_status = ?, attempts = attempts + 1,
      first_failed_at = COALESCE(first_failed_at, ?), updated_at = ?, ${CLEAR} WHERE ${FENCE}`,
    // now, now, id, account
    retryOne: `UPDATE shipments SET status = 'pending', next_at = ?, attempts = 0, first_failed_at = NULL,
      updated_at = ? WHERE id = ? AND status = 'failed' AND account = ?`,
    // now, now, account
    retryAll: `UPDATE shipments SET status = 'pending', next_at = ?, attempts = 0, first_failed_at = NULL,
      updated_at = ? WHERE status = 'failed' AND account = ?`,
    // status, account, limit
    list: 'SELECT * FROM shipments WHERE status = ? AND account = ? ORDER BY updated_at DESC, seq DESC LIMIT ?',
    // (none) Only the head of each order's stream can be claimed: a report waiting behind an earlier one has no
    // time of its own, so it never wakes the sender for nothing.
    nextAt: `SELECT MIN(CASE WHEN lease_until IS NOT NULL AND lease_until > next_at THEN lease_until ELSE next_at
      END) AS t FROM shipments s WHERE status = 'pending' AND ${HEAD_OF_STREAM}`,
    // key
    getIdem: 'SELECT body_hash, ids FROM idempotency WHERE key = ?',
  };
}
