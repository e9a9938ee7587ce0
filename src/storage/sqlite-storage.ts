import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { batchPerTick } from '../batch-per-tick';
import { callbackLogSql, schemaSql, SQL } from './schema-sql';
import type {
  CallbackRecord,
  ItemState,
  ModuleState,
  NewShipment,
  Shipment,
  ShipmentStatus,
  Storage,
  SyncRun,
  SyncRunStats,
  TargetState,
} from './storage';

const DEFAULT_MODULE: ModuleState = { active: true, freeze: false, updatedAt: 0 };

type Row = Record<string, unknown>;

function toItem(r: Row): ItemState {
  return {
    target: String(r.target),
    item: String(r.item),
    version: Number(r.version),
    deliveredVersion: Number(r.delivered_version),
    dueAt: r.due_at == null ? null : Number(r.due_at),
    dueSince: r.due_since == null ? null : Number(r.due_since),
    attempts: Number(r.attempts),
    firstFailedAt: r.first_failed_at == null ? null : Number(r.first_failed_at),
    lastError: (r.last_error as string | null) ?? null,
    lastStatus: r.last_status == null ? null : Number(r.last_status),
    dead: Number(r.dead) === 1,
    deadReason: (r.dead_reason as string | null) ?? null,
    updatedAt: Number(r.updated_at),
  };
}

function toShipment(r: Row): Shipment {
  return {
    seq: Number(r.seq),
    id: String(r.id),
    by: r.by_field as Shipment['by'],
    ref: String(r.ref),
    site: String(r.site),
    report: JSON.parse(String(r.report)) as Shipment['report'],
    status: r.status as ShipmentStatus,
    attempts: Number(r.attempts),
    firstFailedAt: r.first_failed_at == null ? null : Number(r.first_failed_at),
    lastStatus: r.last_status == null ? null : Number(r.last_status),
    lastAnswer: r.last_answer == null ? null : (JSON.parse(String(r.last_answer)) as Record<string, unknown>),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    deliveredAt: r.delivered_at == null ? null : Number(r.delivered_at),
  };
}

/** Reports for the same order (same identifier form, site and reference) are one ordered stream. */
export const orderKey = (s: Pick<NewShipment, 'by' | 'ref' | 'site'>) => `${s.site}\u0000${s.by}\u0000${s.ref}`;

/** The callback log lives in its own file beside the state file: `<path>-log`. */
export function callbackLogPath(statePath: string): string {
  return `${statePath}-log`;
}

/**
 * SQLite has one write lock per database file. The callback log is a separate file, attached as `log`, so that
 * intake's appends (log only) never wait for the projector thread's transactions (state only; it merely reads
 * the log, and WAL readers never block the writer).
 */
export interface SqliteOptions {
  path: string;
  synchronous?: 'full' | 'normal';
  /**
   * Two connections in one process (the request thread's and the projector thread's) share the state file's write
   * lock, and SQLite's busy handler sleep-polls: a blocked request thread stalls its whole event loop (measured:
   * 0.5-1.2 s) and can lose the race to back-to-back projector transactions again and again. So the request
   * thread's connection is `priority`: it never blocks (busy_timeout 0, retried after a timer) and raises `gate`
   * while it wants the lock; the projector's connection is `yield`: it waits briefly before its next transaction
   * while the gate is raised.
   */
  lockRole?: { role: 'priority' | 'yield'; gate: Int32Array };
}

const isBusy = (e: unknown) => /^SQLITE_(BUSY|LOCKED)/.test(String((e as { code?: unknown })?.code ?? ''));
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * SQLite through better-sqlite3. Calls are synchronous underneath and wrapped in promises to honour the
 * driver-neutral contract; within one connection Node runs them one at a time, so each method is one transaction.
 */
