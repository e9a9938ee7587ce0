import type { Deliveries } from './deliveries';
import { POSTGRES, render } from '../dialect';
import type { PgDb } from '../postgres/create-pg-db';
import { PG_CHANNELS } from '../postgres/pg-channels';
import { CLAIM_ORDER, claimable, deliveriesSql, markDueConflict } from './deliveries-sql';
import { nullableNumber as n, toItemState } from './item-row';

const SQL = render(POSTGRES, (d) => ({
  ...deliveriesSql(d),
  // target, now, now, limit, now, leaseMs, owner, now. SKIP LOCKED: instances claiming the same target at once take
  // disjoint items instead of queueing on row locks; the UPDATE re-checks the lease, so a row another claim leased
  // meanwhile is not taken twice.
  claim: `WITH c AS (
      SELECT target, item FROM items
      WHERE ${claimable(d)} AND (lease_until IS NULL OR lease_until < ?)
      ORDER BY ${CLAIM_ORDER} LIMIT ?
      FOR UPDATE SKIP LOCKED)
    UPDATE items i SET lease_until = CAST(? AS BIGINT) + CAST(? AS BIGINT), lease_owner = ?,
      claim_token = nextval('claim_tokens')
    FROM c WHERE i.target = c.target AND i.item = c.item AND (i.lease_until IS NULL OR i.lease_until < ?)
    RETURNING i.item, i.version, i.attempts, i.first_failed_at, i.due_since, i.claim_token,
      coalesce(i.priority, 3) AS p`,
  // target, items[], now, now, now
  markDue: `INSERT INTO items (target, item, version, due_at, due_since, priority, updated_at)
    SELECT ?, x.i, 0, CAST(? AS BIGINT), CAST(? AS BIGINT), 2, CAST(? AS BIGINT) FROM unnest(CAST(? AS text[])) AS x(i)
    ${markDueConflict(d)}`,
}));

/** RETURNING does not keep the CTE's order: claims are sorted back into the one claim order. */
const byClaimOrder = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  Number(a.p) - Number(b.p) ||
  Number(a.due_since ?? 0) - Number(b.due_since ?? 0) ||
  (String(a.item) < String(b.item) ? -1 : String(a.item) > String(b.item) ? 1 : 0);

export function createDeliveriesPostgres(db: PgDb): Deliveries {
  // One statement each: autocommit is its own transaction.
  const changed = async (sql: string, params: unknown[]) => (await db.query(`${sql} RETURNING 1`, params)).length > 0;
  return {
    async claim(target, limit, now, leaseMs, owner) {
      const rows = await db.query(SQL.claim, [target, now, now, limit, now, leaseMs, owner, now]);
      return rows.sort(byClaimOrder).map((r) => ({
        item: String(r.item),
        version: Number(r.version),
        attempts: Number(r.attempts),
        firstFailedAt: n(r.first_failed_at),
        dueSince: n(r.due_since),
        token: Number(r.claim_token),
      }));
    },
    renew: (target, item, token, until) => changed(SQL.renew, [until, target, item, token]),
    markDelivered: (target, item, token, v, figures, status, now) =>
      changed(SQL.delivered, [v, v, now, v, v, v, JSON.stringify(figures), status, now, target, item, token]),
    markRetry: (target, item, token, dueAt, error, status, now) =>
      changed(SQL.retry, [dueAt, now, error, status, now, target, item, token]),
    markDead: (target, item, token, reason, status, now) =>
      changed(SQL.dead, [reason, now, reason, status, now, target, item, token]),
    release: (target, item, token, dueAt) => changed(SQL.release, [dueAt, target, item, token]),
    async markDue(target, items, now) {
      if (items.length === 0) return 0;
      return db.transaction(async (tx) => {
        const rows = await tx.query(`${SQL.markDue} RETURNING 1`, [target, now, now, now, [...new Set(items)]]);
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
            ? await tx.query(`${SQL.retryDeadAll} RETURNING 1`, [now, now, now, target])
            : await tx.query(`${SQL.retryDeadOne} RETURNING 1`, [now, now, now, target, item]);
        if (rows.length > 0) await tx.query('SELECT pg_notify($1, $2)', [PG_CHANNELS.due, target]);
        return rows.length;
      });
    },
    async stats(target) {
      const [s] = await db.query(SQL.stats, [target, target, target, target]);
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
