import type { AccountStore } from './account-store';
import { accountFromRow, accountInsertParams, accountUpdateParams } from './account-row';
import type { PgDb } from '../postgres/create-pg-db';

const SQL = {
  list: 'SELECT * FROM accounts ORDER BY connected_at, name',
  get: 'SELECT * FROM accounts WHERE name = $1',
  byUrl: 'SELECT * FROM accounts WHERE url = $1',
  insert: `INSERT INTO accounts (name, url, site, language, scopes, client_id_hash, token_hash, key_id, sealed, active,
    connected_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1)
    ON CONFLICT DO NOTHING RETURNING name`,
  update: `UPDATE accounts SET url = $1, site = $2, language = $3, scopes = $4, client_id_hash = $5, token_hash = $6,
    key_id = $7, sealed = $8, active = $9, updated_at = $10, version = version + 1 WHERE name = $11 AND version = $12
    RETURNING name`,
  reseal: 'UPDATE accounts SET key_id = $1, sealed = $2 WHERE name = $3 AND key_id = $4 RETURNING name',
  stamp: 'SELECT count(*) AS n, coalesce(sum(version), 0) AS v FROM accounts',
};

export function createAccountStorePostgres(db: PgDb): AccountStore {
  const one = async (sql: string, params: unknown[]) => {
    const [r] = await db.query(sql, params);
    return r && accountFromRow(r);
  };
  return {
    async list() {
      return (await db.query(SQL.list)).map(accountFromRow);
    },
    get: (name) => one(SQL.get, [name]),
    byUrl: (url) => one(SQL.byUrl, [url]),
    async insert(a) {
      const rows = await db.query(SQL.insert, accountInsertParams(a, Boolean));
      if (rows.length === 1) return 'ok';
      return (await one(SQL.get, [a.name])) ? 'name-taken' : 'url-taken';
    },
    async update(a, expected) {
      const rows = await db.query(SQL.update, accountUpdateParams(a, expected, Boolean));
      return rows.length === 1;
    },
    async reseal(name, fromKeyId, toKeyId, sealed) {
      return (await db.query(SQL.reseal, [toKeyId, sealed, name, fromKeyId])).length === 1;
    },
    async stamp() {
      const [r] = await db.query(SQL.stamp);
      return `${Number(r.n)}:${Number(r.v)}`;
    },
  };
}
