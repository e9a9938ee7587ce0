import type { CallbackLog, CallbackRecord, NewCallback } from './callback-log';
import type { PgDb } from '../postgres/create-pg-db';
import { APPEND_BARRIER_KEY, PG_CHANNELS } from '../postgres/pg-channels';

const SQL = {
  // ONE statement, so one round trip and its own transaction: the shared barrier lock (held to the commit) is taken
  // before the first row goes in, the rows go in in the batch's order (unnest WITH ORDINALITY, so the identity
  // values follow it), and the wake-up is sent at the commit.
  append: `WITH barrier AS MATERIALIZED (SELECT pg_advisory_xact_lock_shared($4::bigint) AS locked),
    ins AS (INSERT INTO callbacks (received_at, content_hash, offers, account)
      SELECT t.r, t.h, t.o, t.a FROM barrier,
        unnest($1::bigint[], $2::text[], $3::text[], $6::text[]) WITH ORDINALITY AS t(r, h, o, a, n)
      ORDER BY t.n
      RETURNING seq)
    SELECT ins.seq FROM ins, (SELECT pg_notify($5, '')) AS woken`,
  count: 'SELECT count(*)::bigint AS n FROM callbacks',
  latest: 'SELECT coalesce(max(seq), 0)::bigint AS s FROM callbacks',
  readAfter:
    'SELECT seq, received_at, content_hash, offers, account FROM callbacks WHERE seq > $1 ORDER BY seq LIMIT $2',
  prune: `DELETE FROM callbacks WHERE seq IN (
      SELECT seq FROM callbacks WHERE received_at < $1 AND seq <= (SELECT cursor FROM projector WHERE id = 1)
      ORDER BY seq LIMIT $2)`,
};

export function toCallbackRecord(r: Record<string, unknown>): CallbackRecord {
  return {
    seq: Number(r.seq),
    receivedAt: Number(r.received_at),
    contentHash: String(r.content_hash),
    offers: JSON.parse(String(r.offers)) as unknown,
    account: typeof r.account === 'string' ? r.account : 'default',
  };
}

export function createCallbackLogPostgres(db: PgDb): CallbackLog {
  return {
    async append(records: NewCallback[]) {
      if (records.length === 0) return [];
      // The barrier lock is shared: appends never wait for each other, only for the projector's instant barrier.
      const rows = await db.query<{ seq: number }>(SQL.append, [
        records.map((r) => r.receivedAt),
        records.map((r) => r.contentHash),
        records.map((r) => r.offersJson),
        APPEND_BARRIER_KEY,
        PG_CHANNELS.callbacks,
        records.map((r) => r.account ?? 'default'),
      ]);
      return rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
    },
    async count() {
      return Number((await db.query<{ n: number }>(SQL.count))[0].n);
    },
    async latestSeq() {
      return Number((await db.query<{ s: number }>(SQL.latest))[0].s);
    },
    async readAfter(after, limit) {
      return (await db.query(SQL.readAfter, [after, limit])).map(toCallbackRecord);
    },
    async prune(before, limit) {
      return db.transaction(async (tx) => {
        const rows = await tx.query(`${SQL.prune} RETURNING seq`, [before, limit]);
        return rows.length;
      });
    },
  };
}
