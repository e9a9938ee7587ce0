import type { ClaimedShipment, NewShipment, ShipmentStore } from './shipment-store';
import type { PgDb } from '../postgres/create-pg-db';
import { PG_CHANNELS } from '../postgres/pg-channels';
import { toShipment } from './shipment-row';
import { nullableNumber as n } from '../deliveries/item-row';

const SQL = {
  idem: `INSERT INTO idempotency (key, body_hash, ids, created_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (key) DO NOTHING RETURNING key`,
  getIdem: 'SELECT body_hash, ids FROM idempotency WHERE key = $1',
  insert: `INSERT INTO shipments (id, order_key, by_field, ref, site, report, status, next_at, created_at, updated_at)
    SELECT id, k, b, r, s, rep, 'pending', $7, $7, $7
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
      WITH ORDINALITY AS t(id, k, b, r, s, rep, n) ORDER BY n`,
  get: 'SELECT * FROM shipments WHERE id = $1',
  // An order's reports go one at a time in arrival (seq) order: a report waits while an earlier one is pending,
  // whichever instance holds that one. SKIP LOCKED keeps concurrent claimers off each other's rows; the UPDATE
  // re-checks the lease so a row leased meanwhile is not handed out twice.
  claim: `WITH c AS (
      SELECT seq FROM shipments s
      WHERE s.status = 'pending' AND s.next_at <= $1 AND (s.lease_until IS NULL OR s.lease_until < $1)
        AND NOT EXISTS (SELECT 1 FROM shipments e
                        WHERE e.order_key = s.order_key AND e.seq < s.seq AND e.status = 'pending')
      ORDER BY s.seq LIMIT $2
      FOR UPDATE SKIP LOCKED)
    UPDATE shipments x SET lease_until = $1 + $3::bigint, lease_owner = $4, token = nextval('claim_tokens')
    FROM c WHERE x.seq = c.seq AND (x.lease_until IS NULL OR x.lease_until < $1) AND x.status = 'pending'
    RETURNING x.*`,
  renew: `UPDATE shipments SET lease_until = $3 WHERE id = $1 AND token = $2 AND status = 'pending'`,
  delivered: `UPDATE shipments SET status = 'delivered', last_answer = $3, last_status = $4, delivered_at = $5,
      updated_at = $5, attempts = attempts + 1, lease_until = NULL, lease_owner = NULL
    WHERE id = $1 AND token = $2 AND status = 'pending'`,
  retry: `UPDATE shipments SET next_at = $3, last_answer = $4, last_status = $5, attempts = attempts + 1,
      first_failed_at = coalesce(first_failed_at, $6), updated_at = $6, lease_until = NULL, lease_owner = NULL
    WHERE id = $1 AND token = $2 AND status = 'pending'`,
  failed: `UPDATE shipments SET status = 'failed', last_answer = $3, last_status = $4, attempts = attempts + 1,
      first_failed_at = coalesce(first_failed_at, $5), updated_at = $5, lease_until = NULL, lease_owner = NULL
    WHERE id = $1 AND token = $2 AND status = 'pending'`,
  retryOne: `UPDATE shipments SET status = 'pending', next_at = $2, attempts = 0, first_failed_at = NULL,
      updated_at = $2 WHERE id = $1 AND status = 'failed'`,
  retryAll: `UPDATE shipments SET status = 'pending', next_at = $1, attempts = 0, first_failed_at = NULL,
      updated_at = $1 WHERE status = 'failed'`,
  list: 'SELECT * FROM shipments WHERE status = $1 ORDER BY updated_at DESC, seq DESC LIMIT $2',
  // Only the head of each order's stream can be claimed; a report waiting behind an earlier one has no time of its own.
  nextAt: `SELECT min(greatest(coalesce(lease_until, next_at), next_at)) AS t FROM shipments s
    WHERE status = 'pending' AND NOT EXISTS (SELECT 1 FROM shipments e
      WHERE e.order_key = s.order_key AND e.seq < s.seq AND e.status = 'pending')`,
};

/**
 * Reports for the same order (same identifier form, site and reference) are one ordered stream. JSON, not a NUL
 * separator: PostgreSQL text cannot hold NUL.
 */
const orderKey = (s: Pick<NewShipment, 'by' | 'ref' | 'site'>) => JSON.stringify([s.site, s.by, s.ref]);

export function createShipmentStorePostgres(db: PgDb): ShipmentStore {
  const changed = async (sql: string, params: unknown[]) => (await db.query(`${sql} RETURNING 1`, params)).length > 0;
  return {
    async create(items, idem, now) {
      return db.transaction(async (tx) => {
        const ids = items.map((i) => i.id);
        if (idem) {
          // Insert-or-nothing: two instances given the same key at once cannot both win.
          const won = await tx.query(SQL.idem, [idem.key, idem.bodyHash, JSON.stringify(ids), now]);
          if (won.length === 0) {
            const [prev] = await tx.query<{ body_hash: string; ids: string }>(SQL.getIdem, [idem.key]);
            if (prev.body_hash !== idem.bodyHash) return { conflict: true as const };
            return { ids: JSON.parse(prev.ids) as string[], created: false };
          }
        }
        await tx.query(SQL.insert, [
          ids,
          items.map(orderKey),
          items.map((i) => i.by),
          items.map((i) => i.ref),
          items.map((i) => i.site),
          items.map((i) => JSON.stringify(i.report)),
          now,
        ]);
        await tx.query('SELECT pg_notify($1, $2)', [PG_CHANNELS.shipments, '']);
        return { ids, created: true };
      });
    },
    async get(id) {
      const [r] = await db.query(SQL.get, [id]);
      return r ? toShipment(r) : undefined;
    },
    async claim(limit, now, leaseMs, owner): Promise<ClaimedShipment[]> {
      const rows = await db.query(SQL.claim, [now, limit, leaseMs, owner]);
      return rows.map((r) => ({ ...toShipment(r), token: Number(r.token) })).sort((a, b) => a.seq - b.seq);
    },
    renew: (id, token, until) => changed(SQL.renew, [id, token, until]),
    markDelivered: (id, token, answer, status, now) =>
      changed(SQL.delivered, [id, token, JSON.stringify(answer), status, now]),
    markRetry: (id, token, nextAt, answer, status, now) =>
      changed(SQL.retry, [id, token, nextAt, JSON.stringify(answer), status, now]),
    markFailed: (id, token, answer, status, now) =>
      changed(SQL.failed, [id, token, JSON.stringify(answer), status, now]),
    async retry(id, now) {
      return db.transaction(async (tx) => {
        const rows =
          id === null
            ? await tx.query(`${SQL.retryAll} RETURNING 1`, [now])
            : await tx.query(`${SQL.retryOne} RETURNING 1`, [id, now]);
        if (rows.length > 0) await tx.query('SELECT pg_notify($1, $2)', [PG_CHANNELS.shipments, '']);
        return rows.length;
      });
    },
    async list(status, limit) {
      return (await db.query(SQL.list, [status, limit])).map(toShipment);
    },
    async nextAt() {
      return n((await db.query(SQL.nextAt))[0]?.t);
    },
  };
}
