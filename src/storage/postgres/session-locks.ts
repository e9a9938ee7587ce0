import crypto from 'node:crypto';
import { Client, type ClientConfig } from 'pg';
import type { Logger } from 'pino';
import { redactUrl, scrubError } from './redact-url';

/**
 * Session advisory locks of one instance, all on ONE dedicated connection: held while this process and its
 * connection live, released by the server the moment the process dies (the kernel closes its socket), so another
 * instance can take over at once. If the connection is lost, every lock counts as lost and the connection is made
 * again on the next `hold`.
 */
export interface SessionLocks {
  /** True if this instance holds `name` (taking it if free). One query when not held; none when held. */
  hold(name: string): Promise<boolean>;
  /**
   * As `hold`, but only while this instance holds fewer than its share of all held locks (their count over the
   * live instances, rounded up): `null` when it refrained, so ownership spreads over the instances.
   */
  holdFair(name: string): Promise<boolean | null>;
  holds(name: string): boolean;
  /** This instance's share of all held locks: their count over the live instances, rounded up. */
  share(): Promise<number>;
  /** Names held now. */
  names(): string[];
  /**
   * Prove the connection still works (a silent network loss would otherwise leave this instance believing it owns
   * locks the server has already freed); on failure the connection is dropped and every lock counts as lost.
   */
  heartbeat(): Promise<void>;
  release(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Two-int key (namespace "SB", hash of the name): never collides with the single-key locks in pg-channels.ts. */
export function lockKey(name: string): [number, number] {
  return [0x5342, crypto.createHash('sha1').update(name).digest().readInt32BE(0)];
}

/** Every instance's lock connection holds this one shared: how many instances are alive. */
const PRESENCE_KEY = [0x5343, 0] as const;
const ADVISORY = "locktype = 'advisory' AND granted AND objsubid = 2";
const SHARE =
  `SELECT ceil((SELECT count(*) FROM pg_locks WHERE ${ADVISORY} AND classid = ${0x5342})::numeric / ` +
  `greatest(1, (SELECT count(DISTINCT pid) FROM pg_locks WHERE ${ADVISORY} AND classid = ${0x5343})))::int AS share`;
const FAIR_TRY =
  `SELECT CASE WHEN (SELECT count(*) FROM pg_locks WHERE ${ADVISORY} AND classid = ${0x5342} ` +
  `AND pid = pg_backend_pid()) < ceil(((SELECT count(*) FROM pg_locks WHERE ${ADVISORY} AND classid = ${0x5342}) + 1)` +
  `::numeric / greatest(1, (SELECT count(DISTINCT pid) FROM pg_locks WHERE ${ADVISORY} AND classid = ${0x5343}))) ` +
  'THEN pg_try_advisory_lock($1, $2) END AS ok';

export function createSessionLocks(opts: { url: string; logger: Logger; clientConfig?: ClientConfig }): SessionLocks {
  let client: Client | null = null;
  let connecting: Promise<Client> | null = null;
  const held = new Set<string>();
  let closed = false;

  const connect = async (): Promise<Client> => {
    const c = new Client({
      // Keepalive and a query timeout: a dead peer is noticed within seconds, not after the kernel's two hours.
      keepAlive: true,
      keepAliveInitialDelayMillis: 5_000,
      query_timeout: 5_000,
      ...opts.clientConfig,
      connectionString: opts.url,
      application_name: 'stockbridge-locks',
    });
    c.on('error', () => undefined);
    c.once('end', () => {
      if (client === c) client = null;
      if (held.size > 0 && !closed)
        opts.logger.warn(
          { locks: [...held], db: redactUrl(opts.url) },
          'lost the connection holding this instance’s locks; they are free for other instances now',
        );
      held.clear();
    });
    try {
      await c.connect();
      await c.query('SELECT pg_advisory_lock_shared($1, $2)', [...PRESENCE_KEY]);
    } catch (err) {
      throw scrubError(err, opts.url);
    }
    client = c;
    return c;
  };
  const session = async () => {
    if (client) return client;
    connecting ??= connect().finally(() => {
      connecting = null;
    });
    return connecting;
  };

  // One query at a time on the lock connection (pg 9 will refuse overlapping queries on one client).
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };

  return {
    async hold(name) {
      if (held.has(name)) return true;
      if (closed) return false;
      return serial(async () => {
        if (held.has(name)) return true;
        const c = await session();
        const [a, b] = lockKey(name);
        const { rows } = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [a, b]);
        if (rows[0]?.ok) held.add(name);
        return held.has(name);
      });
    },
    async holdFair(name) {
      if (held.has(name)) return true;
      if (closed) return false;
      return serial(async () => {
        if (held.has(name)) return true;
        const c = await session();
        const { rows } = await c.query<{ ok: boolean | null }>(FAIR_TRY, lockKey(name));
        if (rows[0]?.ok) held.add(name);
        return rows[0]?.ok === null ? null : held.has(name);
      });
    },
    holds: (name) => held.has(name),
    async share() {
      const c = await session();
      const { rows } = await serial(() => c.query<{ share: number }>(SHARE));
      return rows[0]?.share ?? 0;
    },
    names: () => [...held],
    async heartbeat() {
      if (held.size === 0 || !client) return;
      const c = client;
      try {
        await serial(() => c.query('SELECT 1'));
      } catch {
        await c.end().catch(() => undefined); // 'end' clears `held`
        if (client === c) client = null;
        held.clear();
      }
    },
    async release(name) {
      if (!held.delete(name) || !client) return;
      const c = client;
      const [a, b] = lockKey(name);
      await serial(() => c.query('SELECT pg_advisory_unlock($1, $2)', [a, b])).catch(() => undefined);
    },
    async close() {
      closed = true;
      held.clear();
      await client?.end().catch(() => undefined);
    },
  };
}
