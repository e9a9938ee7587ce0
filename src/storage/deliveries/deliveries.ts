/** Per-(target, item) bookkeeping: only what the worker and the operator views need. */
export interface ItemState {
  target: string;
  item: string;
  /** Newest figure version the item was made due for. */
  version: number;
  deliveredVersion: number;
  dueAt: number | null;
  dueSince: number | null;
  priority: number | null;
  attempts: number;
  firstFailedAt: number | null;
  lastError: string | null;
  lastStatus: number | null;
  dead: boolean;
  deadReason: string | null;
  updatedAt: number;
}

/** A claim: `token` fences every later write of its outcome (a write with a stale token changes nothing). */
export interface ClaimedItem {
  item: string;
  version: number;
  attempts: number;
  firstFailedAt: number | null;
  dueSince: number | null;
  token: number;
}

/**
 * What a claim hands back. Empty with `notMine` when another instance owns this work (several instances on one
 * PostgreSQL): nothing is wrong and nothing was due here; the owner delivers it.
 */
export type Claimed<T> = T[] & { readonly notMine?: true };

/** An empty claim that says why: another instance owns the work. */
export const notMine = <T>(): Claimed<T> => Object.assign([] as T[], { notMine: true as const });

export interface TargetStats {
  backlog: number;
  oldestDueSince: number | null;
  dead: number;
  lastError: string | null;
  lastErrorAt: number | null;
  unmapped: number;
}

/** Fenced writes resolve true when applied, false when the claim was stale (lease expired and re-claimed). */
export interface Deliveries {
  /**
   * Lease up to `limit` due items (due_at <= now, not dead, lease free or expired), most urgent first: priority
   * (see DuePriority), then oldest due. Each claim gets a fresh token, higher than any before it for that row.
   * ONE transaction; a PostgreSQL driver may use FOR UPDATE SKIP LOCKED.
   */
  claim(target: string, limit: number, now: number, leaseMs: number, owner: string): Promise<Claimed<ClaimedItem>>;
  /** Extend a lease still held (same token); false if it was lost. */
  renew(target: string, item: string, token: number, until: number): Promise<boolean>;
  /**
   * Record a delivered version and the figures sent (CRM warehouse → quantity); if a newer version arrived
   * meanwhile the item stays due at once.
   */
  markDelivered(
    target: string,
    item: string,
    token: number,
    version: number,
    figures: Record<string, number>,
    status: number,
    now: number,
  ): Promise<boolean>;
  markRetry(
    target: string,
    item: string,
    token: number,
    dueAt: number,
    error: string,
    status: number | null,
    now: number,
  ): Promise<boolean>;
  markDead(
    target: string,
    item: string,
    token: number,
    reason: string,
    status: number | null,
    now: number,
  ): Promise<boolean>;
  /** Give the item back without counting an attempt (target paused, worker draining). */
  release(target: string, item: string, token: number, dueAt: number): Promise<boolean>;
  /** Make these items of a target due now (reconcile --fix); items never projected are created. Returns count. */
  markDue(target: string, items: string[], now: number): Promise<number>;
  /** Earliest time something of the target becomes claimable (due time or lease end), or null. */
  nextDueAt(target: string): Promise<number | null>;
  get(target: string, item: string): Promise<ItemState | undefined>;
  listDead(target: string, limit: number): Promise<ItemState[]>;
  listFailures(target: string, limit: number): Promise<ItemState[]>;
  /** Bring one dead item (or all of a target's with null) back, due now; returns count. */
  retryDead(target: string, item: string | null, now: number): Promise<number>;
  /** Indexed counts: costs the backlog, not the catalogue. `unmapped` counts the target's unmapped offers. */
  stats(target: string): Promise<TargetStats>;
}
