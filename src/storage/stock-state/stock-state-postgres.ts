import type { StockFigure, StockState, UnmappedOffer, ProjectionPlan, OfferKey } from './stock-state';
import type { PgDb } from '../postgres/create-pg-db';
import { toCallbackRecord } from '../callback-log/callback-log-postgres';
import { APPEND_BARRIER_KEY, PG_CHANNELS } from '../postgres/pg-channels';

const SQL = {
  cursor: 'SELECT cursor FROM projector WHERE id = 1',
  pending: 'SELECT seq, received_at, content_hash, offers, account FROM callbacks WHERE seq > $1 ORDER BY seq LIMIT $2',
  // Compare-and-set first: it takes the row lock, so two projectors' applies queue and the second finds it moved.
  casCursor: 'UPDATE projector SET cursor = $2 WHERE id = 1 AND cursor = $1 RETURNING cursor',
  figures: `INSERT INTO figures (offer_key, offer, warehouse, quantity, version)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
    ON CONFLICT (offer_key, offer, warehouse) DO UPDATE SET quantity = excluded.quantity, version = excluded.version
    WHERE figures.version <= excluded.version`,
  // A new version makes the item due now unless it waits out a backoff (the retry carries it); a waiting item keeps
  // the more urgent priority; a dead letter comes back with a fresh attempt count.
  due: `INSERT INTO items (target, item, version, due_at, due_since, priority, updated_at)
    SELECT t, i, v, $5, $5, p, $5 FROM unnest($1::text[], $2::text[], $3::bigint[], $4::int[]) AS x(t, i, v, p)
    ON CONFLICT (target, item) DO UPDATE SET
      version = greatest(items.version, excluded.version),
      due_at = CASE WHEN items.dead OR items.due_at IS NULL THEN excluded.due_at ELSE items.due_at END,
      due_since = CASE WHEN items.dead THEN excluded.due_since ELSE coalesce(items.due_since, excluded.due_since) END,
      priority = CASE WHEN items.dead OR items.due_at IS NULL THEN excluded.priority
                      ELSE least(coalesce(items.priority, 3), excluded.priority) END,
      attempts = CASE WHEN items.dead THEN 0 ELSE items.attempts END,
      first_failed_at = CASE WHEN items.dead THEN NULL ELSE items.first_failed_at END,
      dead = false, dead_reason = NULL, updated_at = excluded.updated_at`,
  unmapped: `INSERT INTO unmapped (target, offer_ref, reason, seq, seen_at)
    SELECT t, o, r, s, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS x(t, o, r, s)
    ON CONFLICT (target, offer_ref) DO UPDATE SET reason = excluded.reason, seq = excluded.seq, seen_at =
      excluded.seen_at`,
  readFigures: `SELECT offer_key, offer, warehouse, quantity, version FROM figures
    WHERE (offer_key, offer) IN (SELECT * FROM unnest($1::text[], $2::text[]))
    ORDER BY offer_key, offer, warehouse`,
  offerFigures: `SELECT offer_key, offer, warehouse, quantity, version FROM figures
    WHERE offer_key = $1 AND offer = $2 ORDER BY warehouse`,
  delivered: `SELECT item, delivered_figures FROM items
    WHERE target = $1 AND item = ANY($2::text[]) AND delivered_figures IS NOT NULL`,
  listUnmapped: `SELECT target, offer_ref, reason, seq, seen_at FROM unmapped WHERE target = $1
    ORDER BY seen_at DESC, offer_ref LIMIT $2`,
};

const toFigure = (r: Record<string, unknown>): StockFigure => ({
  offerKey: r.offer_key as OfferKey,
  offer: String(r.offer),
  warehouse: String(r.warehouse),
  quantity: Number(r.quantity),
  version: Number(r.version),
});

/** Last entry per key wins (a plan should not repeat one; ON CONFLICT could not touch a row twice if it did). */
function uniqueBy<T>(rows: readonly T[], key: (r: T) => string, merge: (a: T, b: T) => T = (_a, b) => b): T[] {
  const m = new Map<string, T>();
  for (const r of rows) {
    const k = key(r);
    const prev = m.get(k);
    m.set(k, prev ? merge(prev, r) : r);
  }
  return [...m.values()];
}

