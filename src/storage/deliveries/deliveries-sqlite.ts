/* eslint-disable @typescript-eslint/require-await -- better-sqlite3 is synchronous; the store contract is async */
import type { ClaimedItem, Deliveries } from './deliveries';
import { prepareAll, type Row, type SqliteDb } from '../sqlite/sqlite-db';
import { nullableNumber as num, toItemState } from './item-row';

const FREE = '(lease_until IS NULL OR lease_until < ?)';
const CLAIMABLE = `target = ? AND dead = 0 AND due_at IS NOT NULL AND due_at <= ? AND ${FREE}`;
const CLEAR = 'lease_until = NULL, lease_owner = NULL';

const SQL = {
  // A plain read first, so an idle poll takes no write lock.
  anyDue: `SELECT 1 FROM items WHERE ${CLAIMABLE} LIMIT 1`,
  // Most urgent first (see DuePriority), then oldest due; NULL priority (0.1.0 rows) sorts with "other".
  selectDue: `SELECT item, version, attempts, first_failed_at, due_since FROM items WHERE ${CLAIMABLE}
    ORDER BY COALESCE(priority, 3), due_since, item LIMIT ?`,
  lease: `UPDATE items SET lease_until = ?, lease_owner = ?, claim_token = claim_token + 1 WHERE target = ? AND item = ?
    RETURNING claim_token`,
  renew: 'UPDATE items SET lease_until = ? WHERE target = ? AND item = ? AND claim_token = ?',
  // Positional: v, v, v, figures, now, status, now, target, item, token (v = the delivered version).
  delivered: `UPDATE items SET
      delivered_version = MAX(delivered_version, ?),
      due_at = CASE WHEN version > MAX(delivered_version, ?) THEN ? ELSE NULL END,
      due_since = CASE WHEN version > MAX(delivered_version, ?) THEN due_since ELSE NULL END,
      priority = CASE WHEN version > MAX(delivered_version, ?) THEN priority ELSE NULL END,
      delivered_figures = CASE WHEN ? >= delivered_version THEN ? ELSE delivered_figures END,
      attempts = 0, first_failed_at = NULL, last_error = NULL, last_status = ?, ${CLEAR}, updated_at = ?
    WHERE target = ? AND item = ? AND claim_token = ?`,
  retry: `UPDATE items SET due_at = ?, attempts = attempts + 1, first_failed_at = COALESCE(first_failed_at, ?),
      last_error = ?, last_status = ?, ${CLEAR}, updated_at = ? WHERE target = ? AND item = ? AND claim_token = ?`,
  dead: `UPDATE items SET dead = 1, dead_reason = ?, due_at = NULL, attempts = attempts + 1,
      first_failed_at = COALESCE(first_failed_at, ?), last_error = ?, last_status = ?, ${CLEAR}, updated_at = ?
    WHERE target = ? AND item = ? AND claim_token = ?`,
  release: `UPDATE items SET ${CLEAR}, due_at = ? WHERE target = ? AND item = ? AND claim_token = ?`,
  markDue: `INSERT INTO items (target, item, version, due_at, due_since, priority, updated_at) VALUES (?, ?, 0,
    ?, ?, 2, ?)
    ON CONFLICT (target, item) DO UPDATE SET due_at = excluded.due_at, due_since = COALESCE(items.due_since,
      excluded.due_since),
      priority = COALESCE(items.priority, 3), dead = 0, dead_reason = NULL, attempts = 0, first_failed_at = NULL,
      updated_at = excluded.updated_at`,
  nextDueAt: `SELECT MIN(CASE WHEN lease_until IS NOT NULL AND lease_until > due_at THEN lease_until ELSE
    due_at END) AS t
    FROM items WHERE target = ? AND dead = 0 AND due_at IS NOT NULL`,
  get: 'SELECT * FROM items WHERE target = ? AND item = ?',
  listDead: 'SELECT * FROM items WHERE target = ? AND dead = 1 ORDER BY updated_at DESC LIMIT ?',
  listFailures: 'SELECT * FROM items WHERE target = ? AND last_error IS NOT NULL ORDER BY updated_at DESC LIMIT ?',
  retryDeadOne: `UPDATE items SET dead = 0, dead_reason = NULL, due_at = ?, due_since = ?, attempts = 0,
    first_failed_at = NULL, priority = COALESCE(priority, 3), updated_at = ? WHERE target = ? AND item = ? AND
      dead = 1`,
  retryDeadAll: `UPDATE items SET dead = 0, dead_reason = NULL, due_at = ?, due_since = ?, attempts = 0,
    first_failed_at = NULL, priority = COALESCE(priority, 3), updated_at = ? WHERE target = ? AND dead = 1`,
  // Indexed counts: a scrape costs the backlog's size, not the catalogue's.
  backlog:
    'SELECT COUNT(*) AS backlog, MIN(due_since) AS oldest FROM items ' +
    'WHERE target = ? AND dead = 0 AND due_at IS NOT NULL',
  deadCount: 'SELECT COUNT(*) AS n FROM items WHERE target = ? AND dead = 1',
  lastError:
    'SELECT last_error, updated_at FROM items ' +
    'WHERE target = ? AND last_error IS NOT NULL ORDER BY updated_at DESC LIMIT 1',
  unmapped: 'SELECT COUNT(*) AS n FROM unmapped WHERE target = ?',
};

