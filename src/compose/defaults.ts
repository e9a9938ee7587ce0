/**
 * Every built-in tunable in one place: its unit is in its name, its reason beside it. Factories read these as their
 * defaults; what an operator may change lives in the config file instead (documented in stockbridge.example.json).
 */
export const DEFAULTS = {
  projection: {
    /** Callbacks per projection transaction: a batch coalesces, so a backlog drains faster in larger ones
     * (measured: 1,000 callbacks in 1.7 s at 50, 2.6 s at 8) while intake p99 stays the same. */
    batchSize: 50,
    /** A failing projection (or a dead projector thread) is retried with backoff: soon, but never a hot loop. */
    restartBackoff: { baseMs: 200, maxMs: 30_000 },
  },
  http: {
    /** Keep-alive sockets per origin for the shared client (writes to shops, CRM calls). */
    maxSockets: 64,
    /** A request without its own timeout gives up after this. */
    timeoutMs: 15_000,
  },
  answering: {
    /** Questions fan out one request per offer and source; they get a pool of their own so they never queue
     * behind the hub's other calls. */
    maxSockets: 128,
    /** How long a lookup may run past the answer's deadline (its late figures are still recorded). */
    lookupGraceMs: 1_000,
  },
  crm: {
    /** Retries of a CRM call (429, 5xx, timeouts) back off from this, capped; Retry-After wins when longer. */
    backoff: { baseMs: 100, maxMs: 10_000 },
    /** The CRM takes at most 250 offers per inventories upload. */
    maxUploadBatch: 250,
  },
  sync: {
    /** A failed upload batch of a sync run is retried after this backoff (Retry-After wins when longer). */
    batchBackoff: { baseMs: 500, maxMs: 10_000 },
  },
  retention: {
    /** Callbacks pruned per transaction, so pruning never holds the write lock for long. */
    pruneBatch: 2_000,
  },
  admin: {
    /** Rows per operator list (dead letters, failures, unmapped offers, shipments, sync runs). */
    listLimit: 100,
  },
  postgres: {
    /** How often an instance retries for work nobody owns (a dead instance's targets, projector, CRM sender). */
    ownershipRetryMs: 2_000,
    /** After gaining ownership, wait this long before claiming, so the previous owner's last writes settle. */
    ownershipQuietMs: 1_100,
  },
  accounts: {
    /** How often an instance checks whether accounts were connected or changed elsewhere (another instance, the
     * CLI): one cheap query; a change made through this instance's own admin API applies at once. */
    reloadMs: 5_000,
  },
  sqlite: {
    /** How long a connection that yields waits for the write lock before SQLITE_BUSY (the projector thread). */
    busyTimeoutMs: 5_000,
  },
} as const;
