/* eslint-disable @typescript-eslint/require-await -- better-sqlite3 is synchronous; the store contract is async */
import type { SourceStore, SyncRun, SyncRunStats } from './source-store';
import { prepareAll, type Row, type SqliteDb } from '../sqlite/sqlite-db';
import { groupFigures } from './group-figures';

const SQL = {
  state: 'SELECT offer, warehouse, quantity FROM source_state WHERE source = ?',
  offer: 'SELECT warehouse, quantity FROM source_state WHERE source = ? AND offer = ?',
  upsert: `INSERT INTO source_state (source, offer, warehouse, quantity, uploaded_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (source, offer, warehouse) DO UPDATE SET quantity = excluded.quantity, uploaded_at =
      excluded.uploaded_at`,
  start: "INSERT INTO sync_runs (source, dry_run, started_at, outcome) VALUES (?, ?, ?, 'running')",
  finish: 'UPDATE sync_runs SET finished_at = ?, outcome = ?, message = ?, stats = ? WHERE id = ?',
  // An account's runs: `default`'s sources are the bare names, any other's `<account>/<name>` (see account-names).
  list: `SELECT * FROM sync_runs WHERE (? IS NULL OR source = ?)
    AND (? IS NULL OR (? = 'default' AND instr(source, '/') = 0) OR source LIKE ? || '/%')
    ORDER BY id DESC LIMIT ?`,
};
const ZERO: SyncRunStats = { read: 0, unchanged: 0, uploaded: 0, notFound: 0, unmapped: 0, errors: 0, batches: 0 };

export function createSourceStoreSqlite(s: SqliteDb): SourceStore {
  const { db } = s;
  const st = prepareAll(db, SQL);
  const record = db.transaction((source: string, rows: Parameters<SourceStore['recordUploaded']>[1], now: number) => {
    for (const r of rows) st.upsert.run(source, r.offer, r.warehouse, r.quantity, now);
  });
  return {
    async getState(source) {
      return groupFigures(st.state.iterate(source) as Iterable<Row>);
    },
    async getFigures(source, offers) {
      const out = new Map<string, Map<string, number>>();
      for (const offer of new Set(offers)) {
        const rows = st.offer.all(source, offer) as Row[];
        if (rows.length) out.set(offer, new Map(rows.map((r) => [String(r.warehouse), Number(r.quantity)])));
      }
      return out;
    },
    recordUploaded: (source, rows, now) => s.write(() => record.immediate(source, rows, now)),
    startRun: (source, dryRun, now) => s.write(() => Number(st.start.run(source, dryRun ? 1 : 0, now).lastInsertRowid)),
    async finishRun(id, stats, outcome, message, now) {
      await s.write(() => st.finish.run(now, outcome, message, JSON.stringify(stats), id));
    },
    async listRuns(source, limit, account) {
      // As PostgreSQL reads them: stats a run stored without some counter (older releases) read it as 0.
      return (st.list.all(source, source, account ?? null, account ?? null, account ?? null, limit) as Row[]).map(
        (r): SyncRun => ({
          ...ZERO,
          ...(r.stats ? (JSON.parse(r.stats as string) as SyncRunStats) : {}),
          id: Number(r.id),
          source: String(r.source),
          dryRun: Number(r.dry_run) === 1,
          startedAt: Number(r.started_at),
          finishedAt: r.finished_at == null ? null : Number(r.finished_at),
          outcome: r.outcome as SyncRun['outcome'],
          message: (r.message as string | null) ?? null,
        }),
      );
    },
  };
}
