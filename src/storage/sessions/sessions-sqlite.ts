import type { SessionsStore } from './sessions';
import { prepareAll, type Row, type SqliteDb } from '../sqlite/sqlite-db';
import { SQLITE } from '../dialect';
import { sessionsSql, toSessionRow } from './sessions-sql';

export function createSessionsSqlite(s: SqliteDb): SessionsStore {
  const SQL = sessionsSql(SQLITE);
  const st = prepareAll(s.db, SQL);
  return {
    async create(idHash, row, now) {
      await s.write(() => {
        st.purge.run(now);
        st.create.run(idHash, row.kind, row.account, row.csrf, row.createdAt, row.expiresAt);
      });
    },
    get(idHash, now) {
      const r = st.get.get(idHash, now) as Row | undefined;
      return Promise.resolve(r ? toSessionRow(r) : undefined);
    },
    async extend(idHash, expiresAt) {
      await s.write(() => st.extend.run(expiresAt, idHash, expiresAt));
    },
    async revoke(idHash) {
      await s.write(() => st.revoke.run(idHash));
    },
    revokeAccount: (account) => s.write(() => st.revokeAccount.run(account).changes),
    failures(who, now) {
      const r = st.failures.get(who, now) as { failed: number; until_at: number } | undefined;
      return Promise.resolve(r ? { count: Number(r.failed), untilAt: Number(r.until_at) } : { count: 0, untilAt: 0 });
    },
    fail: (who, windowMs, now) =>
      s.write(() => {
        st.purgeFailures.run(now);
        const r = st.fail.get(who, now + windowMs, now, now) as { failed: number };
        return Number(r.failed);
      }),
  };
}
