import type { Deliveries } from './deliveries';
import type { PgDb } from '../postgres/create-pg-db';
import { PG_CHANNELS } from '../postgres/pg-channels';
import { nullableNumber as n, toItemState } from './item-row';

const DUE = 'NOT dead AND due_at IS NOT NULL';

const SQL = {
  // SKIP LOCKED: instances claiming the same target at once take disjoint items instead of queueing on row locks;
  // the UPDATE re-checks the lease, so a row another claim leased meanwhile is not taken twice.
  claim: `WITH c AS (
      SELECT target, item FROM items
      WHERE target = $1 AND ${DUE} AND due_at <= $2 AND (lease_until IS NULL OR lease_until < $2)
      ORDER BY coalesce(priority, 3), due_at LIMIT $3
      FOR UPDATE SKIP LOCKED)
    UPDATE items i SET lease_until = $2 + $4::bigint, lease_owner = $5, token = nextval('claim_tokens')
    FROM c WHERE i.target = c.target AND i.item = c.item AND (i.lease_until IS NULL OR i.lease_until < $2)
    RETURNING i.item, i.version, i.attempts, i.first_failed_at, i.due_since, i.token, coalesce(i.priority, 3)
      AS p, i.due_at`,
  renew: `UPDATE items SET lease_until = $4 WHERE target = $1 AND item = $2 AND token = $3 AND lease_until IS NOT NULL`,
  markDelivered: `UPDATE items SET
      delivered_version = greatest(delivered_version, $4::bigint),
      delivered_figures = CASE WHEN $4::bigint >= delivered_version THEN $5 ELSE delivered_figures END,
      due_at = CASE WHEN version > greatest(delivered_version, $4::bigint) THEN $7::bigint ELSE NULL END,
      due_since = CASE WHEN version > greatest(delivered_version, $4::bigint) THEN due_since ELSE NULL END,
      priority = CASE WHEN version > greatest(delivered_version, $4::bigint) THEN priority ELSE NULL END,
      attempts = 0, first_failed_at = NULL, last_error = NULL, last_status = $6,
      lease_until = NULL, lease_owner = NULL, updated_at = $7
    WHERE target = $1 AND item = $2 AND token = $3`,
  markRetry: `UPDATE items SET due_at = $4, attempts = attempts + 1, first_failed_at = coalesce(first_failed_at, $7),
      last_error = $5, last_status = $6, lease_until = NULL, lease_owner = NULL, updated_at = $7
    WHERE target = $1 AND item = $2 AND token = $3`,
  markDead: `UPDATE items SET dead = true, dead_reason = $4, due_at = NULL, attempts = attempts + 1,
      first_failed_at = coalesce(first_failed_at, $6), last_error = $4, last_status = $5,
      lease_until = NULL, lease_owner = NULL, updated_at = $6
    WHERE target = $1 AND item = $2 AND token = $3`,
  release: `UPDATE items SET lease_until = NULL, lease_owner = NULL, due_at = $4
    WHERE target = $1 AND item = $2 AND token = $3`,
  markDue: `INSERT INTO items (target, item, version, due_at, due_since, priority, updated_at)
    SELECT $1, i, 0, $3, $3, 2, $3 FROM unnest($2::text[]) AS x(i)
    ON CONFLICT (target, item) DO UPDATE SET due_at = excluded.due_at,
      due_since = coalesce(items.due_since, excluded.due_since), dead = false, dead_reason = NULL, attempts = 0,
      first_failed_at = NULL, updated_at = excluded.updated_at`,
  nextDueAt: `SELECT min(greatest(coalesce(lease_until, due_at), due_at)) AS t FROM items WHERE target = $1 AND ${DUE}`,
  get: 'SELECT * FROM items WHERE target = $1 AND item = $2',
  listDead: 'SELECT * FROM items WHERE target = $1 AND dead ORDER BY updated_at DESC LIMIT $2',
  listFailures: 'SELECT * FROM items WHERE target = $1 AND last_error IS NOT NULL ORDER BY updated_at DESC LIMIT $2',
  retryDeadOne: `UPDATE items SET dead = false, dead_reason = NULL, due_at = $3, due_since = $3, attempts = 0,
      first_failed_at = NULL, updated_at = $3 WHERE target = $1 AND item = $2 AND dead`,
  retryDeadAll: `UPDATE items SET dead = false, dead_reason = NULL, due_at = $2, due_since = $2, attempts = 0,
      first_failed_at = NULL, updated_at = $2 WHERE target = $1 AND dead`,
  stats: `SELECT
      (SELECT count(*) FROM items WHERE target = $1 AND ${DUE})::bigint AS backlog,
      (SELECT min(due_since) FROM items WHERE target = $1 AND ${DUE}) AS oldest,
      (SELECT count(*) FROM items WHERE target = $1 AND dead)::bigint AS dead,
      (SELECT count(*) FROM unmapped WHERE target = $1)::bigint AS unmapped`,
  lastError: `SELECT last_error, updated_at FROM items WHERE target = $1 AND last_error IS NOT NULL
    ORDER BY updated_at DESC LIMIT 1`,
};

