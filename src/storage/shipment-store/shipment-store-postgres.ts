import type { ClaimedShipment, ShipmentStore } from './shipment-store';
import type { PgDb } from '../postgres/create-pg-db';
import { PG_CHANNELS } from '../postgres/pg-channels';
import { toShipment } from './shipment-row';
import { POSTGRES, render } from '../dialect';
import { HEAD_OF_STREAM, orderKey, shipmentSql } from './shipment-sql';
import { nullableNumber as n } from '../deliveries/item-row';

const SQL = render(POSTGRES, (d) => ({
  ...shipmentSql(d),
  // key, bodyHash, ids, now. Insert-or-nothing: two instances given the same key at once cannot both win.
  idem: `INSERT INTO idempotency (key, body_hash, ids, created_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (key) DO NOTHING RETURNING key`,
  // ids[], keys[], by[], refs[], sites[], reports[], now, now, now
  insert: `INSERT INTO shipments (id, order_key, by_field, ref, site, report, status, next_at, created_at, updated_at)
    SELECT id, k, b, r, s, rep, 'pending', CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT)
    FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
      CAST(? AS text[])) WITH ORDINALITY AS t(id, k, b, r, s, rep, n) ORDER BY n`,
  // now, now, limit, now, leaseMs, owner, now. SKIP LOCKED keeps concurrent claimers off each other's rows; the
  // UPDATE re-checks the lease so a row leased meanwhile is not handed out twice.
  claim: `WITH c AS (
      SELECT seq FROM shipments s
      WHERE s.status = 'pending' AND s.next_at <= ? AND (s.lease_until IS NULL OR s.lease_until < ?)
        AND ${HEAD_OF_STREAM}
      ORDER BY s.seq LIMIT ?
      FOR UPDATE SKIP LOCKED)
    UPDATE shipments x SET lease_until = CAST(? AS BIGINT) + CAST(? AS BIGINT), lease_owner = ?,
      claim_token = nextval('claim_tokens')
    FROM c WHERE x.seq = c.seq AND (x.lease_until IS NULL OR x.lease_until < ?) AND x.status = 'pending'
    RETURNING x.*`,
}));

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
          now,
          now,
          now,
          ids,
          items.map(orderKey),
          items.map((i) => i.by),
          items.map((i) => i.ref),
          items.map((i) => i.site),
          items.map((i) => JSON.stringify(i.report)),
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
      const rows = await db.query(SQL.claim, [now, now, limit, now, leaseMs, owner, now]);
      return rows.map((r) => ({ ...toShipment(r), token: Number(r.claim_token) })).sort((a, b) => a.seq - b.seq);
    },
    renew: (id, token, until) => changed(SQL.renew, [until, id, token]),
    markDelivered: (id, token, answer, status, now) =>
      changed(SQL.delivered, [JSON.stringify(answer), status, now, now, id, token]),
    markRetry: (id, token, nextAt, answer, status, now) =>
      changed(SQL.retry, [nextAt, JSON.stringify(answer), status, now, now, id, token]),
    markFailed: (id, token, answer, status, now) =>
      changed(SQL.failed, [JSON.stringify(answer), status, now, now, id, token]),
    async retry(id, now) {
      return db.transaction(async (tx) => {
        const rows =
          id === null
            ? await tx.query(`${SQL.retryAll} RETURNING 1`, [now, now])
            : await tx.query(`${SQL.retryOne} RETURNING 1`, [now, now, id]);
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
