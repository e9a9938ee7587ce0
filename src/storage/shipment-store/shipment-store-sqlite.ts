/* eslint-disable @typescript-eslint/require-await -- better-sqlite3 is synchronous; the store contract is async */
import type { ClaimedShipment, NewShipment, ShipmentStore } from './shipment-store';
import { prepareAll, type Row, type SqliteDb } from '../sqlite/sqlite-db';
import { toShipment } from './shipment-row';
import { nullableNumber as num } from '../deliveries/item-row';

/** Reports for the same order (same identifier form, site and reference) are one ordered stream. */
export const orderKey = (s: Pick<NewShipment, 'by' | 'ref' | 'site'>) => `${s.site}\u0000${s.by}\u0000${s.ref}`;

const CLEAR = 'lease_until = NULL, lease_owner = NULL';
const SQL = {
  insert: `INSERT INTO shipments (id, order_key, by_field, ref, site, report, status, next_at, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
  get: 'SELECT * FROM shipments WHERE id = ?',
  any:
    "SELECT 1 FROM shipments WHERE status = 'pending' AND next_at <= ? " +
    'AND (lease_until IS NULL OR lease_until < ?) LIMIT 1',
  // An order's reports go one at a time in arrival order: a report waits while an earlier one is still pending.
  claim: `SELECT * FROM shipments s
    WHERE s.status = 'pending' AND s.next_at <= ? AND (s.lease_until IS NULL OR s.lease_until < ?)
      AND NOT EXISTS (SELECT 1 FROM shipments e WHERE e.order_key = s.order_key AND e.seq < s.seq AND e.status
        = 'pending')
    ORDER BY s.seq LIMIT ?`,
  lease:
    'UPDATE shipments SET lease_until = ?, lease_owner = ?, claim_token = claim_token + 1 ' +
    'WHERE id = ? RETURNING claim_token',
  renew: 'UPDATE shipments SET lease_until = ? WHERE id = ? AND claim_token = ? AND status = ?',
  delivered: `UPDATE shipments SET status = 'delivered', last_answer = ?, last_status = ?, delivered_at = ?,
    updated_at = ?,
      attempts = attempts + 1, ${CLEAR} WHERE id = ? AND claim_token = ? AND status = 'pending'`,
  retry: `UPDATE shipments SET next_at = ?, last_answer = ?, last_status = ?, attempts = attempts + 1,
      first_failed_at = COALESCE(first_failed_at, ?), updated_at = ?, ${CLEAR} WHERE id = ? AND claim_token = ?
        AND status = 'pending'`,
  failed: `UPDATE shipments SET status = 'failed', last_answer = ?, last_status = ?, attempts = attempts + 1,
      first_failed_at = COALESCE(first_failed_at, ?), updated_at = ?, ${CLEAR} WHERE id = ? AND claim_token = ?
        AND status = 'pending'`,
  retryOne: `UPDATE shipments SET status = 'pending', next_at = ?, attempts = 0, first_failed_at = NULL, updated_at = ?
    WHERE id = ? AND status = 'failed'`,
  retryAll: `UPDATE shipments SET status = 'pending', next_at = ?, attempts = 0, first_failed_at = NULL, updated_at = ?
    WHERE status = 'failed'`,
  list: 'SELECT * FROM shipments WHERE status = ? ORDER BY updated_at DESC LIMIT ?',
  nextAt: `SELECT MIN(CASE WHEN lease_until IS NOT NULL AND lease_until > next_at THEN lease_until ELSE next_at
    END) AS t
    FROM shipments WHERE status = 'pending'`,
  getIdem: 'SELECT body_hash, ids FROM idempotency WHERE key = ?',
  putIdem: 'INSERT INTO idempotency (key, body_hash, ids, created_at) VALUES (?, ?, ?, ?)',
};

export function createShipmentStoreSqlite(s: SqliteDb): ShipmentStore {
  const { db } = s;
  const st = prepareAll(db, SQL);
  const create = db.transaction((items: NewShipment[], idem: { key: string; bodyHash: string } | null, now: number) => {
    if (idem) {
      const seen = st.getIdem.get(idem.key) as Row | undefined;
      if (seen)
        return seen.body_hash === idem.bodyHash
          ? { ids: JSON.parse(String(seen.ids)) as string[], created: false }
          : { conflict: true as const };
    }
    for (const x of items)
      st.insert.run(x.id, orderKey(x), x.by, x.ref, x.site, JSON.stringify(x.report), now, now, now);
    if (idem) st.putIdem.run(idem.key, idem.bodyHash, JSON.stringify(items.map((x) => x.id)), now);
    return { ids: items.map((x) => x.id), created: true };
  });
  const claim = db.transaction((limit: number, now: number, leaseMs: number, owner: string) =>
    (st.claim.all(now, now, limit) as Row[]).map((r): ClaimedShipment => ({
      ...toShipment(r),
      token: Number((st.lease.get(now + leaseMs, owner, r.id) as Row).claim_token),
    })),
  );
  const fenced = (stmt: keyof typeof SQL, ...args: unknown[]) => s.write(() => st[stmt].run(...args).changes > 0);

  return {
    create: (items, idem, now) => s.write(() => create.immediate(items, idem, now)),
    async get(id) {
      const r = st.get.get(id) as Row | undefined;
      return r ? toShipment(r) : undefined;
    },
    async claim(limit, now, leaseMs, owner) {
      if (!st.any.get(now, now)) return [];
      return s.write(() => claim.immediate(limit, now, leaseMs, owner));
    },
    renew: (id, token, until) => fenced('renew', until, id, token, 'pending'),
    markDelivered: (id, token, answer, status, now) =>
      fenced('delivered', JSON.stringify(answer), status, now, now, id, token),
    markRetry: (id, token, nextAt, answer, status, now) =>
      fenced('retry', nextAt, JSON.stringify(answer), status, now, now, id, token),
    markFailed: (id, token, answer, status, now) =>
      fenced('failed', JSON.stringify(answer), status, now, now, id, token),
    retry: (id, now) =>
      s.write(() => (id === null ? st.retryAll.run(now, now).changes : st.retryOne.run(now, now, id).changes)),
    list: async (status, limit) => (st.list.all(status, limit) as Row[]).map(toShipment),
    async nextAt() {
      return num((st.nextAt.get() as Row).t);
    },
  };
}