export function createStockStatePostgres(db: PgDb): StockState {
  const readCursor = async () => Number((await db.query<{ cursor: number }>(SQL.cursor))[0].cursor);
  return {
    cursor: readCursor,

    async pending(limit) {
      return db.transaction(async (tx) => {
        // Sequence gaps: appends on other connections take numbers in one order and may commit in another, so a
        // higher seq can be visible while a lower one is still in flight; a projector reading then would advance
        // its cursor past the lower one and skip it forever. Appends hold APPEND_BARRIER_KEY shared; taking it
        // exclusively waits until every append in flight has committed or rolled back, and any later append gets a
        // higher number. The next statement's snapshot therefore holds every seq below the newest it sees.
        await tx.query('SELECT pg_advisory_xact_lock($1)', [APPEND_BARRIER_KEY]);
        const cursor = Number((await tx.query<{ cursor: number }>(SQL.cursor))[0].cursor);
        const records = (await tx.query(SQL.pending, [cursor, limit])).map(toCallbackRecord);
        return { cursor, records };
      });
    },

    async figures(keys) {
      if (keys.length === 0) return [];
      const rows = await db.query(SQL.readFigures, [keys.map((k) => k.offerKey), keys.map((k) => k.offer)]);
      return rows.map(toFigure);
    },

    async delivered(target, items) {
      const out = new Map<string, Record<string, number>>();
      if (items.length === 0) return out;
      for (const r of await db.query(SQL.delivered, [target, items])) {
        out.set(String(r.item), JSON.parse(String(r.delivered_figures)) as Record<string, number>);
      }
      return out;
    },

    async apply(plan: ProjectionPlan, now: number) {
      return db.transaction(async (tx) => {
        const moved = await tx.query(SQL.casCursor, [plan.fromCursor, plan.toCursor]);
        if (moved.length === 0) {
          const cursor = Number((await tx.query<{ cursor: number }>(SQL.cursor))[0].cursor);
          return { applied: false, cursor };
        }
        const figures = uniqueBy(
          plan.figures,
          (f) => `${f.offerKey}\u0000${f.offer}\u0000${f.warehouse}`,
          (a, b) => (b.version >= a.version ? b : a),
        );
        if (figures.length > 0)
          await tx.query(SQL.figures, [
            figures.map((f) => f.offerKey),
            figures.map((f) => f.offer),
            figures.map((f) => f.warehouse),
            figures.map((f) => f.quantity),
            figures.map((f) => f.version),
          ]);
        const due = uniqueBy(
          plan.due,
          (d) => `${d.target}\u0000${d.item}`,
          (a, b) => ({
            ...b,
            version: Math.max(a.version, b.version),
            priority: Math.min(a.priority, b.priority) as 0,
          }),
        );
        if (due.length > 0) {
          await tx.query(SQL.due, [
            due.map((d) => d.target),
            due.map((d) => d.item),
            due.map((d) => d.version),
            due.map((d) => d.priority),
            now,
          ]);
          for (const target of new Set(due.map((d) => d.target)))
            await tx.query('SELECT pg_notify($1, $2)', [PG_CHANNELS.due, target]);
        }
        const unmapped = uniqueBy(plan.unmapped, (u) => `${u.target}\u0000${u.offerLabel}`);
        if (unmapped.length > 0)
          await tx.query(SQL.unmapped, [
            unmapped.map((u) => u.target),
            unmapped.map((u) => u.offerLabel),
            unmapped.map((u) => u.reason),
            unmapped.map((u) => u.seq),
            now,
          ]);
        return { applied: true, cursor: plan.toCursor };
      });
    },

    async offerFigures(offerKey, offer) {
      return (await db.query(SQL.offerFigures, [offerKey, offer])).map(toFigure);
    },

    async listUnmapped(target, limit): Promise<UnmappedOffer[]> {
      return (await db.query(SQL.listUnmapped, [target, limit])).map((r) => ({
        target: String(r.target),
        offerLabel: String(r.offer_ref),
        reason: String(r.reason),
        seq: Number(r.seq),
        seenAt: Number(r.seen_at),
      }));
    },
  };
}
