import crypto from 'node:crypto';
import { Pool, Client, types, type PoolClient, type QueryConfig, type QueryResultRow } from 'pg';
import type { Logger } from 'pino';
import { redactUrl, scrubError } from './redact-url';

/** The part of a connection a store needs: run SQL. A transaction's client and the pool both offer it. */
export interface PgQueryable {
  query<R extends QueryResultRow = QueryResultRow>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

export interface PgListener {
  close(): Promise<void>;
}

/** A session-level advisory lock held on one dedicated connection until released (or the process dies). */
export interface PgLockHandle {
  release(): Promise<void>;
  /** Resolves when the connection holding the lock is lost: the lock is gone with it. */
  readonly lost: Promise<void>;
}

/** The narrow database interface the PostgreSQL stores use; no pg type leaks past it. */
export interface PgDb extends PgQueryable {
  /**
   * Run `fn` in one transaction; on a serialization failure or deadlock the whole transaction is retried
   * (up to `retries` times), so `fn` must not have side effects outside the database.
   */
  transaction<T>(
    fn: (tx: PgQueryable) => Promise<T>,
    opts?: { isolation?: 'serializable' | 'repeatable read' },
  ): Promise<T>;
  /** Take a transaction-scoped advisory lock inside `tx` (waits); released at commit or rollback. */
  lockInTransaction(tx: PgQueryable, key: number): Promise<void>;
  /** Try a session advisory lock on a dedicated connection; null if another session holds it. */
  tryLock(key: number): Promise<PgLockHandle | null>;
  /** Wait for a session advisory lock, run `fn`, release it. */
  withLock<T>(key: number, fn: (db: PgQueryable) => Promise<T>): Promise<T>;
  notify(channel: string, payload?: string): Promise<void>;
  /**
   * LISTEN on a dedicated connection that reconnects after a loss
   * (calling `onNotify('')` then, as work may be missed).
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<PgListener>;
  /** Number of queries this process sent (a cost measure for the idle test). */
  queryCount(): number;
  close(): Promise<void>;
}

// BIGINT (oid 20) arrives as a string by default; every BIGINT here is a ms timestamp, a seq or a token, far
// below 2^53, so numbers are exact. Per connection, not the global parser, so no other pg user is affected.
const parseInt8 = (v: string) => Number(v);
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === 20 ? parseInt8 : (types.getTypeParser(oid, format) as unknown)) as typeof types.getTypeParser,
};

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

export interface PgDbOptions {
  url: string;
  poolSize: number;
  logger: Logger;
  /** Retries of a transaction after a serialization failure or deadlock. */
  retries?: number;
  applicationName?: string;
}

/**
 * Parameterised statements are sent as named (prepared) statements: PostgreSQL parses and plans each once per
 * connection instead of on every call (the stores' SQL is fixed text built at load, a few dozen statements). The
 * names are bounded, so SQL built per call could not grow the server's per-connection cache without limit.
 */
