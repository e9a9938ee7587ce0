import type { NoticesStore } from './notices';
import { prepareAll, type Row, type SqliteDb } from '../sqlite/sqlite-db';
import { SQLITE } from '../dialect';
import { noticesSql, toNoticeRow } from './notices-sql';

export function createNoticesSqlite(s: SqliteDb): NoticesStore {
  const st = prepareAll(s.db, noticesSql(SQLITE));
  return {
    claim: (n) => s.write(() => st.claim.run(n.account, n.problem, n.day, n.message, n.at).changes > 0),
    async settle(account, problem, day, outcome) {
      await s.write(() => st.settle.run(outcome, account, problem, day));
    },
    list: (account, limit) => Promise.resolve((st.list.all(account, limit) as Row[]).map(toNoticeRow)),
  };
}