export function createDeliveriesPostgres(db: PgDb): Deliveries {
  // One statement each: autocommit is its own transaction.
  const changed = async (sql: string, params: unknown[]) => (await db.query(`${sql} RETURNING 1`, params)).length > 0;
  return {
    async claim(target, limit, now, leaseMs, owner) {
      const rows = await db.query(SQL.claim, [target, now, limit, leaseMs, owner]);
      // RETURNING does not keep the CTE's order: sort back into the claim order.
      rows.sort((a, b) => Number(a.p) - Number(b.p) || Number(a.due_at) - Number(b.due_at));
      return rows.map((r) => ({
        item: String(r.item),
        version: Number(r.version),
        attempts: Number(r.attempts),
        firstFailedAt: n(r.first_failed_at),
        dueSince: n(r.due_since),
        token: Number(r.token),
      }));
    },
    renew: (target, item, token, until) => changed(SQL.renew, [target, item, token, until]),
    markDelivered: (target, item, token, version, figures, status, now) =>
      changed(SQL.markDelivered, [target, item, token, version, JSON.stringify(figures), status, now]),
    markRetry: (target, item, token, dueAt, error, status, now) =>
      changed(SQL.markRetry, [target, item, token, dueAt, error, status, now]),
    markDead: (target, item, token, reason, status, now) =>
      changed(SQL.markDead, [target, item, token, reason, status, now]),
    release: (target, item, token, dueAt) => changed(SQL.release, [target, item, token, dueAt]),
    async markDue(target, items, now) {
      if (items.length === 0) return 0;
      return db.transaction(async (tx) => {
        const rows = await tx.query(`${SQL.markDue} RETURNING 1`, [target, [...new Set(items)], now]);
        await tx.query('SELECT pg_notify($1, $2)', [PG_CHANNELS.due, target]);
        return rows.length;
      });
    },
    async nextDueAt(target) {
      return n((await db.query(SQL.nextDueAt, [target]))[0]?.t);
    },
    async get(target, item) {
      const [r] = await db.query(SQL.get, [target, item]);
      return r ? toItemState(r) : undefined;
    },
    async listDead(target, limit) {
      return (await db.query(SQL.listDead, [target, limit])).map(toItemState);
    },
    async listFailures(target, limit) {
      return (await db.query(SQL.listFailures, [target, limit])).map(toItemState);
    },
    async retryDead(target, item, now) {
      return db.transaction(async (tx) => {
        const rows =
          item === null
            ? await tx.query(`${SQL.retryDeadAll} RETURNING 1`, [target, now])
            : await tx.query(`${SQL.retryDeadOne} RETURNING 1`, [target, item, now]);
        if (rows.length > 0) await tx.query('SELECT pg_notify($1, $2)', [PG_CHANNELS.due, target]);
        return rows.length;
      });
    },
    async stats(target) {
      const [s] = await db.query(SQL.stats, [target]);
      const [e] = await db.query(SQL.lastError, [target]);
      return {
        backlog: Number(s.backlog),
        oldestDueSince: n(s.oldest),
        dead: Number(s.dead),
        lastError: (e?.last_error as string | undefined) ?? null,
        lastErrorAt: n(e?.updated_at),
        unmapped: Number(s.unmapped),
      };
    },
  };
}
