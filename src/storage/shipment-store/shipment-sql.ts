import type { Dialect } from '../dialect';
import type { NewShipment } from './shipment-store';

/**
 * Reports for the same order (same identifier form, site and reference) are one ordered stream. JSON, not a NUL
 * separator: PostgreSQL text cannot hold NUL (a 0.2 SQLite database is converted by its migration 3).
 */
export const orderKey = (s: Pick<NewShipment, 'by' | 'ref' | 'site'>) => JSON.stringify([s.site, s.by, s.ref]);

const FENCE = "id = ? AND claim_token = ? AND status = 'pending'";
const CLEAR = 'lease_until = NULL, lease_owner = NULL';
/** A report is claimable only at the head of its order's stream: while an earlier one is pending it waits. */
export const HEAD_OF_STREAM = `NOT EXISTS (SELECT 1 FROM shipments e
  WHERE e.order_key = s.order_key AND e.seq < s.seq AND e.status = 'pending')`;

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
    // now, now, id
    retryOne: `UPDATE shipments SET status = 'pending', next_at = ?, attempts = 0, first_failed_at = NULL,
      updated_at = ? WHERE id = ? AND status = 'failed'`,
    // now, now
    retryAll: `UPDATE shipments SET status = 'pending', next_at = ?, attempts = 0, first_failed_at = NULL,
      updated_at = ? WHERE status = 'failed'`,
    // status, limit
    list: 'SELECT * FROM shipments WHERE status = ? ORDER BY updated_at DESC, seq DESC LIMIT ?',
    // (none) Only the head of each order's stream can be claimed: a report waiting behind an earlier one has no
    // time of its own, so it never wakes the sender for nothing.
    nextAt: `SELECT MIN(CASE WHEN lease_until IS NOT NULL AND lease_until > next_at THEN lease_until ELSE next_at
      END) AS t FROM shipments s WHERE status = 'pending' AND ${HEAD_OF_STREAM}`,
    // key
    getIdem: 'SELECT body_hash, ids FROM idempotency WHERE key = ?',
  };
}