const MAX_NAMED = 256;
const names = new Map<string, string>();
function statement(sql: string, params?: readonly unknown[]): string | QueryConfig {
  if (!params) return sql;
  let name = names.get(sql);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `sb_${crypto.createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    names.set(sql, name);
  }
  return name === undefined
    ? { text: sql, values: params as unknown[] }
    : { name, text: sql, values: params as unknown[] };
}

function clientQueryable(client: PoolClient | Client, count: () => void, url: string): PgQueryable {
  return {
    async query<R extends QueryResultRow>(sql: string, params?: readonly unknown[]) {
      count();
      try {
        const q = statement(sql, params);
        const res = typeof q === 'string' ? await client.query<R>(q) : await client.query<R>(q);
        return res.rows;
      } catch (err) {
        throw scrubError(err, url);
      }
    },
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function createPgDb(opts: PgDbOptions): PgDb {
  const { url, logger } = opts;
  const retries = opts.retries ?? 5;
  const safeUrl = redactUrl(url);
  const appName = opts.applicationName ?? 'stockbridge';
  const pool = new Pool({ connectionString: url, max: opts.poolSize, application_name: appName, types: pgTypes });
  let queries = 0;
  const count = () => {
    queries++;
  };
  let closed = false;
  const dedicated = new Set<Client>();
  // An idle client that loses its connection (server restart) emits here; without a listener node would crash.
  pool.on('error', (err) =>
    logger.warn({ err: scrubError(err, url).message, db: safeUrl }, 'postgres idle client error'),
  );

  const newClient = async (): Promise<Client> => {
    const c = new Client({ connectionString: url, application_name: appName, types: pgTypes });
    c.on('error', () => undefined); // reported through `end` handling by the owner
    try {
      await c.connect();
    } catch (err) {
      throw scrubError(err, url);
    }
    dedicated.add(c);
    c.once('end', () => dedicated.delete(c));
    return c;
  };

  const db: PgDb = {
    async query<R extends QueryResultRow>(sql: string, params?: readonly unknown[]) {
      count();
      try {
        const q = statement(sql, params);
        return (typeof q === 'string' ? await pool.query<R>(q) : await pool.query<R>(q)).rows;
      } catch (err) {
        throw scrubError(err, url);
      }
    },

    async transaction<T>(fn: (tx: PgQueryable) => Promise<T>, o?: { isolation?: 'serializable' | 'repeatable read' }) {
      for (let attempt = 0; ; attempt++) {
        let client: PoolClient;
        try {
          client = await pool.connect();
        } catch (err) {
          throw scrubError(err, url);
        }
        const tx = clientQueryable(client, count, url);
        let broken = false;
        try {
          await tx.query(o?.isolation ? `BEGIN ISOLATION LEVEL ${o.isolation.toUpperCase()}` : 'BEGIN');
          const out = await fn(tx);
          await tx.query('COMMIT');
          return out;
        } catch (err) {
          try {
            await client.query('ROLLBACK');
          } catch {
            broken = true; // the connection is gone; do not hand it back to the pool
          }
          const code = (err as { code?: string }).code;
          if (code && RETRYABLE.has(code) && attempt < retries) {
            // Jittered, growing pause so two instances that collided do not collide again in lockstep.
            await sleep(5 * 2 ** attempt + Math.random() * 10);
            continue;
          }
          throw err;
        } finally {
          client.release(broken);
        }
      }
    },

    async lockInTransaction(tx, key) {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [key]);
    },

    async tryLock(key) {
      const c = await newClient();
      const q = clientQueryable(c, count, url);
      const rows = await q.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [key]);
      if (!rows[0]?.ok) {
        await c.end().catch(() => undefined);
        return null;
      }
      let released = false;
      const lost = new Promise<void>((resolve) => {
        c.once('end', () => resolve());
        c.once('error', () => resolve());
      });
      return {
        lost,
        async release() {
          if (released) return;
          released = true;
          // Ending the session drops the lock; an explicit unlock first keeps it clean if end is slow.
          await q.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
          await c.end().catch(() => undefined);
        },
      };
    },

    async withLock(key, fn) {
      const c = await newClient();
      const q = clientQueryable(c, count, url);
      try {
        await q.query('SELECT pg_advisory_lock($1)', [key]);
        return await fn(q);
      } finally {
        await c.end().catch(() => undefined);
      }
    },

    async notify(channel, payload = '') {
      await db.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },

    async listen(channel, onNotify) {
      let client: Client | null = null;
      let stopped = false;
      const connect = async (): Promise<void> => {
        const c = await newClient();
        c.on('notification', (msg) => {
          if (msg.channel === channel) onNotify(msg.payload ?? '');
        });
        c.once('end', () => {
          if (stopped || closed) return;
          logger.warn({ channel, db: safeUrl }, 'postgres listener lost its connection; reconnecting');
          void reconnect();
        });
        count();
        await c.query(`LISTEN "${channel.replace(/"/g, '')}"`);
        client = c;
      };
      const reconnect = async () => {
        for (let attempt = 0; !stopped && !closed; attempt++) {
          try {
            await connect();
            onNotify(''); // something may have been notified while we were away
            return;
          } catch (err) {
            logger.warn({ err: scrubError(err, url).message, channel }, 'postgres listener reconnect failed');
            await sleep(Math.min(5_000, 100 * 2 ** attempt));
          }
        }
      };
      await connect();
      return {
        async close() {
          stopped = true;
          await client?.end().catch(() => undefined);
        },
      };
    },

    queryCount: () => queries,

    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...dedicated].map((c) => c.end().catch(() => undefined)));
      await pool.end();
    },
  };
  return db;
}
