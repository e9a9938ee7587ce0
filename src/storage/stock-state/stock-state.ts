import type { OfferKey } from '../../domain/offer-types';
import type { CallbackRecord } from '../callback-log/callback-log';

export type { OfferKey };

/** The CRM's figure for one (CRM offer, CRM warehouse), stored ONCE whatever the number of targets. */
export interface StockFigure {
  offerKey: OfferKey;
  offer: string;
  warehouse: string;
  quantity: number;
  /** The sequence number of the callback that set it. */
  version: number;
}

/**
 * How urgently a due item should go (lower first): a figure going to 0, a decrease, never delivered (unknown),
 * anything else. Within a class the oldest due goes first.
 */
export const DuePriority = { toZero: 0, decrease: 1, unknown: 2, other: 3 } as const;
export type DuePriority = (typeof DuePriority)[keyof typeof DuePriority];

export interface UnmappedOffer {
  target: string;
  offerLabel: string;
  reason: string;
  seq: number;
  seenAt: number;
}

/** What the projector decided for callbacks (fromCursor, toCursor]; storage only applies it. */
export interface ProjectionPlan {
  fromCursor: number;
  toCursor: number;
  /** Figures that changed (each one's `version` is its callback's seq); applied only over an older version. */
  figures: StockFigure[];
  /** Per target, only items whose figure changed: made due now (priority: the lower of old and new). */
  due: Array<{ target: string; item: string; version: number; priority: DuePriority }>;
  unmapped: Array<{ target: string; offerLabel: string; reason: string; seq: number }>;
}

export interface ApplyResult {
  /** False when the cursor was no longer `fromCursor` (another projector got there first): nothing applied. */
  applied: boolean;
  cursor: number;
}

/**
 * The CRM's stock per (offer key, offer, warehouse) and the projector's cursor over the callback log.
 * The projector reads (cursor, records, current figures, delivered figures), decides in pure code, then calls
 * `apply`, which is ONE transaction guarded by a compare-and-set on the cursor: only the projector writes figures,
 * so reads taken at that cursor are still true when the compare-and-set succeeds (no transaction is held open
 * across the decision, which a PostgreSQL driver would have to hold across awaits otherwise).
 */
export interface StockState {
  cursor(): Promise<number>;
  /** Pending records after the cursor (same as CallbackLog.readAfter(cursor, limit), with the cursor read). */
  pending(limit: number): Promise<{ cursor: number; records: CallbackRecord[] }>;
  /** Current figures for these offers (every warehouse). */
  figures(keys: ReadonlyArray<{ offerKey: OfferKey; offer: string }>): Promise<StockFigure[]>;
  /** What each item was last delivered with (CRM warehouse → quantity); absent when never delivered. */
  delivered(target: string, items: readonly string[]): Promise<Map<string, Record<string, number>>>;
  /** Apply a plan in ONE transaction: figures, due marks, unmapped reports, cursor (see ApplyResult). */
  apply(plan: ProjectionPlan, now: number): Promise<ApplyResult>;
  /** One offer's figures at send time (every warehouse; the caller applies its target's mapping). */
  offerFigures(offerKey: OfferKey, offer: string): Promise<StockFigure[]>;
  listUnmapped(target: string, limit: number): Promise<UnmappedOffer[]>;
}
