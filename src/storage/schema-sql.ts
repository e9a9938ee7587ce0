/**
 * One schema, portable SQL (INTEGER/TEXT, ON CONFLICT upserts) so the PostgreSQL driver can reuse it with
 * only the sequence column spelled differently.
 */
export function callbackLogSql(seqColumn: string, table = 'callbacks'): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
      seq ${seqColumn},
      received_at BIGINT NOT NULL,
      content_hash TEXT NOT NULL,
      offers TEXT NOT NULL)`;
}

export function schemaSql(seqColumn: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS desired (
      target TEXT NOT NULL, item TEXT NOT NULL, warehouse TEXT NOT NULL,
      quantity BIGINT NOT NULL, version BIGINT NOT NULL,
      PRIMARY KEY (target, item, warehouse))`,
    `CREATE TABLE IF NOT EXISTS items (
      target TEXT NOT NULL, item TEXT NOT NULL,
      version BIGINT NOT NULL,
      delivered_version BIGINT NOT NULL DEFAULT 0,
      due_at BIGINT, due_since BIGINT,
      lease_until BIGINT, lease_owner TEXT,
      attempts INTEGER NOT NULL DEFAULT 0,
      first_failed_at BIGINT,
      last_error TEXT, last_status INTEGER,
      dead INTEGER NOT NULL DEFAULT 0, dead_reason TEXT,
      updated_at BIGINT NOT NULL,
      PRIMARY KEY (target, item))`,
    `CREATE INDEX IF NOT EXISTS items_due ON items (target, dead, due_at)`,
    // Operators' views (last error, failures, dead letters) read only failing items: index just those.
    `CREATE INDEX IF NOT EXISTS items_failing ON items (target, updated_at) WHERE last_error IS NOT NULL`,
    `CREATE INDEX IF NOT EXISTS items_dead ON items (target, updated_at) WHERE dead = 1`,
    `CREATE TABLE IF NOT EXISTS unmapped (
      target TEXT NOT NULL, offer_ref TEXT NOT NULL, reason TEXT NOT NULL,
      seq BIGINT NOT NULL, seen_at BIGINT NOT NULL,
      PRIMARY KEY (target, offer_ref))`,
    `CREATE TABLE IF NOT EXISTS shipments (
      seq ${seqColumn},
      id TEXT NOT NULL UNIQUE,
      order_key TEXT NOT NULL,
      by_field TEXT NOT NULL, ref TEXT NOT NULL, site TEXT NOT NULL,
      report TEXT NOT NULL,
      status TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_at BIGINT NOT NULL,
      lease_until BIGINT, lease_owner TEXT,
      first_failed_at BIGINT, last_status INTEGER, last_answer TEXT,
      created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, delivered_at BIGINT)`,
    `CREATE INDEX IF NOT EXISTS shipments_pending ON shipments (status, next_at)`,
    `CREATE INDEX IF NOT EXISTS shipments_order ON shipments (order_key, seq)`,
    `CREATE TABLE IF NOT EXISTS idempotency (
      key TEXT PRIMARY KEY, body_hash TEXT NOT NULL, ids TEXT NOT NULL, created_at BIGINT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS source_state (
      source TEXT NOT NULL, offer TEXT NOT NULL, warehouse TEXT NOT NULL, quantity BIGINT NOT NULL, uploaded_at BIGINT NOT NULL,
      PRIMARY KEY (source, offer, warehouse))`,
    `CREATE TABLE IF NOT EXISTS sync_runs (
      id ${seqColumn}, source TEXT NOT NULL, dry_run INTEGER NOT NULL, started_at BIGINT NOT NULL, finished_at BIGINT,
      outcome TEXT NOT NULL, message TEXT, stats TEXT)`,
    `CREATE TABLE IF NOT EXISTS locks (name TEXT PRIMARY KEY, owner TEXT NOT NULL, until_at BIGINT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS target_state (
      target TEXT PRIMARY KEY, paused INTEGER NOT NULL DEFAULT 0, paused_reason TEXT, paused_at BIGINT)`,
  ];
}

