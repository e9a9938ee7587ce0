import type { ClaimedShipment, ShipmentStore } from './shipment-store';
import type { PgDb } from '../postgres/create-pg-db';
import { PG_CHANNELS } from '../postgres/pg-channels';
import { toShipment } from './shipment-row';
import { POSTGRES, render } from '../dialect';
import { CLAIMABLE_OF, interleave, orderKey, PENDING_ACCOUNTS, shipmentSql, turnOrder } from './shipment-sql';
import { nullableNumber as n } from '../deliveries/item-row';

const SQL = render(POSTGRES, (d) => ({
  ...shipmentSql(d),
  // key, bodyHash, ids, now. Insert-or-nothing: two instances given the same key at once cannot both win.
  idem: `INSERT INTO idempotency (key, body_hash, ids, created_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (key) DO NOTHING RETURNING key`,
  // now, now, now, ids[], keys[], by[], refs[], sites[], reports[], accounts[]
  insert: `INSERT INTO shipments (id, order_key, by_field, ref, site, report, status, next_at, created_at, updated_at,
      account)
    SELECT id, k, b, r, s, rep, 'pending', CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), a
    FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
      CAST(? AS text[]), CAST(? AS text[])) WITH ORDINALITY AS t(id, k, b, r, s, rep, a, n) ORDER BY n`,
  accounts: PENDING_ACCOUNTS,
  // account, now, now, limit. SKIP LOCKED keeps concurrent claimers off each other's rows.
  claimableOf: `${CLAIMABLE_OF} FOR UPDATE SKIP LOCKED`,
  // now, leaseMs, owner, seqs[], now. The UPDATE re-checks the lease so a row leased meanwhile is not handed out twice.
  lease: `UPDATE shipments x SET lease_until = CAST(? AS BIGINT) + CAST(? AS BIGINT), lease_owner = ?,
      claim_token = nextval('claim_tokens')
    WHERE x.seq = ANY(CAST(? AS bigint[])) AND (x.lease_until IS NULL OR x.lease_until < ?) AND x.status = 'pending'
    RETURNING x.*`,
}));

export function createShipmentStorePostgres(db: PgDb): ShipmentStore {
  // Whose turn it is next (the instance holding the CRM lease claims; a new owner simply starts from the first).
  let lastServed: string | null = null;
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
          items.map((i) => i.account ?? 'default'),
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
      const { rows, last } = await db.transaction(async (tx) => {
        const accounts = (await tx.query<{ account: string }>(SQL.accounts)).map((r) => r.account);
        const lists: Array<{ account: string; rows: Array<{ seq: number }> }> = [];
        for (const account of turnOrder(accounts, lastServed)) {
          const found = await tx.query(SQL.claimableOf, [account, now, now, limit]);
          if (found.length) lists.push({ account, rows: found.map((r) => ({ seq: Number(r.seq) })) });
          if (lists.length >= limit) break;
        }
        const turn = interleave(lists, limit, lastServed);
        const seqs = turn.picked.map((r) => r.seq);
        const leased = seqs.length ? await tx.query(SQL.lease, [now, leaseMs, owner, seqs, now]) : [];
        // In turn order (the order the picks were made in), not the table's.
        const at = new Map(seqs.map((q, i) => [q, i]));
        leased.sort((a, b) => at.get(Number(a.seq))! - at.get(Number(b.seq))!);
        return { rows: leased, last: turn.last };
      });
      lastServed = last;
      return rows.map((r) => ({ ...toShipment(r), token: Number(r.claim_token) }));
    },
    renew: (id, token, until) => changed(SQL.renew, [until, id, token]),
    markDelivered: (id, token, answer, status, now) =>
      changed(SQL.delivered, [JSON.stringify(answer), status, now, now, id, token]),
    markRetry: (id, token, nextAt, answer, status, now) =>
      changed(SQL.retry, [nextAt, JSON.stringify(answer), status, now, now, id, token]),
    markFailed: (id, token, answer, status, now) =>
      changed(SQL.failed, [JSON.stringify(answer), status, now, now, id, token]),
    async retry(id, now, account = 'default') {
      return db.transaction(async (tx) => {
        const rows =
          id === null
            ? await tx.query(`${SQL.retryAll} RETURNING 1`, [now, now, account])
            : await tx.query(`${SQL.retryOne} RETURNING 1`, [now, now, id, account]);
        if (rows.length > 0) await tx.query('SELECT pg_notify($1, $2)', [PG_CHANNELS.shipments, '']);
        return rows.length;
      });
    },
    async list(status, limit, account = 'default') {
      return (await db.query(SQL.list, [status, account, limit])).map(toShipment);
    },
    async nextAt() {
      return n((await db.query(SQL.nextAt))[0]?.t);
    },
  };
}
