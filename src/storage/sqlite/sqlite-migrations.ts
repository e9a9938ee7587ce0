import type Database from 'better-sqlite3';
import type { OfferKey } from '../stock-state/stock-state';

/** What a migration may need from the deployment (0.1.0 stored figures per target; 2 stores them per offer key). */
export interface MigrationContext {
  /** Each configured target's offerKey. */
  offerKeys: Readonly<Record<string, OfferKey>>;
}

interface Migration {
  version: number;
  name: string;
  up(db: Database.Database, ctx: MigrationContext): void;
}

const SEQ = 'INTEGER PRIMARY KEY AUTOINCREMENT';

/** Release 0.1.0's schema, as it shipped (IF NOT EXISTS: a 0.1.0 file already has it). */
const v1: Migration = {
  version: 1,
  name: 'release 0.1.0 schema',
  up(db) {
    db.exec(`CREATE TABLE IF NOT EXISTS log.callbacks (seq ${SEQ}, received_at BIGINT NOT NULL,
      content_hash TEXT NOT NULL, offers TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS desired (target TEXT NOT NULL, item TEXT NOT NULL, warehouse TEXT NOT NULL,
      quantity BIGINT NOT NULL, version BIGINT NOT NULL, PRIMARY KEY (target, item, warehouse));
    CREATE TABLE IF NOT EXISTS items (target TEXT NOT NULL, item TEXT NOT NULL, version BIGINT NOT NULL,
      delivered_version BIGINT NOT NULL DEFAULT 0, due_at BIGINT, due_since BIGINT, lease_until BIGINT,
      lease_owner TEXT, attempts INTEGER NOT NULL DEFAULT 0, first_failed_at BIGINT, last_error TEXT,
      last_status INTEGER, dead INTEGER NOT NULL DEFAULT 0, dead_reason TEXT, updated_at BIGINT NOT NULL,
      PRIMARY KEY (target, item));
    CREATE INDEX IF NOT EXISTS items_due ON items (target, dead, due_at);
    CREATE INDEX IF NOT EXISTS items_failing ON items (target, updated_at) WHERE last_error IS NOT NULL;
    CREATE INDEX IF NOT EXISTS items_dead ON items (target, updated_at) WHERE dead = 1;
    CREATE TABLE IF NOT EXISTS unmapped (target TEXT NOT NULL, offer_ref TEXT NOT NULL, reason TEXT NOT NULL,
      seq BIGINT NOT NULL, seen_at BIGINT NOT NULL, PRIMARY KEY (target, offer_ref));
    CREATE TABLE IF NOT EXISTS shipments (seq ${SEQ}, id TEXT NOT NULL UNIQUE, order_key TEXT NOT NULL,
      by_field TEXT NOT NULL, ref TEXT NOT NULL, site TEXT NOT NULL, report TEXT NOT NULL, status TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0, next_at BIGINT NOT NULL, lease_until BIGINT, lease_owner TEXT,
      first_failed_at BIGINT, last_status INTEGER, last_answer TEXT, created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL, delivered_at BIGINT);
    CREATE INDEX IF NOT EXISTS shipments_pending ON shipments (status, next_at);
    CREATE INDEX IF NOT EXISTS shipments_order ON shipments (order_key, seq);
    CREATE TABLE IF NOT EXISTS idempotency (key TEXT PRIMARY KEY, body_hash TEXT NOT NULL, ids TEXT NOT NULL,
      created_at BIGINT NOT NULL);
    CREATE TABLE IF NOT EXISTS source_state (source TEXT NOT NULL, offer TEXT NOT NULL, warehouse TEXT NOT NULL,
      quantity BIGINT NOT NULL, uploaded_at BIGINT NOT NULL, PRIMARY KEY (source, offer, warehouse));
    CREATE TABLE IF NOT EXISTS sync_runs (id ${SEQ}, source TEXT NOT NULL, dry_run INTEGER NOT NULL,
      started_at BIGINT NOT NULL, finished_at BIGINT, outcome TEXT NOT NULL, message TEXT, stats TEXT);
    CREATE TABLE IF NOT EXISTS locks (name TEXT PRIMARY KEY, owner TEXT NOT NULL, until_at BIGINT NOT NULL);
    CREATE TABLE IF NOT EXISTS target_state (target TEXT PRIMARY KEY, paused INTEGER NOT NULL DEFAULT 0,
      paused_reason TEXT, paused_at BIGINT)`);
    db.prepare("INSERT INTO kv (key, value) VALUES ('projector.cursor', '0') ON CONFLICT (key) DO NOTHING").run();
  },
};

/**
 * Figures once per (offer key, offer, warehouse) instead of per (target, item, warehouse); fencing tokens on
 * claims; the oversell priority and the figures last delivered per (target, item). 0.1.0's per-target figures
 * move to `stock` under each target's offerKey (newest version wins); rows of targets no longer configured are
 * kept in `legacy_desired`, so nothing is dropped.
 */
