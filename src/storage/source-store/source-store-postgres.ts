import type { SourceStore, SyncRun, SyncRunStats } from './source-store';
import type { PgDb } from '../postgres/create-pg-db';
import { groupFigures } from './group-figures';

const SQL = {
  state: 'SELECT offer, warehouse, quantity FROM source_state WHERE source = $1',
  offers: 'SELECT offer, warehouse, quantity FROM source_state WHERE source = $1 AND offer = ANY($2::text[])',
  upsert: `INSERT INTO source_state (source, offer, warehouse, quantity, uploaded_at)
    SELECT $1, o, w, q, $5 FROM unnest($2::text[], $3::text[], $4::bigint[]) AS t(o, w, q)
    ON CONFLICT (source, offer, warehouse) DO UPDATE SET quantity = excluded.quantity, uploaded_at =
      excluded.uploaded_at`,
  start: `INSERT INTO sync_runs (source, dry_run, started_at, outcome) VALUES ($1, $2, $3, 'running') RETURNING id`,
  finish: 'UPDATE sync_runs SET finished_at = $2, outcome = $3, message = $4, stats = $5 WHERE id = $1',
  // An account's runs: `default`'s sources are the bare names, any other's `<account>/<name>` (see account-names).
  list: `SELECT * FROM sync_runs WHERE ($1::text IS NULL OR source = $1)
    AND ($3::text IS NULL OR ($3 = 'default' AND position('/' in source) = 0) OR source LIKE $3 || '/%')
    ORDER BY id DESC LIMIT $2`,
};

const ZERO: SyncRunStats = { read: 0, unchanged: 0, uploaded: 0, notFound: 0, unmapped: 0, errors: 0, batches: 0 };

export function createSourceStorePostgres(db: PgDb): SourceStore {
  return {
    async getState(source) {
      return groupFigures(await db.query(SQL.state, [source]));
    },
    async getFigures(source, offers) {
      if (offers.length === 0) return new Map<string, Map<string, number>>();
      return groupFigures(await db.query(SQL.offers, [source, [...new Set(offers)]]));
    },
    async recordUploaded(source, rows, now) {
      if (rows.length === 0) return;
      // Last row per (offer, warehouse) wins, as one upsert per row would.
      const last = new Map(rows.map((r) => [`${r.offer}\u0000${r.warehouse}`, r]));
      const uniq = [...last.values()];
      await db.query(SQL.upsert, [
        source,
        uniq.map((r) => r.offer),
        uniq.map((r) => r.warehouse),
        uniq.map((r) => r.quantity),
        now,
      ]);
    },
    async startRun(source, dryRun, now) {
      return Number((await db.query<{ id: number }>(SQL.start, [source, dryRun, now]))[0].id);
    },
    async finishRun(id, stats, outcome, message, now) {
      await db.query(SQL.finish, [id, now, outcome, message, JSON.stringify(stats)]);
    },
    async listRuns(source, limit, account): Promise<SyncRun[]> {
      return (await db.query(SQL.list, [source, limit, account ?? null])).map((r) => ({
        ...ZERO,
        ...(r.stats ? (JSON.parse(String(r.stats)) as SyncRunStats) : {}),
        id: Number(r.id),
        source: String(r.source),
        dryRun: r.dry_run === true,
        startedAt: Number(r.started_at),
        finishedAt: r.finished_at == null ? null : Number(r.finished_at),
        outcome: r.outcome as SyncRun['outcome'],
        message: (r.message as string | null) ?? null,
      }));
    },
  };
}