export const SQL = {
  upsertSourceState: `INSERT INTO source_state (source, offer, warehouse, quantity, uploaded_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (source, offer, warehouse) DO UPDATE SET quantity = excluded.quantity, uploaded_at = excluded.uploaded_at`,
  acquireLock: `INSERT INTO locks (name, owner, until_at) VALUES (?, ?, ?)
    ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until_at = excluded.until_at
    WHERE locks.until_at < ? OR locks.owner = excluded.owner`,
  insertShipment: `INSERT INTO shipments (id, order_key, by_field, ref, site, report, status, next_at, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
  // An order's reports go one at a time in arrival order: a report waits while an earlier one is still pending.
  claimShipments: `SELECT * FROM shipments s
    WHERE s.status = 'pending' AND s.next_at <= ? AND (s.lease_until IS NULL OR s.lease_until < ?)
      AND NOT EXISTS (SELECT 1 FROM shipments e WHERE e.order_key = s.order_key AND e.seq < s.seq AND e.status = 'pending')
    ORDER BY s.seq LIMIT ?`,
  leaseShipment: `UPDATE shipments SET lease_until = ?, lease_owner = ? WHERE id = ?`,
  shipmentDelivered: `UPDATE shipments SET status = 'delivered', last_answer = ?, last_status = ?, delivered_at = ?, updated_at = ?,
      attempts = attempts + 1, lease_until = NULL, lease_owner = NULL WHERE id = ?`,
  shipmentRetry: `UPDATE shipments SET next_at = ?, last_answer = ?, last_status = ?, attempts = attempts + 1,
      first_failed_at = COALESCE(first_failed_at, ?), updated_at = ?, lease_until = NULL, lease_owner = NULL WHERE id = ?`,
  shipmentFailed: `UPDATE shipments SET status = 'failed', last_answer = ?, last_status = ?, attempts = attempts + 1,
      first_failed_at = COALESCE(first_failed_at, ?), updated_at = ?, lease_until = NULL, lease_owner = NULL WHERE id = ?`,
  retryShipmentOne: `UPDATE shipments SET status = 'pending', next_at = ?, attempts = 0, first_failed_at = NULL, updated_at = ? WHERE id = ? AND status = 'failed'`,
  retryShipmentAll: `UPDATE shipments SET status = 'pending', next_at = ?, attempts = 0, first_failed_at = NULL, updated_at = ? WHERE status = 'failed'`,
  nextShipmentAt: `SELECT MIN(CASE WHEN lease_until IS NOT NULL AND lease_until > next_at THEN lease_until ELSE next_at END) AS t FROM shipments WHERE status = 'pending'`,
  upsertDesired: `INSERT INTO desired (target, item, warehouse, quantity, version) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (target, item, warehouse) DO UPDATE SET quantity = excluded.quantity, version = excluded.version
    WHERE desired.quantity <> excluded.quantity AND desired.version <= excluded.version`,
  // A new version makes the item due now, unless it is waiting out a backoff (then the retry carries it);
  // a dead-lettered item comes back to life, with a fresh attempt count.
  markItemChanged: `INSERT INTO items (target, item, version, due_at, due_since, updated_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (target, item) DO UPDATE SET
      version = excluded.version,
      due_at = CASE WHEN items.dead = 1 OR items.due_at IS NULL THEN excluded.due_at ELSE items.due_at END,
      due_since = COALESCE(items.due_since, excluded.due_since),
      attempts = CASE WHEN items.dead = 1 THEN 0 ELSE items.attempts END,
      first_failed_at = CASE WHEN items.dead = 1 THEN NULL ELSE items.first_failed_at END,
      dead = 0, dead_reason = NULL,
      updated_at = excluded.updated_at`,
  upsertUnmapped: `INSERT INTO unmapped (target, offer_ref, reason, seq, seen_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (target, offer_ref) DO UPDATE SET reason = excluded.reason, seq = excluded.seq, seen_at = excluded.seen_at`,
  // Positional parameters: v, v, v, v, now, v, v, status, now, target, item (v = the delivered version).
  markDelivered: `UPDATE items SET
      delivered_version = CASE WHEN delivered_version > ? THEN delivered_version ELSE ? END,
      due_at = CASE WHEN version > (CASE WHEN delivered_version > ? THEN delivered_version ELSE ? END) THEN ? ELSE NULL END,
      due_since = CASE WHEN version > (CASE WHEN delivered_version > ? THEN delivered_version ELSE ? END) THEN due_since ELSE NULL END,
      attempts = 0, first_failed_at = NULL, last_error = NULL, last_status = ?,
      lease_until = NULL, lease_owner = NULL, updated_at = ?
    WHERE target = ? AND item = ?`,
  markRetry: `UPDATE items SET due_at = ?, attempts = attempts + 1, first_failed_at = COALESCE(first_failed_at, ?),
      last_error = ?, last_status = ?, lease_until = NULL, lease_owner = NULL, updated_at = ?
    WHERE target = ? AND item = ?`,
  markDead: `UPDATE items SET dead = 1, dead_reason = ?, due_at = NULL, attempts = attempts + 1,
      first_failed_at = COALESCE(first_failed_at, ?), last_error = ?, last_status = ?,
      lease_until = NULL, lease_owner = NULL, updated_at = ?
    WHERE target = ? AND item = ?`,
  releaseItem: `UPDATE items SET lease_until = NULL, lease_owner = NULL, due_at = ? WHERE target = ? AND item = ?`,
  markDue: `UPDATE items SET due_at = ?, due_since = COALESCE(due_since, ?), dead = 0, dead_reason = NULL, attempts = 0,
      first_failed_at = NULL, updated_at = ? WHERE target = ? AND item = ?`,
  retryDeadOne: `UPDATE items SET dead = 0, dead_reason = NULL, due_at = ?, due_since = ?, attempts = 0, first_failed_at = NULL, updated_at = ?
    WHERE target = ? AND item = ? AND dead = 1`,
  retryDeadAll: `UPDATE items SET dead = 0, dead_reason = NULL, due_at = ?, due_since = ?, attempts = 0, first_failed_at = NULL, updated_at = ?
    WHERE target = ? AND dead = 1`,
  // Plain reads that let an idle poll skip the write lock a claim needs.
  anyDue: `SELECT 1 FROM items WHERE target = ? AND dead = 0 AND due_at IS NOT NULL AND due_at <= ? AND (lease_until IS NULL OR lease_until < ?) LIMIT 1`,
  anyShipment: `SELECT 1 FROM shipments WHERE status = 'pending' AND next_at <= ? AND (lease_until IS NULL OR lease_until < ?) LIMIT 1`,
  selectDue: `SELECT item, version, attempts, first_failed_at, due_since FROM items
    WHERE target = ? AND dead = 0 AND due_at IS NOT NULL AND due_at <= ? AND (lease_until IS NULL OR lease_until < ?)
    ORDER BY due_at LIMIT ?`,
  leaseItem: `UPDATE items SET lease_until = ?, lease_owner = ? WHERE target = ? AND item = ?`,
  nextDueAt: `SELECT MIN(CASE WHEN lease_until IS NOT NULL AND lease_until > due_at THEN lease_until ELSE due_at END) AS t
    FROM items WHERE target = ? AND dead = 0 AND due_at IS NOT NULL`,
  // Indexed counts (items_due): a scrape costs the backlog's size, not the catalogue's.
  backlogStats: `SELECT COUNT(*) AS backlog, MIN(due_since) AS oldest FROM items WHERE target = ? AND dead = 0 AND due_at IS NOT NULL`,
  deadCount: `SELECT COUNT(*) AS dead FROM items WHERE target = ? AND dead = 1`,
  lastError: `SELECT last_error, updated_at FROM items WHERE target = ? AND last_error IS NOT NULL ORDER BY updated_at DESC LIMIT 1`,
};
