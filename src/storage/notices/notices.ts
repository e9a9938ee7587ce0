/** One notification the hub sent (or tried to send) to an account's CRM about one problem. */
export interface NoticeRow {
  readonly account: string;
  /** Which problem: `shop-paused:<target>`, `dead-letters:<target>`, `sync-failing:<source>`. */
  readonly problem: string;
  /** The UTC day (YYYY-MM-DD) it counts for: one notice per problem per day. */
  readonly day: string;
  readonly message: string;
  /** `sending`, `sent`, or `failed: <why>`. */
  readonly outcome: string;
  readonly at: number;
}

/** Notices to the merchants' CRMs, recorded. Each method is one statement. */
export interface NoticesStore {
  /**
   * Takes the day's notice of this problem: true for the one caller (of any instance) that may send it, false
   * when it was taken already today.
   */
  claim(row: Omit<NoticeRow, 'outcome'>): Promise<boolean>;
  settle(account: string, problem: string, day: string, outcome: string): Promise<void>;
  /** The account's notices, newest first. */
  list(account: string, limit: number): Promise<NoticeRow[]>;
}
