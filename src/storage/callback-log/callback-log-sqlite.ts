/* eslint-disable @typescript-eslint/require-await -- better-sqlite3 is synchronous; the store contract is async */
import type { CallbackLog, CallbackRecord } from './callback-log';
import type { Row, SqliteDb } from '../sqlite/sqlite-db';

export const toRecord = (r: Row): CallbackRecord => ({
  seq: Number(r.seq),
  receivedAt: Number(r.received_at),
  contentHash: String(r.content_hash),
  offers: JSON.parse(String(r.offers)),
  account: typeof r.account === 'string' ? r.account : 'default',
});

/** Intake's appends touch only the log file (`contends: false`), so they never wait for the projector's lock. */
export function createCallbackLogSqlite(s: SqliteDb): CallbackLog {
  const { db } = s;
  const st = {
    insert: db.prepare('INSERT INTO log.callbacks (received_at, content_hash, offers, account) VALUES (?, ?, ?, ?)'),
    count: db.prepare('SELECT COUNT(*) AS n FROM log.callbacks'),
    maxSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) AS n FROM log.callbacks'),
    after: db.prepare(
      'SELECT seq, received_at, content_hash, offers, account FROM log.callbacks WHERE seq > ? ORDER BY seq LIMIT ?',
    ),
    prune: db.prepare(`DELETE FROM log.callbacks WHERE seq IN (SELECT seq FROM log.callbacks WHERE received_at < ?
      AND seq <= (SELECT cursor FROM projector WHERE id = 1) ORDER BY seq LIMIT ?)`),
  };
  const append = db.transaction((records: Parameters<CallbackLog['append']>[0]) =>
    records.map((r) =>
      Number(st.insert.run(r.receivedAt, r.contentHash, r.offersJson, r.account ?? 'default').lastInsertRowid),
    ),
  );
  return {
    append: (records) => s.write(() => append(records), false),
    count: async () => Number((st.count.get() as Row).n),
    latestSeq: async () => Number((st.maxSeq.get() as Row).n),
    readAfter: async (after, limit) => (st.after.all(after, limit) as Row[]).map(toRecord),
    prune: (before, limit) => s.write(() => st.prune.run(before, limit).changes, false),
  };
}
