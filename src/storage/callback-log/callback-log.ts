/** One record of the callback log: an accepted inventoriesUpload, numbered by one increasing sequence. */
export interface CallbackRecord {
  seq: number;
  receivedAt: number;
  contentHash: string;
  offers: unknown;
  /** The account whose clientId came with it (`default` for rows from before accounts). */
  account: string;
}

export interface NewCallback {
  receivedAt: number;
  contentHash: string;
  offersJson: string;
  /** Default `default`. */
  account?: string;
}

/**
 * The durable callback log (intake's only write). Sequence numbers come from ONE total increasing order shared by
 * every instance on the same database (SQLite AUTOINCREMENT; a PostgreSQL sequence/identity). A gap is allowed,
 * a reuse never. Each method is one transaction.
 */
export interface CallbackLog {
  /** Append in ONE transaction (a group commit); resolves with their sequence numbers once durable. */
  append(records: NewCallback[]): Promise<number[]>;
  count(): Promise<number>;
  /** The highest sequence number stored (0 when empty). */
  latestSeq(): Promise<number>;
  /** Up to `limit` records with seq > `after`, in seq order (read-only). */
  readAfter(after: number, limit: number): Promise<CallbackRecord[]>;
  /**
   * Delete up to `limit` callbacks received before `before` that the projector has already passed (seq at or
   * below its cursor, read in the same transaction); returns how many. Never deletes an unprojected one.
   */
  prune(before: number, limit: number): Promise<number>;
}