const v2: Migration = {
  version: 2,
  name: 'per-offer stock, fencing tokens, oversell priority',
  up(db, ctx) {
    db.exec(`CREATE TABLE stock (offer_key TEXT NOT NULL, offer TEXT NOT NULL, warehouse TEXT NOT NULL,
      quantity BIGINT NOT NULL, version BIGINT NOT NULL, PRIMARY KEY (offer_key, offer, warehouse));
    ALTER TABLE items ADD COLUMN priority INTEGER;
    ALTER TABLE items ADD COLUMN claim_token BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE items ADD COLUMN delivered_figures TEXT;
    ALTER TABLE shipments ADD COLUMN claim_token BIGINT NOT NULL DEFAULT 0;
    CREATE INDEX items_claim ON items (target, priority, due_since) WHERE dead = 0 AND due_at IS NOT NULL;
    CREATE TABLE legacy_desired AS SELECT * FROM desired WHERE 0`);
    const toStock = db.prepare(`INSERT INTO stock (offer_key, offer, warehouse, quantity, version)
      SELECT ?, item, warehouse, quantity, version FROM desired WHERE target = ? AND true
      ON CONFLICT (offer_key, offer, warehouse) DO UPDATE SET quantity = excluded.quantity, version = excluded.version
      WHERE stock.version < excluded.version`);
    for (const [target, key] of Object.entries(ctx.offerKeys)) toStock.run(key, target);
    const known = Object.keys(ctx.offerKeys);
    db.prepare(
      `INSERT INTO legacy_desired SELECT * FROM desired ` +
        `WHERE target NOT IN (${known.map(() => '?').join(',') || "''"})`,
    ).run(...known);
    // What a delivered item last carried: its per-target figures at the delivered version.
    db.exec(`UPDATE items SET delivered_figures = (SELECT json_group_object(d.warehouse, d.quantity) FROM desired d
        WHERE d.target = items.target AND d.item = items.item AND d.version <= items.delivered_version)
      WHERE delivered_version > 0;
    UPDATE items SET priority = CASE WHEN delivered_version = 0 THEN 2 ELSE 3 END WHERE due_at IS NOT NULL;
    DROP TABLE desired`);
  },
};

/**
 * One schema vocabulary on both drivers (PostgreSQL's names): `stock` is `figures`; the projector's cursor and the
 * module state leave the key-value table for tables of their own (`projector`, `module_state`); an order's stream
 * key is JSON `[site, by, ref]` (PostgreSQL text cannot hold the NUL separator 0.2 used here).
 */
const v3: Migration = {
  version: 3,
  name: 'one schema vocabulary with PostgreSQL',
  up(db) {
    db.exec(`ALTER TABLE stock RENAME TO figures;
    CREATE TABLE projector (id INTEGER PRIMARY KEY CHECK (id = 1), cursor BIGINT NOT NULL);
    INSERT INTO projector (id, cursor)
      SELECT 1, COALESCE((SELECT CAST(value AS INTEGER) FROM kv WHERE key = 'projector.cursor'), 0);
    CREATE TABLE module_state (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL);
    INSERT INTO module_state (id, state) SELECT 1, value FROM kv WHERE key = 'module.state';
    DROP TABLE kv;
    UPDATE shipments SET order_key = json_array(site, by_field, ref);
    DROP INDEX IF EXISTS items_claim;
    CREATE INDEX items_claim ON items (target, COALESCE(priority, 3), due_since, item)
      WHERE dead = 0 AND due_at IS NOT NULL`);
  },
};

/** Accounts: each callback, shipment and module state belongs to one; rows from before are `default`'s. */
const v4: Migration = {
  version: 4,
  name: 'accounts: each callback, shipment and module state belongs to one account; connected accounts',
  up(db) {
    db.exec(`ALTER TABLE log.callbacks ADD COLUMN account TEXT NOT NULL DEFAULT 'default';
    ALTER TABLE shipments ADD COLUMN account TEXT NOT NULL DEFAULT 'default';
    CREATE INDEX shipments_account ON shipments (account, status, updated_at);
    CREATE INDEX shipments_turns ON shipments (status, account, seq);
    CREATE TABLE account_state (account TEXT PRIMARY KEY, state TEXT NOT NULL);
    INSERT INTO account_state (account, state) SELECT 'default', state FROM module_state WHERE id = 1;
    DROP TABLE module_state;
    CREATE TABLE accounts (
      name TEXT PRIMARY KEY,
      url TEXT NOT NULL UNIQUE,
      site TEXT NOT NULL,
      language TEXT,
      scopes TEXT NOT NULL,
      client_id_hash TEXT NOT NULL UNIQUE,
      token_hash TEXT UNIQUE,
      key_id TEXT NOT NULL,
      sealed TEXT NOT NULL,
      active INTEGER NOT NULL,
      connected_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      version INTEGER NOT NULL
    )`);
  },
};

export const MIGRATIONS: readonly Migration[] = [v1, v2, v3, v4];
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export class SchemaTooNewError extends Error {
  constructor(found: number) {
    super(
      `the database is at schema version ${found}, newer than this release understands (${SCHEMA_VERSION}): ` +
        'it was written by a newer Stockbridge. Run that release (or newer), or restore a backup made for this one.',
    );
  }
}

function currentVersion(db: Database.Database): number {
  const has = (name: string) =>
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
  const row = has('schema_version')
    ? (db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined)
    : undefined;
  if (row) return Number(row.version);
  // Release 0.1.0 recorded no version: its `kv` table marks it.
  return has('kv') ? 1 : 0;
}

/** Apply every pending migration, each in ONE transaction with its version; returns [from, to]. */
export function migrateSqlite(db: Database.Database, ctx: MigrationContext): { from: number; to: number } {
  const from = currentVersion(db);
  if (from > SCHEMA_VERSION) throw new SchemaTooNewError(from);
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  for (const m of MIGRATIONS.filter((x) => x.version > from)) {
    db.transaction(() => {
      m.up(db, ctx);
      db.prepare('DELETE FROM schema_version').run();
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(m.version);
    }).immediate();
  }
  return { from, to: SCHEMA_VERSION };
}
