import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { AppError } from '../domain/app-error';
import type { SourceConfig } from '../config/config-types';
import type { CrmClient } from '../integrations/retailcrm/crm-client';
import { CrmError } from '../integrations/retailcrm/crm-error';
import type { CrmOfferUpload } from '../integrations/retailcrm/crm-types';
import { backoffDelay } from '../integrations/http-client/backoff';
import type { Locks, SourceStore, SyncRunStats } from '../storage/stores';
import { diffSnapshot, uploadKey } from './diff-snapshot';
import { peerText, type PullSource } from '../integrations/source-answer';
import { DEFAULTS } from '../compose/defaults';

export interface SyncProgress {
  (event: { phase: string; read?: number; total?: number; batches?: number; batchesTotal?: number }): void;
}

export interface SyncSummary extends SyncRunStats {
  source: string;
  dryRun: boolean;
  durationMs: number;
  notFoundOffers: Array<Record<string, unknown>>;
  reportFile: string | null;
  /** In a dry run: what would have been uploaded. */
  wouldUpload: CrmOfferUpload[];
  warnings: string[];
}

export interface SyncDeps {
  stores: { sources: SourceStore; locks: Locks };
  crm: CrmClient;
  log: Logger;
  site: string;
  batchSize: number;
  batchRetries: number;
  reportDir: string;
  owner: string;
  sleep?: (ms: number) => Promise<void>;
}

const LOCK_MS = 30 * 60_000;

/**
 * One sync run of a source: pull a snapshot, map it, upload only what changed since the last upload for this
 * source in batches (≤ 250) through the CRM client's shared limit, record each batch as it lands (a run that
 * fails part-way keeps its progress, and the next run still uploads everything that differs), report
 * `notFoundOffers`, and record the run. Never two runs of one source at once, across processes.
 */
export async function runSync(
  deps: SyncDeps,
  config: SourceConfig,
  source: PullSource,
  opts: { dryRun?: boolean; progress?: SyncProgress } = {},
): Promise<SyncSummary> {
  const { sources, locks } = deps.stores;
  const dryRun = opts.dryRun === true;
  const lock = `sync:${config.name}`;
  if (!(await locks.acquire(lock, deps.owner, LOCK_MS, Date.now()))) {
    throw new AppError(409, `a sync of "${config.name}" is already running; wait for it to finish`, { code: 'busy' });
  }
  const started = Date.now();
  const runId = await sources.startRun(config.name, dryRun, started);
  const stats: SyncRunStats = { read: 0, unchanged: 0, uploaded: 0, notFound: 0, unmapped: 0, errors: 0, batches: 0 };
  const summary: SyncSummary = {
    ...stats,
    source: config.name,
    dryRun,
    durationMs: 0,
    notFoundOffers: [],
    reportFile: null,
    wouldUpload: [],
    warnings: [],
  };
  const log = deps.log.child({ source: config.name, run: runId });
  try {
    const snap = await source.pull(opts.progress);
    stats.read = snap.items.length;
    stats.unmapped = snap.unmapped.length;
    stats.errors = snap.warnings.length;
    summary.warnings = snap.warnings.slice(0, 50);
    const { uploads, unchanged } = diffSnapshot(snap.items, await sources.getState(config.name), config.offerKey);
    stats.unchanged = unchanged;
    const batchesTotal = Math.ceil(uploads.length / deps.batchSize);
    opts.progress?.({
      phase: dryRun ? 'dry run: nothing is sent' : 'uploading',
      read: stats.read,
      batches: 0,
      batchesTotal,
    });
    if (dryRun) {
      summary.wouldUpload = uploads;
    } else {
      const notFound = new Set<string>();
      for (let i = 0; i < uploads.length; i += deps.batchSize) {
        const batch = uploads.slice(i, i + deps.batchSize);
        const res = await uploadWithRetries(deps, batch, log);
        for (const nf of res.notFoundOffers) {
          summary.notFoundOffers.push(nf);
          notFound.add(String(nf[config.offerKey] ?? nf.externalId ?? nf.xmlId ?? nf.id));
        }
        // Offers the CRM does not know are not recorded as uploaded: they are tried (and reported) again next run.
        const landed = batch.filter((o) => !notFound.has(uploadKey(o, config.offerKey)));
        await sources.recordUploaded(
          config.name,
          landed.flatMap((o) =>
            o.stores.map((s) => ({ offer: uploadKey(o, config.offerKey), warehouse: s.code, quantity: s.available })),
          ),
          Date.now(),
        );
        stats.uploaded += landed.length;
        stats.batches++;
        opts.progress?.({ phase: 'uploading', read: stats.read, batches: stats.batches, batchesTotal });
      }
      stats.notFound = summary.notFoundOffers.length;
      if (summary.notFoundOffers.length)
        summary.reportFile = writeNotFoundReport(deps.reportDir, config.name, started, summary.notFoundOffers);
    }
    await sources.finishRun(runId, stats, 'ok', null, Date.now());
    log.info({ ...stats, dryRun }, 'sync finished');
    return { ...summary, ...stats, durationMs: Date.now() - started };
  } catch (err) {
    const message = (err as Error).message;
    stats.errors++;
    await sources.finishRun(runId, stats, 'failed', message, Date.now());
    log.error(
      { ...stats, reason: message },
      'sync failed; what was uploaded is recorded, the next run uploads the rest',
    );
    const failure =
      err instanceof AppError
        ? err
        : new AppError(502, `sync of "${config.name}" failed: ${message}`, { code: 'sync', cause: err });
    // Logged here, with the run's figures: the scheduler must not log the same failure again.
    throw Object.assign(failure, { logged: true });
  } finally {
    await locks.release(lock, deps.owner);
  }
}

async function uploadWithRetries(deps: SyncDeps, batch: CrmOfferUpload[], log: Logger) {
  const sleep = deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.crm.uploadInventories(batch, { site: deps.site });
    } catch (err) {
      if (!(err instanceof CrmError) || !err.retryable || attempt > deps.batchRetries) throw err;
      const wait = Math.max(err.retryAfterMs ?? 0, backoffDelay(attempt, DEFAULTS.sync.batchBackoff));
      log.warn({ attempt, waitMs: wait, reason: err.message }, 'upload batch failed; retrying');
      await sleep(wait);
    }
  }
}

function writeNotFoundReport(
  dir: string,
  source: string,
  started: number,
  rows: Array<Record<string, unknown>>,
): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${source}-${new Date(started).toISOString().replace(/[:.]/g, '-')}-not-found.csv`);
  const cell = (v: unknown) => (v === undefined || v === null ? '' : `"${peerText(v).replace(/"/g, '""')}"`);
  fs.writeFileSync(
    file,
    ['externalId,xmlId,id', ...rows.map((r) => [r.externalId, r.xmlId, r.id].map(cell).join(','))].join('\n') + '\n',
  );
  return file;
}