export function createDeliveriesSqlite(s: SqliteDb): Deliveries {
  const { db } = s;
  const st = prepareAll(db, SQL);
  const claim = db.transaction((target: string, limit: number, now: number, leaseMs: number, owner: string) =>
    (st.selectDue.all(target, now, now, limit) as Row[]).map((r): ClaimedItem => ({
      item: String(r.item),
      version: Number(r.version),
      attempts: Number(r.attempts),
      firstFailedAt: num(r.first_failed_at),
      dueSince: num(r.due_since),
      token: Number((st.lease.get(now + leaseMs, owner, target, r.item) as Row).claim_token),
    })),
  );
  const markDue = db.transaction((target: string, items: string[], now: number) =>
    items.reduce((n, item) => n + st.markDue.run(target, item, now, now, now).changes, 0),
  );
  // The worker's per-item bookkeeping is group-committed; each write is fenced by its claim's token.
  const fenced = (stmt: keyof typeof SQL, ...args: unknown[]) => s.grouped(() => st[stmt].run(...args).changes > 0);

  return {
    async claim(target, limit, now, leaseMs, owner) {
      if (!st.anyDue.get(target, now, now)) return [];
      return s.write(() => claim.immediate(target, limit, now, leaseMs, owner));
    },
    renew: (target, item, token, until) => fenced('renew', until, target, item, token),
    markDelivered: (target, item, token, v, figures, status, now) =>
      fenced('delivered', v, v, now, v, v, v, JSON.stringify(figures), status, now, target, item, token),
    markRetry: (target, item, token, dueAt, error, status, now) =>
      fenced('retry', dueAt, now, error, status, now, target, item, token),
    markDead: (target, item, token, reason, status, now) =>
      fenced('dead', reason, now, reason, status, now, target, item, token),
    release: (target, item, token, dueAt) => fenced('release', dueAt, target, item, token),
    markDue: (target, items, now) => s.write(() => markDue.immediate(target, items, now)),
    async nextDueAt(target) {
      return num((st.nextDueAt.get(target) as Row).t);
    },
    async get(target, item) {
      const r = st.get.get(target, item) as Row | undefined;
      return r ? toItemState(r) : undefined;
    },
    listDead: async (target, limit) => (st.listDead.all(target, limit) as Row[]).map(toItemState),
    listFailures: async (target, limit) => (st.listFailures.all(target, limit) as Row[]).map(toItemState),
    retryDead: (target, item, now) =>
      s.write(() =>
        item === null
          ? st.retryDeadAll.run(now, now, now, target).changes
          : st.retryDeadOne.run(now, now, now, target, item).changes,
      ),
    async stats(target) {
      const b = st.backlog.get(target) as Row;
      const le = st.lastError.get(target) as Row | undefined;
      return {
        backlog: Number(b.backlog ?? 0),
        oldestDueSince: num(b.oldest),
        dead: Number((st.deadCount.get(target) as Row).n ?? 0),
        lastError: (le?.last_error as string | undefined) ?? null,
        lastErrorAt: le ? Number(le.updated_at) : null,
        unmapped: Number((st.unmapped.get(target) as Row).n),
      };
    },
  };
}
