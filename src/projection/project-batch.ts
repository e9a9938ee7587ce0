import type { Logger } from 'pino';
import type { TargetConfig } from '../config/config-types';
import { normalizeOffers } from '../intake/normalize-offers';
import type { StockState } from '../storage/stores';
import { duePriority, offerKeysOf, planFigures, type PlanRecord } from '../domain/plan-projection';

const UNBOUNDED = { maxOffers: Infinity, maxIdLength: Infinity, maxQuantity: Infinity, checkText: false };

export interface BatchResult {
  callbacks: number;
  changedFigures: number;
  dueItems: number;
  cursor: number;
  /** False when another projector moved the cursor first (nothing applied; read again). */
  applied: boolean;
}

/**
 * One projection step: storage reads (pending callbacks, their offers' figures, what was delivered), the pure
 * planner decides, storage applies it in one transaction guarded by the cursor.
 */
export async function projectBatch(
  stock: StockState,
  targets: readonly TargetConfig[],
  batchSize: number,
  log: Logger,
  now: () => number,
): Promise<BatchResult> {
  const { cursor, records } = await stock.pending(batchSize);
  if (records.length === 0) return { callbacks: 0, changedFigures: 0, dueItems: 0, cursor, applied: true };
  // Records were validated at intake; normalise again without limits (a later, stricter config must not strand
  // an accepted callback). A record that cannot be read is logged and skipped, never retried forever.
  const plan: PlanRecord[] = records.map((rec) => {
    const r = normalizeOffers(rec.offers, UNBOUNDED);
    if ('errors' in r) {
      log.error(
        { seq: rec.seq, errors: r.errors },
        'stored callback is unreadable; skipped (it stays in the callback log)',
      );
      return { seq: rec.seq, offers: null };
    }
    return { seq: rec.seq, offers: r.offers };
  });
  const current = await stock.figures(offerKeysOf(plan, targets));
  const { figures, touched, unmapped } = planFigures(plan, targets, current);
  const byTarget = new Map<string, string[]>();
  for (const t of touched) byTarget.set(t.target, [...(byTarget.get(t.target) ?? []), t.item]);
  const delivered = new Map(
    await Promise.all(
      [...byTarget].map(async ([target, items]) => [target, await stock.delivered(target, items)] as const),
    ),
  );
  const due = touched.map((t) => ({
    target: t.target,
    item: t.item,
    version: t.version,
    priority: duePriority(t.changed, delivered.get(t.target)?.get(t.item)),
  }));
  const toCursor = records[records.length - 1].seq;
  const res = await stock.apply({ fromCursor: cursor, toCursor, figures, due, unmapped }, now());
  return {
    callbacks: records.length,
    changedFigures: figures.length,
    dueItems: due.length,
    cursor: res.cursor,
    applied: res.applied,
  };
}
