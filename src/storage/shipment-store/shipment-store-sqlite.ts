/* eslint-disable @typescript-eslint/require-await -- better-sqlite3 is synchronous; the store contract is async */
import type { ClaimedShipment, NewShipment, ShipmentStore } from './shipment-store';
import { prepareAll, type Row, type SqliteDb } from '../sqlite/sqlite-db';
import { toShipment } from './shipment-row';
import { SQLITE } from '../dialect';
import { CLAIMABLE_OF, interleave, orderKey, PENDING_ACCOUNTS, shipmentSql, turnOrder } from './shipment-sql';
import { nullableNumber as num } from '../deliveries/item-row';

const SQL = {
  ...shipmentSql(SQLITE),
  insert: `INSERT INTO shipments (id, order_key, by_field, ref, site, report, status, next_at, created_at, updated_at,
      account) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
  // now, now: a plain read first, so an idle poll takes no write lock.
  any:
    "SELECT 1 FROM shipments WHERE status = 'pending' AND next_at <= ? " +
    'AND (lease_until IS NULL OR lease_until < ?) LIMIT 1',
  accounts: PENDING_ACCOUNTS,
  // account, now, now, limit
  claimableOf: CLAIMABLE_OF,
  lease:
    'UPDATE shipments SET lease_until = ?, lease_owner = ?, claim_token = claim_token + 1 ' +
    'WHERE id = ? RETURNING claim_token',
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
      st.insert.run(
        x.id,
        orderKey(x),
        x.by,
        x.ref,
        x.site,
        JSON.stringify(x.report),
        now,
        now,
        now,
        x.account ?? 'default',
      );
    if (idem) st.putIdem.run(idem.key, idem.bodyHash, JSON.stringify(items.map((x) => x.id)), now);
    return { ids: items.map((x) => x.id), created: true };
  });
  // Whose turn it is next (this process claims alone: SQLite has one hub per file).
  let lastServed: string | null = null;
  const claim = db.transaction((limit: number, now: number, leaseMs: number, owner: string) => {
    const lists: Array<{ account: string; rows: Row[] }> = [];
    for (const account of turnOrder(
      (st.accounts.all() as Row[]).map((r) => String(r.account)),
      lastServed,
    )) {
      const rows = st.claimableOf.all(account, now, now, limit) as Row[];
      if (rows.length) lists.push({ account, rows });
      if (lists.length >= limit) break;
    }
    const { picked, last } = interleave(lists, limit, lastServed);
    lastServed = last;
    return picked.map((r): ClaimedShipment => ({
      ...toShipment(r),
      token: Number((st.lease.get(now + leaseMs, owner, r.id) as Row).claim_token),
    }));
  });
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
    renew: (id, token, until) => fenced('renew', until, id, token),
    markDelivered: (id, token, answer, status, now) =>
      fenced('delivered', JSON.stringify(answer), status, now, now, id, token),
    markRetry: (id, token, nextAt, answer, status, now) =>
      fenced('retry', nextAt, JSON.stringify(answer), status, now, now, id, token),
    markFailed: (id, token, answer, status, now) =>
      fenced('failed', JSON.stringify(answer), status, now, now, id, token),
    retry: (id, now, account = 'default') =>
      s.write(() =>
        id === null ? st.retryAll.run(now, now, account).changes : st.retryOne.run(now, now, id, account).changes,
      ),
    list: async (status, limit, account = 'default') => (st.list.all(status, account, limit) as Row[]).map(toShipment),
    async nextAt() {
      return num((st.nextAt.get() as Row).t);
    },
  };
}
