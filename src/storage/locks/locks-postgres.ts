import type { Locks } from './locks';
import type { PgDb } from '../postgres/create-pg-db';

const SQL = {
  // One statement: concurrent acquirers from several instances serialise on the row; at most one gets it back.
  acquire: `INSERT INTO locks (name, owner, until_at) VALUES ($1, $2, $3)
    ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until_at = excluded.until_at
    WHERE locks.until_at < $4 OR locks.owner = excluded.owner
    RETURNING name`,
  release: 'DELETE FROM locks WHERE name = $1 AND owner = $2',
};

export function createLocksPostgres(db: PgDb): Locks {
  return {
    async acquire(name, owner, leaseMs, now) {
      return (await db.query(SQL.acquire, [name, owner, now + leaseMs, now])).length > 0;
    },
    async release(name, owner) {
      await db.query(SQL.release, [name, owner]);
    },
  };
}
