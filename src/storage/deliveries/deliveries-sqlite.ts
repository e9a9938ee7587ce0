/* eslint-disable @typescript-eslint/require-await -- better-sqlite3 is synchronous; the store contract is async */
import type { ClaimedItem, Deliveries } from './deliveries';
import { SQLITE } from '../dialect';
import { prepareAll, type Row, type SqliteDb } from '../sqlite/sqlite-db';
import { CLAIM_ORDER, claimable, deliveriesSql, markDueConflict } from './deliveries-sql';
import { nullableNumber as num, toItemState } from './item-row';

const FREE = '(lease_until IS NULL OR lease_until < ?)';
const SQL = {
  ...deliveriesSql(SQLITE),
  // A plain read first, so an idle poll takes no write lock. Params: target, now, now.
  anyDue: `SELECT 1 FROM items WHERE ${claimable(SQLITE)} AND ${FREE} LIMIT 1`,
  // target, now, now, limit
  selectDue: `SELECT item, version, attempts, first_failed_at, due_since FROM items
    WHERE ${claimable(SQLITE)} AND ${FREE} ORDER BY ${CLAIM_ORDER} LIMIT ?`,
  // until, owner, target, item: one write transaction holds the rows, so no other claim can lease them meanwhile.
  lease: `UPDATE items SET lease_until = ?, lease_owner = ?, claim_token = claim_token + 1 WHERE target = ? AND item = ?
    RETURNING claim_token`,
  // target, item, now, now, now
  markDue: `INSERT INTO items (target, item, version, due_at, due_since, priority, updated_at) VALUES (?, ?, 0, ?, ?, 2, ?)
    ${markDueConflict(SQLITE)}`,
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
    [...new Set(items)].reduce((n, item) => n + st.markDue.run(target, item, now, now, now).changes, 0),
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
      const b = st.stats.get(target, target, target, target) as Row;
      const le = st.lastError.get(target) as Row | undefined;
      return {
        backlog: Number(b.backlog ?? 0),
        oldestDueSince: num(b.oldest),
        dead: Number(b.dead ?? 0),
        lastError: (le?.last_error as string | undefined) ?? null,
        lastErrorAt: le ? Number(le.updated_at) : null,
        unmapped: Number(b.unmapped ?? 0),
      };
    },
  };
}
