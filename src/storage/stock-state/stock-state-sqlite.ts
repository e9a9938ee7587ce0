/* eslint-disable @typescript-eslint/require-await -- better-sqlite3 is synchronous; the store contract is async */
import type { StockFigure, StockState, ProjectionPlan, OfferKey } from './stock-state';
import { toRecord } from '../callback-log/callback-log-sqlite';
import { prepareAll, type Row, type SqliteDb } from '../sqlite/sqlite-db';

const SQL = {
  cursor: 'SELECT cursor AS c FROM projector WHERE id = 1',
  // The compare-and-set that makes read → decide → apply safe without holding a transaction open.
  moveCursor: 'UPDATE projector SET cursor = ? WHERE id = 1 AND cursor = ?',
  figure:
    'SELECT offer_key, offer, warehouse, quantity, version FROM figures ' +
    'WHERE offer_key = ? AND offer = ? ORDER BY warehouse',
  // One statement for a batch of keys (a JSON array of [offerKey, offer]), in the order PostgreSQL's reads give.
  figures: `SELECT offer_key, offer, warehouse, quantity, version FROM figures
    WHERE (offer_key, offer) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))
    ORDER BY offer_key, offer, warehouse`,
  upsertFigure: `INSERT INTO figures (offer_key, offer, warehouse, quantity, version) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (offer_key, offer, warehouse) DO UPDATE SET quantity = excluded.quantity, version = excluded.version
    WHERE figures.version <= excluded.version`,
  // One statement for a whole batch's items (a JSON array), not one per item.
  delivered: `SELECT item, delivered_figures FROM items
    WHERE target = ? AND item IN (SELECT value FROM json_each(?)) AND delivered_figures IS NOT NULL`,
  // A new version makes the item due now, unless it is waiting out a backoff (then the retry carries it); a
  // dead-lettered item comes back to life with a fresh attempt count. The more urgent priority is kept while due.
  markDue: `INSERT INTO items (target, item, version, due_at, due_since, priority, updated_at) VALUES (?, ?, ?,
    ?, ?, ?, ?)
    ON CONFLICT (target, item) DO UPDATE SET
      version = MAX(items.version, excluded.version),
      priority = CASE WHEN items.due_at IS NULL OR items.dead = 1 OR items.priority IS NULL THEN excluded.priority
        ELSE MIN(items.priority, excluded.priority) END,
      due_at = CASE WHEN items.dead = 1 OR items.due_at IS NULL THEN excluded.due_at ELSE items.due_at END,
      due_since = CASE WHEN items.dead = 1 THEN excluded.due_since ELSE COALESCE(items.due_since,
        excluded.due_since) END,
      attempts = CASE WHEN items.dead = 1 THEN 0 ELSE items.attempts END,
      first_failed_at = CASE WHEN items.dead = 1 THEN NULL ELSE items.first_failed_at END,
      dead = 0, dead_reason = NULL,
      updated_at = excluded.updated_at`,
  upsertUnmapped: `INSERT INTO unmapped (target, offer_ref, reason, seq, seen_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (target, offer_ref) DO UPDATE SET reason = excluded.reason, seq = excluded.seq, seen_at =
      excluded.seen_at`,
  listUnmapped: 'SELECT * FROM unmapped WHERE target = ? ORDER BY seen_at DESC, offer_ref LIMIT ?',
  pending:
    'SELECT seq, received_at, content_hash, offers, account FROM log.callbacks WHERE seq > ? ORDER BY seq LIMIT ?',
};

const toFigure = (r: Row): StockFigure => ({
  offerKey: r.offer_key as OfferKey,
  offer: String(r.offer),
  warehouse: String(r.warehouse),
  quantity: Number(r.quantity),
  version: Number(r.version),
});

export function createStockStateSqlite(s: SqliteDb): StockState {
  const { db } = s;
  const st = prepareAll(db, SQL);
  const cursor = () => Number((st.cursor.get() as Row | undefined)?.c ?? 0);

  // The cursor update comes first: it takes the state file's write lock before anything else is read or written.
  const apply = db.transaction((plan: ProjectionPlan, now: number) => {
    if (st.moveCursor.run(plan.toCursor, plan.fromCursor).changes === 0) return { applied: false, cursor: cursor() };
    for (const f of plan.figures) st.upsertFigure.run(f.offerKey, f.offer, f.warehouse, f.quantity, f.version);
    for (const d of plan.due) st.markDue.run(d.target, d.item, d.version, now, now, d.priority, now);
    for (const u of plan.unmapped) st.upsertUnmapped.run(u.target, u.offerLabel, u.reason, u.seq, now);
    return { applied: true, cursor: plan.toCursor };
  });

  return {
    cursor: async () => cursor(),
    async pending(limit) {
      const c = cursor();
      return { cursor: c, records: (st.pending.all(c, limit) as Row[]).map(toRecord) };
    },
    async figures(keys) {
      if (keys.length === 0) return [];
      const list = JSON.stringify(keys.map((k) => [k.offerKey, k.offer]));
      return (st.figures.all(list) as Row[]).map(toFigure);
    },
    async delivered(target, items) {
      const out = new Map<string, Record<string, number>>();
      for (const r of st.delivered.all(target, JSON.stringify(items)) as Row[])
        out.set(r.item as string, JSON.parse(r.delivered_figures as string) as Record<string, number>);
      return out;
    },
    async apply(plan, now) {
      s.yieldToPriority();
      return s.write(() => apply(plan, now));
    },
    async offerFigures(offerKey, offer) {
      return (st.figure.all(offerKey, offer) as Row[]).map(toFigure);
    },
    async listUnmapped(target, limit) {
      return (st.listUnmapped.all(target, limit) as Row[]).map((r) => ({
        target: String(r.target),
        offerLabel: String(r.offer_ref),
        reason: String(r.reason),
        seq: Number(r.seq),
        seenAt: Number(r.seen_at),
      }));
    },
  };
}
