export interface SyncRunStats {
  read: number;
  unchanged: number;
  uploaded: number;
  notFound: number;
  unmapped: number;
  errors: number;
  batches: number;
}

export interface SyncRun extends SyncRunStats {
  id: number;
  source: string;
  dryRun: boolean;
  startedAt: number;
  finishedAt: number | null;
  outcome: 'running' | 'ok' | 'failed';
  message: string | null;
}

/** Pull sources: what was last uploaded to the CRM per source, and the history of sync runs. */
export interface SourceStore {
  /** offer value → CRM warehouse code → quantity. */
  getState(source: string): Promise<Map<string, Map<string, number>>>;
  /** The same for just these offers (a keyed read: stock questions name a few offers of a large catalogue). */
  getFigures(source: string, offers: readonly string[]): Promise<Map<string, Map<string, number>>>;
  /** Upsert rows in ONE transaction. */
  recordUploaded(
    source: string,
    rows: Array<{ offer: string; warehouse: string; quantity: number }>,
    now: number,
  ): Promise<void>;
  startRun(source: string, dryRun: boolean, now: number): Promise<number>;
  finishRun(
    id: number,
    stats: SyncRunStats,
    outcome: 'ok' | 'failed',
    message: string | null,
    now: number,
  ): Promise<void>;
  /** Newest first: one source's runs, or (null) every source's; `account`: only that account's sources'. */
  listRuns(source: string | null, limit: number, account?: string): Promise<SyncRun[]>;
}
