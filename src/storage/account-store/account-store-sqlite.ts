/* eslint-disable @typescript-eslint/require-await -- better-sqlite3 is synchronous; the store contract is async */
import type { AccountStore } from './account-store';
import { accountFromRow, accountInsertParams, accountUpdateParams } from './account-row';
import { prepareAll, type Row, type SqliteDb } from '../sqlite/sqlite-db';

const COLUMNS = `name, url, site, language, scopes, client_id_hash, token_hash, key_id, sealed, active, connected_at,
  updated_at`;
const SQL = {
  list: 'SELECT * FROM accounts ORDER BY connected_at, name',
  get: 'SELECT * FROM accounts WHERE name = ?',
  byUrl: 'SELECT * FROM accounts WHERE url = ?',
  insert: `INSERT INTO accounts (${COLUMNS}, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
  update: `UPDATE accounts SET url = ?, site = ?, language = ?, scopes = ?, client_id_hash = ?, token_hash = ?,
    key_id = ?, sealed = ?, active = ?, updated_at = ?, version = version + 1 WHERE name = ? AND version = ?`,
  reseal: 'UPDATE accounts SET key_id = ?, sealed = ? WHERE name = ? AND key_id = ?',
  stamp: 'SELECT count(*) AS n, coalesce(sum(version), 0) AS v FROM accounts',
};

export function createAccountStoreSqlite(s: SqliteDb): AccountStore {
  const st = prepareAll(s.db, SQL);
  return {
    async list() {
      return (st.list.all() as Row[]).map(accountFromRow);
    },
    async get(name) {
      const r = st.get.get(name) as Row | undefined;
      return r && accountFromRow(r);
    },
    async byUrl(url) {
      const r = st.byUrl.get(url) as Row | undefined;
      return r && accountFromRow(r);
    },
    async insert(a) {
      return s.write(() =>
        s.db
          .transaction(() => {
            if (st.get.get(a.name)) return 'name-taken' as const;
            if (st.byUrl.get(a.url)) return 'url-taken' as const;
            st.insert.run(...accountInsertParams(a, (b) => (b ? 1 : 0)));
            return 'ok' as const;
          })
          .immediate(),
      );
    },
    async update(a, expected) {
      const res = await s.write(() => st.update.run(...accountUpdateParams(a, expected, (b) => (b ? 1 : 0))));
      return res.changes === 1;
    },
    async reseal(name, fromKeyId, toKeyId, sealed) {
      return (await s.write(() => st.reseal.run(toKeyId, sealed, name, fromKeyId))).changes === 1;
    },
    async stamp() {
      const r = st.stamp.get() as Row;
      return `${Number(r.n)}:${Number(r.v)}`;
    },
  };
}
