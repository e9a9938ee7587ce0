import type { PgMigration } from './migrate-postgres';

/**
 * The PostgreSQL schema, as numbered migrations (applied in order, each in one transaction, recorded in
 * schema_migrations). Never edit a released migration: add the next number.
 */
export const POSTGRES_MIGRATIONS: readonly PgMigration[] = [
  // Numbered as the SQLite driver's (src/storage/sqlite/sqlite-migrations.ts), so one schema version means one
  // data model on both. Version 1 is release 0.1.0's schema, which existed only on SQLite: nothing to do here.
  { version: 1, name: 'release 0.1.0 schema (SQLite only)', sql: 'SELECT 1' },
  {
    version: 2,
    name: 'per-offer stock, fencing tokens, oversell priority',
    sql: `
      CREATE TABLE callbacks (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        received_at BIGINT NOT NULL,
        content_hash TEXT NOT NULL,
        offers TEXT NOT NULL);
      CREATE INDEX callbacks_received ON callbacks (received_at);

      CREATE TABLE projector (id INTEGER PRIMARY KEY CHECK (id = 1), cursor BIGINT NOT NULL);
      INSERT INTO projector VALUES (1, 0);

      CREATE TABLE figures (
        offer_key TEXT NOT NULL, offer TEXT NOT NULL, warehouse TEXT NOT NULL,
        quantity BIGINT NOT NULL, version BIGINT NOT NULL,
        PRIMARY KEY (offer_key, offer, warehouse));

      -- Claim tokens fence late writes of an expired claim; one sequence for items and shipments.
      CREATE SEQUENCE claim_tokens;

      CREATE TABLE items (
        target TEXT NOT NULL, item TEXT NOT NULL,
        version BIGINT NOT NULL,
        delivered_version BIGINT NOT NULL DEFAULT 0,
        delivered_figures TEXT,
        due_at BIGINT, due_since BIGINT, priority INTEGER,
        lease_until BIGINT, lease_owner TEXT, token BIGINT NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        first_failed_at BIGINT, last_error TEXT, last_status INTEGER,
        dead BOOLEAN NOT NULL DEFAULT false, dead_reason TEXT,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (target, item));
      -- The claim order (most urgent, then oldest) over due items only: a claim costs the backlog, not the catalogue.
      CREATE INDEX items_due ON items (target, (coalesce(priority, 3)), due_at) WHERE NOT dead AND due_at IS NOT NULL;
      CREATE INDEX items_failing ON items (target, updated_at) WHERE last_error IS NOT NULL;
      CREATE INDEX items_dead ON items (target, updated_at) WHERE dead;

      CREATE TABLE unmapped (
        target TEXT NOT NULL, offer_ref TEXT NOT NULL, reason TEXT NOT NULL,
        seq BIGINT NOT NULL, seen_at BIGINT NOT NULL,
        PRIMARY KEY (target, offer_ref));

      CREATE TABLE shipments (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        order_key TEXT NOT NULL,
        by_field TEXT NOT NULL, ref TEXT NOT NULL, site TEXT NOT NULL,
        report TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at BIGINT NOT NULL,
        lease_until BIGINT, lease_owner TEXT, token BIGINT NOT NULL DEFAULT 0,
        first_failed_at BIGINT, last_status INTEGER, last_answer TEXT,
        created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, delivered_at BIGINT);
      CREATE INDEX shipments_pending ON shipments (next_at) WHERE status = 'pending';
      CREATE INDEX shipments_order ON shipments (order_key, seq) WHERE status = 'pending';

      CREATE TABLE idempotency (
        key TEXT PRIMARY KEY, body_hash TEXT NOT NULL, ids TEXT NOT NULL, created_at BIGINT NOT NULL);

      CREATE TABLE source_state (
        source TEXT NOT NULL, offer TEXT NOT NULL, warehouse TEXT NOT NULL,
        quantity BIGINT NOT NULL, uploaded_at BIGINT NOT NULL,
        PRIMARY KEY (source, offer, warehouse));

      CREATE TABLE sync_runs (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        source TEXT NOT NULL, dry_run BOOLEAN NOT NULL,
        started_at BIGINT NOT NULL, finished_at BIGINT,
        outcome TEXT NOT NULL, message TEXT, stats TEXT);

      CREATE TABLE locks (name TEXT PRIMARY KEY, owner TEXT NOT NULL, until_at BIGINT NOT NULL);

      CREATE TABLE module_state (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL);

      CREATE TABLE target_state (
        target TEXT PRIMARY KEY, paused BOOLEAN NOT NULL DEFAULT false, paused_reason TEXT, paused_at BIGINT);
    `,
  },
  {
    version: 3,
    name: 'one schema vocabulary with SQLite',
    // The claim token has one name on both drivers; the claim index follows the one claim order (priority, then
    // oldest due_since, then item) that both drivers now use.
    sql: `
      ALTER TABLE items RENAME COLUMN token TO claim_token;
      ALTER TABLE shipments RENAME COLUMN token TO claim_token;
      DROP INDEX items_due;
      CREATE INDEX items_claim ON items (target, (coalesce(priority, 3)), due_since, item)
        WHERE NOT dead AND due_at IS NOT NULL;
    `,
  },
  {
    version: 4,
    name: 'accounts: each callback, shipment and module state belongs to one account; connected accounts',
    // Rows written before accounts belong to the account a single-account config is read as (`default`).
    sql: `
      ALTER TABLE callbacks ADD COLUMN account TEXT NOT NULL DEFAULT 'default';
      ALTER TABLE shipments ADD COLUMN account TEXT NOT NULL DEFAULT 'default';
      CREATE INDEX shipments_account ON shipments (account, status, updated_at);
      CREATE INDEX shipments_turns ON shipments (account, seq) WHERE status = 'pending';
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
        active BOOLEAN NOT NULL,
        connected_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        version INTEGER NOT NULL
      );
    `,
  },
];