export function createSqliteStorage(opts: SqliteOptions): Storage {
  fs.mkdirSync(path.dirname(path.resolve(opts.path)), { recursive: true });
  const db = new Database(opts.path);
  db.prepare('ATTACH DATABASE ? AS log').run(callbackLogPath(opts.path));
  // FULL by default: in WAL mode, NORMAL survives a killed process but can lose the last commits on power loss,
  // and we have already told the CRM "success" for them. Group commit (see intake) buys back most of FULL's cost.
  // `normal` is offered for deployments on storage with its own power-loss protection.
  for (const schema of ['main', 'log']) {
    db.pragma(`${schema}.journal_mode = WAL`);
    db.pragma(`${schema}.synchronous = ${opts.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  }
  const role = opts.lockRole?.role;
  const gate = opts.lockRole?.gate;
  db.pragma(`busy_timeout = ${role === 'priority' ? 0 : 5000}`);

  /**
   * Run a write; on the priority connection, never block: retry after a timer instead. `contends: false` for the
   * log file, which the projector thread only reads (no need to make it yield), but another process (a CLI
   * `reconcile --fix`) may write.
   */
  async function write<T>(fn: () => T, contends = true): Promise<T> {
    if (role !== 'priority') return fn();
    if (contends) Atomics.add(gate!, 0, 1);
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          return fn();
        } catch (e) {
          if (!isBusy(e) || attempt >= 5000) throw e;
          await tick(attempt < 10 ? 1 : 5);
        }
      }
    } finally {
      if (contends) Atomics.sub(gate!, 0, 1);
    }
  }

  /** On the yielding connection: let a waiting priority writer go first (bounded, so projection never starves). */
  function yieldToPriority() {
    if (role !== 'yield') return;
    const until = Date.now() + 50;
    for (let v = Atomics.load(gate!, 0); v > 0 && Date.now() < until; v = Atomics.load(gate!, 0))
      Atomics.wait(gate!, 0, v, 2);
  }
  db.exec(callbackLogSql('INTEGER PRIMARY KEY AUTOINCREMENT', 'log.callbacks'));
  for (const stmt of schemaSql('INTEGER PRIMARY KEY AUTOINCREMENT')) db.exec(stmt);
  db.prepare("INSERT INTO kv (key, value) VALUES ('projector.cursor', '0') ON CONFLICT (key) DO NOTHING").run();

  const st = {
    insertCallback: db.prepare('INSERT INTO log.callbacks (received_at, content_hash, offers) VALUES (?, ?, ?)'),
    countCallbacks: db.prepare('SELECT COUNT(*) AS n FROM log.callbacks'),
    prune: db.prepare(`DELETE FROM log.callbacks WHERE seq IN (SELECT seq FROM log.callbacks WHERE received_at < ?
      AND seq <= (SELECT CAST(value AS INTEGER) FROM kv WHERE key = 'projector.cursor') ORDER BY seq LIMIT ?)`),
    maxSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) AS n FROM log.callbacks'),
    getKv: db.prepare('SELECT value FROM kv WHERE key = ?'),
    setKv: db.prepare(
      'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
    pending: db.prepare(
      'SELECT seq, received_at, content_hash, offers FROM log.callbacks WHERE seq > ? ORDER BY seq LIMIT ?',
    ),
    // A write to the state file first, so this deferred transaction takes the state write lock (waiting on
    // busy_timeout) before it reads anything, and never touches the log file's write lock.
    lockState: db.prepare("UPDATE kv SET value = value WHERE key = 'projector.cursor'"),
    upsertDesired: db.prepare(SQL.upsertDesired),
    markItemChanged: db.prepare(SQL.markItemChanged),
    upsertUnmapped: db.prepare(SQL.upsertUnmapped),
    getDesired: db.prepare(
      'SELECT warehouse, quantity, version FROM desired WHERE target = ? AND item = ? ORDER BY warehouse',
    ),
    getItem: db.prepare('SELECT * FROM items WHERE target = ? AND item = ?'),
    listUnmapped: db.prepare('SELECT * FROM unmapped WHERE target = ? ORDER BY seen_at DESC LIMIT ?'),
    countUnmapped: db.prepare('SELECT COUNT(*) AS n FROM unmapped WHERE target = ?'),
    selectDue: db.prepare(SQL.selectDue),
    anyDue: db.prepare(SQL.anyDue),
    anyShipment: db.prepare(SQL.anyShipment),
    leaseItem: db.prepare(SQL.leaseItem),
    markDelivered: db.prepare(SQL.markDelivered),
    markRetry: db.prepare(SQL.markRetry),
    markDead: db.prepare(SQL.markDead),
    releaseItem: db.prepare(SQL.releaseItem),
    markDue: db.prepare(SQL.markDue),
    nextDueAt: db.prepare(SQL.nextDueAt),
    listDead: db.prepare('SELECT * FROM items WHERE target = ? AND dead = 1 ORDER BY updated_at DESC LIMIT ?'),
    listFailures: db.prepare(
      'SELECT * FROM items WHERE target = ? AND last_error IS NOT NULL ORDER BY updated_at DESC LIMIT ?',
    ),
    retryDeadOne: db.prepare(SQL.retryDeadOne),
    retryDeadAll: db.prepare(SQL.retryDeadAll),
    backlogStats: db.prepare(SQL.backlogStats),
    deadCount: db.prepare(SQL.deadCount),
    lastError: db.prepare(SQL.lastError),
    insertShipment: db.prepare(SQL.insertShipment),
    getShipment: db.prepare('SELECT * FROM shipments WHERE id = ?'),
    claimShipments: db.prepare(SQL.claimShipments),
    leaseShipment: db.prepare(SQL.leaseShipment),
    shipmentDelivered: db.prepare(SQL.shipmentDelivered),
    shipmentRetry: db.prepare(SQL.shipmentRetry),
    shipmentFailed: db.prepare(SQL.shipmentFailed),
    retryShipmentOne: db.prepare(SQL.retryShipmentOne),
    retryShipmentAll: db.prepare(SQL.retryShipmentAll),
    listShipments: db.prepare('SELECT * FROM shipments WHERE status = ? ORDER BY updated_at DESC LIMIT ?'),
    nextShipmentAt: db.prepare(SQL.nextShipmentAt),
    getIdem: db.prepare('SELECT body_hash, ids FROM idempotency WHERE key = ?'),
    putIdem: db.prepare('INSERT INTO idempotency (key, body_hash, ids, created_at) VALUES (?, ?, ?, ?)'),
    getSourceState: db.prepare('SELECT offer, warehouse, quantity FROM source_state WHERE source = ?'),
    upsertSourceState: db.prepare(SQL.upsertSourceState),
    startRun: db.prepare(`INSERT INTO sync_runs (source, dry_run, started_at, outcome) VALUES (?, ?, ?, 'running')`),
    finishRun: db.prepare('UPDATE sync_runs SET finished_at = ?, outcome = ?, message = ?, stats = ? WHERE id = ?'),
    listRuns: db.prepare('SELECT * FROM sync_runs WHERE (? IS NULL OR source = ?) ORDER BY id DESC LIMIT ?'),
    acquireLock: db.prepare(SQL.acquireLock),
    releaseLock: db.prepare('DELETE FROM locks WHERE name = ? AND owner = ?'),
    getTarget: db.prepare('SELECT * FROM target_state WHERE target = ?'),
    setTarget: db.prepare(`INSERT INTO target_state (target, paused, paused_reason, paused_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (target) DO UPDATE SET paused = excluded.paused, paused_reason = excluded.paused_reason, paused_at = excluded.paused_at`),
  };

  // A write transaction must take its write lock before it reads: a deferred one that reads first cannot
  // upgrade once another connection (the projector thread's) has committed, and SQLite then fails at once with
  // SQLITE_BUSY instead of waiting out busy_timeout. So: BEGIN IMMEDIATE, or a write as the first statement
  // where IMMEDIATE would also lock the log file (append, project).
  const kvGet = (key: string) => (st.getKv.get(key) as { value: string } | undefined)?.value;

  const append = db.transaction((records: Array<{ receivedAt: number; contentHash: string; offersJson: string }>) =>
    records.map((r) => Number(st.insertCallback.run(r.receivedAt, r.contentHash, r.offersJson).lastInsertRowid)),
  );

  const project = db.transaction(
    (batchSize: number, derive: (r: CallbackRecord) => ReturnType<Parameters<Storage['project']>[1]>, now: number) => {
      st.lockState.run();
      const cursor = Number(kvGet('projector.cursor') ?? 0);
      const rows = st.pending.all(cursor, batchSize) as Row[];
      let changedRows = 0;
      let dueItems = 0;
      let last = cursor;
      for (const r of rows) {
        const seq = Number(r.seq);
        const record: CallbackRecord = {
          seq,
          receivedAt: Number(r.received_at),
          contentHash: String(r.content_hash),
          offers: JSON.parse(String(r.offers)),
        };
        const projection = derive(record);
        const changedItems = new Set<string>();
        for (const d of projection.rows) {
          if (st.upsertDesired.run(d.target, d.item, d.warehouse, d.quantity, seq).changes > 0) {
            changedRows++;
            changedItems.add(`${d.target}\u0000${d.item}`);
          }
        }
        for (const key of changedItems) {
          const [target, item] = key.split('\u0000') as [string, string];
          st.markItemChanged.run(target, item, seq, now, now, now);
          dueItems++;
        }
        for (const u of projection.unmapped) st.upsertUnmapped.run(u.target, u.offerRef, u.reason, seq, now);
        last = seq;
      }
      if (last !== cursor) st.setKv.run('projector.cursor', String(last));
      return { callbacks: rows.length, changedRows, dueItems, cursor: last };
    },
  );

  const claim = db.transaction((target: string, limit: number, now: number, leaseMs: number, owner: string) => {
    const rows = st.selectDue.all(target, now, now, limit) as Row[];
    for (const r of rows) st.leaseItem.run(now + leaseMs, owner, target, r.item);
    return rows.map((r) => ({
      item: String(r.item),
      version: Number(r.version),
      attempts: Number(r.attempts),
      firstFailedAt: r.first_failed_at == null ? null : Number(r.first_failed_at),
      dueSince: r.due_since == null ? null : Number(r.due_since),
    }));
  });

  const createShipments = db.transaction(
    (items: NewShipment[], idem: { key: string; bodyHash: string } | null, now: number) => {
      if (idem) {
        const seen = st.getIdem.get(idem.key) as Row | undefined;
        if (seen)
          return seen.body_hash === idem.bodyHash
            ? { ids: JSON.parse(String(seen.ids)) as string[], created: false }
            : { conflict: true as const };
      }
      for (const s of items)
        st.insertShipment.run(s.id, orderKey(s), s.by, s.ref, s.site, JSON.stringify(s.report), now, now, now);
      if (idem) st.putIdem.run(idem.key, idem.bodyHash, JSON.stringify(items.map((s) => s.id)), now);
      return { ids: items.map((s) => s.id), created: true };
    },
  );

  const claimShipments = db.transaction((limit: number, now: number, leaseMs: number, owner: string) => {
    const rows = st.claimShipments.all(now, now, limit) as Row[];
    for (const r of rows) st.leaseShipment.run(now + leaseMs, owner, r.id);
    return rows.map(toShipment);
  });

  // Group commit for the worker's per-item bookkeeping: writes issued in the same event-loop turn share one
  // transaction (one fsync under synchronous=FULL); each caller's promise resolves only after that commit.
  const flush = db.transaction((ops: Array<() => void>) => {
    for (const op of ops) op();
  });
  const grouped = batchPerTick(async (ops: Array<() => void>) => {
    await write(() => flush.immediate(ops));
    return ops.map(() => undefined);
  });

  const recordUploaded = db.transaction(
    (source: string, rows: Array<{ offer: string; warehouse: string; quantity: number }>, now: number) => {
      for (const r of rows) st.upsertSourceState.run(source, r.offer, r.warehouse, r.quantity, now);
    },
  );

  const markDue = db.transaction((target: string, items: string[], now: number) =>
    items.reduce((n, item) => n + st.markDue.run(now, now, now, target, item).changes, 0),
  );

  return {
    driver: 'sqlite',
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      await grouped.drain();
      if (db.open) db.close();
    },

    async appendCallbacks(records) {
      return write(() => append(records), false);
    },
    async callbackCount() {
      return Number((st.countCallbacks.get() as Row).n);
    },
    async latestSeq() {
      return Number((st.maxSeq.get() as Row).n);
    },
    async project(batchSize, derive, now) {
      yieldToPriority();
      return project(batchSize, derive, now);
    },
    async pruneCallbacks(before, limit) {
      return write(() => st.prune.run(before, limit).changes, false);
    },
    async projectorCursor() {
      return Number(kvGet('projector.cursor') ?? 0);
    },

    async getDesired(target, item) {
      return (st.getDesired.all(target, item) as Row[]).map((r) => ({
        warehouse: String(r.warehouse),
        quantity: Number(r.quantity),
        version: Number(r.version),
      }));
    },
    async getItem(target, item) {
      const r = st.getItem.get(target, item) as Row | undefined;
      return r ? toItem(r) : undefined;
    },
    async listUnmapped(target, limit) {
      return (st.listUnmapped.all(target, limit) as Row[]).map((r) => ({
        target: String(r.target),
        offerRef: String(r.offer_ref),
        reason: String(r.reason),
        seq: Number(r.seq),
        seenAt: Number(r.seen_at),
      }));
    },

    async getModuleState() {
      const v = kvGet('module.state');
      return v ? (JSON.parse(v) as ModuleState) : DEFAULT_MODULE;
    },
    async setModuleState(state) {
      await write(() => st.setKv.run('module.state', JSON.stringify(state)));
    },

    async claimDue(target, limit, now, leaseMs, owner) {
      // A plain read first: an idle poll takes no write lock.
      if (!st.anyDue.get(target, now, now)) return [];
      return write(() => claim.immediate(target, limit, now, leaseMs, owner));
    },
    markDelivered: (target, item, version, status, now) =>
      grouped(() =>
        st.markDelivered.run(version, version, version, version, now, version, version, status, now, target, item),
      ),
    markRetry: (target, item, dueAt, error, status, now) =>
      grouped(() => st.markRetry.run(dueAt, now, error, status, now, target, item)),
    markDead: (target, item, reason, status, now) =>
      grouped(() => st.markDead.run(reason, now, reason, status, now, target, item)),
    releaseItem: (target, item, dueAt) => grouped(() => st.releaseItem.run(dueAt, target, item)),
    async markDue(target, items, now) {
      return write(() => markDue.immediate(target, items, now));
    },
    async nextDueAt(target) {
      const r = st.nextDueAt.get(target) as Row;
      return r.t == null ? null : Number(r.t);
    },
    async listDead(target, limit) {
      return (st.listDead.all(target, limit) as Row[]).map(toItem);
    },
    async listFailures(target, limit) {
      return (st.listFailures.all(target, limit) as Row[]).map(toItem);
    },
    async retryDead(target, item, now) {
      return write(() =>
        item === null
          ? st.retryDeadAll.run(now, now, now, target).changes
          : st.retryDeadOne.run(now, now, now, target, item).changes,
      );
    },
    async targetStats(target) {
      const s = st.backlogStats.get(target) as Row;
      const le = st.lastError.get(target) as Row | undefined;
      return {
        backlog: Number(s.backlog ?? 0),
        oldestDueSince: s.oldest == null ? null : Number(s.oldest),
        dead: Number((st.deadCount.get(target) as Row).dead ?? 0),
        lastError: (le?.last_error as string | undefined) ?? null,
        lastErrorAt: le ? Number(le.updated_at) : null,
        unmapped: Number((st.countUnmapped.get(target) as Row).n),
      };
    },

    async getTargetState(target): Promise<TargetState> {
      const r = st.getTarget.get(target) as Row | undefined;
      return {
        target,
        paused: Number(r?.paused ?? 0) === 1,
        pausedReason: (r?.paused_reason as string | null) ?? null,
        pausedAt: r?.paused_at == null ? null : Number(r.paused_at),
      };
    },
    async setTargetPaused(target, reason, now) {
      await write(() => st.setTarget.run(target, reason === null ? 0 : 1, reason, reason === null ? null : now));
    },

    async createShipments(items, idem, now) {
      return write(() => createShipments.immediate(items, idem, now));
    },
    async getShipment(id) {
      const r = st.getShipment.get(id) as Row | undefined;
      return r ? toShipment(r) : undefined;
    },
    async claimShipments(limit, now, leaseMs, owner) {
      if (!st.anyShipment.get(now, now)) return [];
      return write(() => claimShipments.immediate(limit, now, leaseMs, owner));
    },
    async markShipmentDelivered(id, answer, status, now) {
      await write(() => st.shipmentDelivered.run(JSON.stringify(answer), status, now, now, id));
    },
    async markShipmentRetry(id, nextAt, answer, status, now) {
      await write(() => st.shipmentRetry.run(nextAt, JSON.stringify(answer), status, now, now, id));
    },
    async markShipmentFailed(id, answer, status, now) {
      await write(() => st.shipmentFailed.run(JSON.stringify(answer), status, now, now, id));
    },
    async retryShipments(id, now) {
      return write(() =>
        id === null ? st.retryShipmentAll.run(now, now).changes : st.retryShipmentOne.run(now, now, id).changes,
      );
    },
    async listShipments(status, limit) {
      return (st.listShipments.all(status, limit) as Row[]).map(toShipment);
    },
    async getSourceState(source) {
      const out = new Map<string, Map<string, number>>();
      for (const r of st.getSourceState.iterate(source) as Iterable<Row>) {
        const offer = String(r.offer);
        let m = out.get(offer);
        if (!m) out.set(offer, (m = new Map()));
        m.set(String(r.warehouse), Number(r.quantity));
      }
      return out;
    },
    async recordUploaded(source, rows, now) {
      await write(() => recordUploaded.immediate(source, rows, now));
    },
    async startSyncRun(source, dryRun, now) {
      return write(() => Number(st.startRun.run(source, dryRun ? 1 : 0, now).lastInsertRowid));
    },
    async finishSyncRun(id, stats, outcome, message, now) {
      await write(() => st.finishRun.run(now, outcome, message, JSON.stringify(stats), id));
    },
    async listSyncRuns(source, limit) {
      return (st.listRuns.all(source, source, limit) as Row[]).map((r): SyncRun => ({
        id: Number(r.id),
        source: String(r.source),
        dryRun: Number(r.dry_run) === 1,
        startedAt: Number(r.started_at),
        finishedAt: r.finished_at == null ? null : Number(r.finished_at),
        outcome: r.outcome as SyncRun['outcome'],
        message: (r.message as string | null) ?? null,
        ...(r.stats
          ? (JSON.parse(String(r.stats)) as SyncRunStats)
          : { read: 0, unchanged: 0, uploaded: 0, notFound: 0, unmapped: 0, errors: 0, batches: 0 }),
      }));
    },
    async acquireLock(name, owner, leaseMs, now) {
      return write(() => st.acquireLock.run(name, owner, now + leaseMs, now).changes > 0);
    },
    async releaseLock(name, owner) {
      await write(() => st.releaseLock.run(name, owner));
    },
    async nextShipmentAt() {
      const r = st.nextShipmentAt.get() as Row;
      return r.t == null ? null : Number(r.t);
    },
  };
}
