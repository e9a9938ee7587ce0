import type { Locks } from './locks';
import type { SqliteDb } from '../sqlite/sqlite-db';

const SQL = {
  acquire: `INSERT INTO locks (name, owner, until_at) VALUES (?, ?, ?)
    ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until_at = excluded.until_at
    WHERE locks.until_at < ? OR locks.owner = excluded.owner`,
  release: 'DELETE FROM locks WHERE name = ? AND owner = ?',
};

export function createLocksSqlite(s: SqliteDb): Locks {
  const acquire = s.db.prepare(SQL.acquire);
  const release = s.db.prepare(SQL.release);
  return {
    acquire: (name, owner, leaseMs, now) => s.write(() => acquire.run(name, owner, now + leaseMs, now).changes > 0),
    async release(name, owner) {
      await s.write(() => release.run(name, owner));
    },
  };
}
