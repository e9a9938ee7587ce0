/** @deprecated 0.1.0 monolithic contract, being replaced by the narrow stores in stores.ts. */
/** One record of the callback log: an accepted inventoriesUpload, numbered by one increasing sequence. */
export interface CallbackRecord {
  seq: number;
  receivedAt: number;
  contentHash: string;
  offers: unknown;
}

export interface NewCallback {
  receivedAt: number;
  contentHash: string;
  offersJson: string;
}

/** What the projector derives from one callback for every target; the callback's seq becomes the version. */
export interface Projection {
  rows: Array<{ target: string; item: string; warehouse: string; quantity: number }>;
  unmapped: Array<{ target: string; offerRef: string; reason: string }>;
}

export interface ProjectResult {
  callbacks: number;
  changedRows: number;
  dueItems: number;
  cursor: number;
}

export interface DesiredRow {
  warehouse: string;
  quantity: number;
  version: number;
}

export interface ModuleState {
  active: boolean;
  freeze: boolean;
  systemUrl?: string;
  updatedAt: number;
}

export interface ItemState {
  target: string;
  item: string;
  version: number;
  deliveredVersion: number;
  dueAt: number | null;
  dueSince: number | null;
  attempts: number;
  firstFailedAt: number | null;
  lastError: string | null;
  lastStatus: number | null;
  dead: boolean;
  deadReason: string | null;
  updatedAt: number;
}

export interface ClaimedItem {
  item: string;
  version: number;
  attempts: number;
  firstFailedAt: number | null;
  dueSince: number | null;
}

export interface TargetState {
  target: string;
  paused: boolean;
  pausedReason: string | null;
  pausedAt: number | null;
}

export interface TargetStats {
  backlog: number;
  oldestDueSince: number | null;
  dead: number;
  lastError: string | null;
  lastErrorAt: number | null;
  unmapped: number;
}

export interface UnmappedOffer {
  target: string;
  offerRef: string;
  reason: string;
  seq: number;
  seenAt: number;
}

export type ShipmentStatus = 'pending' | 'delivered' | 'failed';

export interface NewShipment {
  id: string;
  by: 'externalId' | 'id';
  ref: string;
  site: string;
  report: { shipped: boolean; shipmentStore: string; shipmentDate: string };
}

export interface Shipment extends NewShipment {
  seq: number;
  status: ShipmentStatus;
  attempts: number;
  firstFailedAt: number | null;
  lastStatus: number | null;
  /** The CRM's last answer: `{errorMsg, errors}` on failure, `{id}` on success. */
  lastAnswer: Record<string, unknown> | null;
  createdAt: number;
  updatedAt: number;
  deliveredAt: number | null;
}

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

/**
 * The storage contract, free of driver types so SQLite and PostgreSQL can both stand behind it.
 * Every method is one transaction; the conformance suite in test/integration/storage runs against each driver.
 */
export interface Storage {
  readonly driver: string;
  ping(): Promise<void>;
  close(): Promise<void>;

  /** Append accepted callbacks in ONE transaction (a group commit); resolves with their sequence numbers once durable. */
  appendCallbacks(records: NewCallback[]): Promise<number[]>;
  callbackCount(): Promise<number>;
  latestSeq(): Promise<number>;

  /**
   * Read up to `batchSize` callbacks after the cursor, derive each one's projection with `derive`, apply it, and
   * advance the cursor, all in ONE transaction. A row whose quantity already is the desired one changes nothing.
   */
  project(batchSize: number, derive: (record: CallbackRecord) => Projection, now: number): Promise<ProjectResult>;
  projectorCursor(): Promise<number>;
  /** Delete up to `limit` callbacks received before `before` that are already projected; returns how many. */
  pruneCallbacks(before: number, limit: number): Promise<number>;

  getDesired(target: string, item: string): Promise<DesiredRow[]>;
  getItem(target: string, item: string): Promise<ItemState | undefined>;
  listUnmapped(target: string, limit: number): Promise<UnmappedOffer[]>;

  getModuleState(): Promise<ModuleState>;
  setModuleState(state: ModuleState): Promise<void>;

  // Delivery (the worker)
  claimDue(target: string, limit: number, now: number, leaseMs: number, owner: string): Promise<ClaimedItem[]>;
  /** Record a delivered version; if a newer version arrived meanwhile the item stays due at once. */
  markDelivered(target: string, item: string, version: number, status: number, now: number): Promise<void>;
  markRetry(
    target: string,
    item: string,
    dueAt: number,
    error: string,
    status: number | null,
    now: number,
  ): Promise<void>;
  markDead(target: string, item: string, reason: string, status: number | null, now: number): Promise<void>;
  /** Give the item back without counting an attempt (the target was paused, or the worker is draining). */
  releaseItem(target: string, item: string, dueAt: number): Promise<void>;
  /** Make every item of a target due now (reconcile --fix, operator retry of the whole backlog). */
  markDue(target: string, items: string[], now: number): Promise<number>;
  nextDueAt(target: string): Promise<number | null>;
  listDead(target: string, limit: number): Promise<ItemState[]>;
  listFailures(target: string, limit: number): Promise<ItemState[]>;
  retryDead(target: string, item: string | null, now: number): Promise<number>;
  targetStats(target: string): Promise<TargetStats>;

  getTargetState(target: string): Promise<TargetState>;
  setTargetPaused(target: string, reason: string | null, now: number): Promise<void>;

  // Shipment reports (events: each delivered once, in arrival order per order)
  /**
   * Store shipments in ONE transaction. With an idempotency key: a key seen before with the same body hash
   * returns the first call's ids and creates nothing; with another body hash it is a conflict.
   */
  createShipments(
    items: NewShipment[],
    idem: { key: string; bodyHash: string } | null,
    now: number,
  ): Promise<{ ids: string[]; created: boolean } | { conflict: true }>;
  getShipment(id: string): Promise<Shipment | undefined>;
  /** Pending reports whose time has come and that no earlier pending report of the same order is ahead of. */
  claimShipments(limit: number, now: number, leaseMs: number, owner: string): Promise<Shipment[]>;
  markShipmentDelivered(id: string, answer: Record<string, unknown>, status: number, now: number): Promise<void>;
  markShipmentRetry(
    id: string,
    nextAt: number,
    answer: Record<string, unknown>,
    status: number | null,
    now: number,
  ): Promise<void>;
  markShipmentFailed(id: string, answer: Record<string, unknown>, status: number | null, now: number): Promise<void>;
  retryShipments(id: string | null, now: number): Promise<number>;
  listShipments(status: ShipmentStatus, limit: number): Promise<Shipment[]>;
  nextShipmentAt(): Promise<number | null>;

  // Pull sources
  /** What was last uploaded to the CRM for a source: offer value → CRM warehouse code → quantity. */
  getSourceState(source: string): Promise<Map<string, Map<string, number>>>;
  recordUploaded(
    source: string,
    rows: Array<{ offer: string; warehouse: string; quantity: number }>,
    now: number,
  ): Promise<void>;
  startSyncRun(source: string, dryRun: boolean, now: number): Promise<number>;
  finishSyncRun(
    id: number,
    stats: SyncRunStats,
    outcome: 'ok' | 'failed',
    message: string | null,
    now: number,
  ): Promise<void>;
  listSyncRuns(source: string | null, limit: number): Promise<SyncRun[]>;
  /** A named lease across processes: true if taken (free, expired, or already ours). */
  acquireLock(name: string, owner: string, leaseMs: number, now: number): Promise<boolean>;
  releaseLock(name: string, owner: string): Promise<void>;
}
