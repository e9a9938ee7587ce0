import type { SessionsStore } from './sessions';
import type { PgDb } from '../postgres/create-pg-db';
import { POSTGRES } from '../dialect';
import { sessionsSql, toSessionRow } from './sessions-sql';

export function createSessionsPostgres(db: PgDb): SessionsStore {
  const SQL = sessionsSql(POSTGRES);
  return {
    async create(idHash, row, now) {
      await db.query(SQL.purge, [now]);
      await db.query(SQL.create, [idHash, row.kind, row.account, row.csrf, row.createdAt, row.expiresAt]);
    },
    async get(idHash, now) {
      const [r] = await db.query(SQL.get, [idHash, now]);
      return r ? toSessionRow(r) : undefined;
    },
    async extend(idHash, expiresAt) {
      await db.query(SQL.extend, [expiresAt, idHash, expiresAt]);
    },
    async revoke(idHash) {
      await db.query(SQL.revoke, [idHash]);
    },
    async revokeAccount(account) {
      return (await db.query(`${SQL.revokeAccount} RETURNING id_hash`, [account])).length;
    },
    async failures(who, now) {
      const [r] = await db.query(SQL.failures, [who, now]);
      return r ? { count: Number(r.failed), untilAt: Number(r.until_at) } : { count: 0, untilAt: 0 };
    },
    async fail(who, windowMs, now) {
      await db.query(SQL.purgeFailures, [now]);
      const [r] = await db.query(SQL.fail, [who, now + windowMs, now, now]);
      return Number(r.failed);
    },
  };
}
