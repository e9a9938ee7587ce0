import fs from 'node:fs';
import path from 'node:path';
import { DEFAULTS } from '../../compose/defaults';
import Database from 'better-sqlite3';
import { batchPerTick } from '../batch-per-tick';

export type Row = Record<string, unknown>;

/** The callback log lives in its own file beside the state file: `<path>-log`. */
export function callbackLogPath(statePath: string): string {
  return `${statePath}-log`;
}

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

/** One connection and the helpers every SQLite store shares. */
export interface SqliteDb {
  db: Database.Database;
  /** Run a write; on the priority connection never block (retry after a timer). `contends: false` for the log file. */
  write<T>(fn: () => T, contends?: boolean): Promise<T>;
  /** On the yielding connection: let a waiting priority writer go first (bounded). */
  yieldToPriority(): void;
  /**
   * Group commit: writes issued in the same event-loop turn share one transaction (one fsync under
   * synchronous=FULL); each caller's promise resolves with its own result after that commit.
   */
  grouped<T>(op: () => T): Promise<T>;
  close(): Promise<void>;
}

const isBusy = (e: unknown) => /^SQLITE_(BUSY|LOCKED)/.test(String((e as { code?: string } | null)?.code ?? ''));
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * SQLite has one write lock per database file. The callback log is a separate file, attached as `log`, so that
 * intake's appends (log only) never wait for the projector thread's transactions (state only; it merely reads
 * the log, and WAL readers never block the writer).
 */
export function openSqliteDb(opts: SqliteOptions): SqliteDb {
  fs.mkdirSync(path.dirname(path.resolve(opts.path)), { recursive: true });
  const db = new Database(opts.path);
  db.prepare('ATTACH DATABASE ? AS log').run(callbackLogPath(opts.path));
  // FULL by default: in WAL mode, NORMAL survives a killed process but can lose the last commits on power loss,
  // and we have already told the CRM "success" for them. Group commit buys back most of FULL's cost.
  for (const schema of ['main', 'log']) {
    db.pragma(`${schema}.journal_mode = WAL`);
    db.pragma(`${schema}.synchronous = ${opts.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  }
  const role = opts.lockRole?.role;
  const gate = opts.lockRole?.gate;
  db.pragma(`busy_timeout = ${role === 'priority' ? 0 : DEFAULTS.sqlite.busyTimeoutMs}`);

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

  function yieldToPriority() {
    if (role !== 'yield') return;
    const until = Date.now() + 50;
    for (let v = Atomics.load(gate!, 0); v > 0 && Date.now() < until; v = Atomics.load(gate!, 0))
      Atomics.wait(gate!, 0, v, 2);
  }

  const flush = db.transaction((ops: Array<() => unknown>) => ops.map((op) => op()));
  const group = batchPerTick((ops: Array<() => unknown>) => write(() => flush.immediate(ops)));

  return {
    db,
    write,
    yieldToPriority,
    grouped: <T>(op: () => T) => group(op) as Promise<T>,
    async close() {
      await group.drain();
      if (db.open) db.close();
    },
  };
}

export type Statement = Database.Statement<unknown[]>;

/** Prepare a file's SQL once, by name. */
export function prepareAll<K extends string>(db: Database.Database, sql: Record<K, string>): Record<K, Statement> {
  return Object.fromEntries(Object.entries(sql).map(([k, v]) => [k, db.prepare(v as string)])) as Record<K, Statement>;
}
