import type { Logger } from 'pino';
import type { TargetConfig } from '../config/config-types';
import { normalizeOffers } from '../intake/normalize-offers';
import type { StockState } from '../storage/stores';
import { duePriority, offerKeysOf, planFigures, type PlanRecord } from '../domain/plan-projection';
import { DEFAULT_ACCOUNT } from '../accounts/account-names';
import { scopeStock, stockKey } from '../accounts/scoped-stock';

/** Each account's targets (store keys): a record's figures go to its own account's targets only. */
export type AccountTargets = ReadonlyArray<{ readonly account: string; readonly targets: readonly TargetConfig[] }>;

/** Plan each account's records with its own targets and figures (its offer keys qualified, see scoped-stock). */
async function planPerAccount(stock: StockState, accounts: AccountTargets, plan: PlanRecord[], accountOf: string[]) {
  const groups = new Map<string, PlanRecord[]>();
  plan.forEach((p, i) => {
    const group = groups.get(accountOf[i]);
    if (group) group.push(p);
    else groups.set(accountOf[i], [p]);
  });
  const out: ReturnType<typeof planFigures> = { figures: [], touched: [], unmapped: [] };
  for (const [account, records] of groups) {
    const targets = accounts.find((a) => a.account === account)?.targets ?? [];
    if (targets.length === 0) continue;
    const current = await scopeStock(stock, account).figures(offerKeysOf(records, targets));
    const p = planFigures(records, targets, current);
    out.figures.push(...p.figures.map((f) => ({ ...f, offerKey: stockKey(account, f.offerKey) })));
    out.touched.push(...p.touched);
    out.unmapped.push(...p.unmapped);
  }
  return out;
}

const UNBOUNDED = { maxOffers: Infinity, maxIdLength: Infinity, maxQuantity: Infinity, checkText: false };

export interface BatchResult {
  callbacks: number;
  changedFigures: number;
  dueItems: number;
  /** The targets that got due items. */
  dueTargets: string[];
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
  accounts: AccountTargets,
  batchSize: number,
  log: Logger,
  now: () => number,
): Promise<BatchResult> {
  const { cursor, records } = await stock.pending(batchSize);
  if (records.length === 0)
    return { callbacks: 0, changedFigures: 0, dueItems: 0, dueTargets: [], cursor, applied: true };
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
  const accountOf = records.map((r) => r.account ?? DEFAULT_ACCOUNT);
  const { figures, touched, unmapped } = await planPerAccount(stock, accounts, plan, accountOf);
  const byTarget = new Map<string, string[]>();
  // Appended in place: copying the list per item was quadratic (a batch of 1,000-offer callbacks took minutes).
  for (const t of touched) {
    const list = byTarget.get(t.target);
    if (list) list.push(t.item);
    else byTarget.set(t.target, [t.item]);
  }
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
    dueTargets: [...byTarget.keys()],
    cursor: res.cursor,
    applied: res.applied,
  };
}
