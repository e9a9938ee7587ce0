import type { NoticesStore } from './notices';
import type { PgDb } from '../postgres/create-pg-db';
import { POSTGRES } from '../dialect';
import { noticesSql, toNoticeRow } from './notices-sql';

export function createNoticesPostgres(db: PgDb): NoticesStore {
  const SQL = noticesSql(POSTGRES);
  return {
    async claim(n) {
      const rows = await db.query(`${SQL.claim} RETURNING problem`, [n.account, n.problem, n.day, n.message, n.at]);
      return rows.length > 0;
    },
    async settle(account, problem, day, outcome) {
      await db.query(SQL.settle, [outcome, account, problem, day]);
    },
    list: async (account, limit) => (await db.query(SQL.list, [account, limit])).map(toNoticeRow),
  };
}
