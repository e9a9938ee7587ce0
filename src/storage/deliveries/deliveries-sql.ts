import type { Dialect } from '../dialect';

/** A claim's fence: a write of an outcome applies only while the claim's token is the row's. */
const FENCE = 'target = ? AND item = ? AND claim_token = ?';
const CLEAR = 'lease_until = NULL, lease_owner = NULL';
/** The one claim order: most urgent first (DuePriority; NULL, a 0.1.0 row, as "other"), then oldest due, then item. */
export const CLAIM_ORDER = 'COALESCE(priority, 3), due_since, item';
export const claimable = (d: Dialect) => `target = ? AND dead = ${d.no} AND due_at IS NOT NULL AND due_at <= ?`;
/**
 * Made due by an operator (reconcile --fix) or a retried dead letter: an urgency it already has is kept, else
 * "other" (3); a new row is "never delivered" (2).
 */
export const markDueConflict = (d: Dialect) => `ON CONFLICT (target, item) DO UPDATE SET due_at = excluded.due_at,
  due_since = COALESCE(items.due_since, excluded.due_since), priority = COALESCE(items.priority, 3), dead = ${d.no},
  dead_reason = NULL, attempts = 0, first_failed_at = NULL, updated_at = excluded.updated_at`;

/**
 * The statements both drivers run as they are (written with `?`; see ../dialect.ts). Each comment lists the
 * parameters in order. Only the claim and the bulk markDue differ by driver.
 */
export function deliveriesSql(d: Dialect) {
  const v = 'CAST(? AS BIGINT)';
  const newer = (g: string) => `version > ${d.greatest('delivered_version', g)}`;
  return {
    // until, target, item, token. A released claim (no lease) cannot be renewed, even with its token.
    renew: `UPDATE items SET lease_until = ? WHERE ${FENCE} AND lease_until IS NOT NULL`,
    // v, v, now, v, v, v, figures, status, now, target, item, token (v = the delivered version).
    delivered: `UPDATE items SET
      delivered_version = ${d.greatest('delivered_version', v)},
      due_at = CASE WHEN ${newer(v)} THEN ${v} ELSE NULL END,
      due_since = CASE WHEN ${newer(v)} THEN due_since ELSE NULL END,
      priority = CASE WHEN ${newer(v)} THEN priority ELSE NULL END,
      delivered_figures = CASE WHEN ${v} >= delivered_version THEN ? ELSE delivered_figures END,
      attempts = 0, first_failed_at = NULL, last_error = NULL, last_status = ?, ${CLEAR}, updated_at = ?
      WHERE ${FENCE}`,
    // dueAt, now, error, status, now, target, item, token
    retry: `UPDATE items SET due_at = ?, attempts = attempts + 1, first_failed_at = COALESCE(first_failed_at, ?),
      last_error = ?, last_status = ?, ${CLEAR}, updated_at = ? WHERE ${FENCE}`,
    // reason, now, reason, status, now, target, item, token
    dead: `UPDATE items SET dead = ${d.yes}, dead_reason = ?, due_at = NULL, attempts = attempts + 1,
      first_failed_at = COALESCE(first_failed_at, ?), last_error = ?, last_status = ?, ${CLEAR}, updated_at = ?
      WHERE ${FENCE}`,
    // dueAt, target, item, token
    release: `UPDATE items SET ${CLEAR}, due_at = ? WHERE ${FENCE}`,
    // target
    nextDueAt: `SELECT MIN(CASE WHEN lease_until IS NOT NULL AND lease_until > due_at THEN lease_until ELSE due_at
      END) AS t FROM items WHERE target = ? AND dead = ${d.no} AND due_at IS NOT NULL`,
    // target, item
    get: 'SELECT * FROM items WHERE target = ? AND item = ?',
    // target, limit
    listDead: `SELECT * FROM items WHERE target = ? AND dead = ${d.yes} ORDER BY updated_at DESC, item LIMIT ?`,
    listFailures:
      'SELECT * FROM items WHERE target = ? AND last_error IS NOT NULL ORDER BY updated_at DESC, item LIMIT ?',
    // now, now, now, target, item
    retryDeadOne: `UPDATE items SET dead = ${d.no}, dead_reason = NULL, due_at = ?, due_since = ?, attempts = 0,
      first_failed_at = NULL, priority = COALESCE(priority, 3), updated_at = ? WHERE target = ? AND item = ? AND dead = ${d.yes}`,
    // now, now, now, target
    retryDeadAll: `UPDATE items SET dead = ${d.no}, dead_reason = NULL, due_at = ?, due_since = ?, attempts = 0,
      first_failed_at = NULL, priority = COALESCE(priority, 3), updated_at = ? WHERE target = ? AND dead = ${d.yes}`,
    // target × 4. Indexed counts: a scrape costs the backlog's size, not the catalogue's.
    stats: `SELECT
      (SELECT COUNT(*) FROM items WHERE target = ? AND dead = ${d.no} AND due_at IS NOT NULL) AS backlog,
      (SELECT MIN(due_since) FROM items WHERE target = ? AND dead = ${d.no} AND due_at IS NOT NULL) AS oldest,
      (SELECT COUNT(*) FROM items WHERE target = ? AND dead = ${d.yes}) AS dead,
      (SELECT COUNT(*) FROM unmapped WHERE target = ?) AS unmapped`,
    // target
    lastError: `SELECT last_error, updated_at FROM items WHERE target = ? AND last_error IS NOT NULL
      ORDER BY updated_at DESC, item LIMIT 1`,
  };
}
