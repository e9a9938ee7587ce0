import pino from 'pino';
import { createPgDb, type PgDb } from '../../../src/storage/postgres/create-pg-db';
import {
  migratePostgres,
  postgresSchemaVersion,
  SchemaTooNewError,
} from '../../../src/storage/postgres/migrate-postgres';
import { redactUrl, urlPassword } from '../../../src/storage/postgres/redact-url';
import { createTestDatabase, until, type TestDatabase } from '../../helpers/postgres-database';

const logger = pino({ level: 'silent' });

describe('PostgreSQL adapter and migrations (real server)', () => {
  let tdb: TestDatabase;
  const dbs: PgDb[] = [];
  const open = (poolSize = 4) => {
    const db = createPgDb({ url: tdb.url, poolSize, logger });
    dbs.push(db);
    return db;
  };

  beforeAll(async () => {
    tdb = await createTestDatabase('adapter');
  });
  afterAll(async () => {
    await Promise.all(dbs.map((d) => d.close()));
    await tdb.drop();
  });

  test('two instances migrating at once apply each migration exactly once', async () => {
    const migrations = [
      { version: 1, name: 'counter', sql: 'CREATE TABLE runs (n integer); INSERT INTO runs VALUES (1)' },
      { version: 2, name: 'second', sql: 'UPDATE runs SET n = n + 1' },
    ];
    const [a, b] = await Promise.all([
      migratePostgres(open(), migrations, logger),
      migratePostgres(open(), migrations, logger),
    ]);
    expect([...a, ...b].sort()).toEqual([1, 2]);
    const db = open();
    expect(await db.query('SELECT n FROM runs')).toEqual([{ n: 2 }]);
    expect(await postgresSchemaVersion(db)).toBe(2);
    // A third start finds nothing to do.
    expect(await migratePostgres(db, migrations, logger)).toEqual([]);
  });

  test('a database from a newer release is refused with a message that says so', async () => {
    const db = open();
    await expect(
      migratePostgres(db, [{ version: 1, name: 'counter', sql: 'SELECT 1' }], logger),
    ).rejects.toBeInstanceOf(SchemaTooNewError);
    await expect(migratePostgres(db, [{ version: 1, name: 'x', sql: 'SELECT 1' }], logger)).rejects.toThrow(
      /newer than this release knows/,
    );
  });

  test('a failing migration leaves nothing half-applied', async () => {
    const db = open();
    const bad = [
      { version: 1, name: 'counter', sql: 'SELECT 1' },
      { version: 2, name: 'second', sql: 'SELECT 1' },
      { version: 3, name: 'broken', sql: 'CREATE TABLE half (x int); SELECT * FROM no_such_table' },
    ];
    await expect(migratePostgres(db, bad, logger)).rejects.toThrow(/no_such_table/);
    expect(await db.query("SELECT to_regclass('half') AS t")).toEqual([{ t: null }]);
    expect(await postgresSchemaVersion(db)).toBe(2);
  });

  test('a serialization failure is retried until the transaction commits', async () => {
    const db = open(6);
    await db.query('CREATE TABLE IF NOT EXISTS counter (id int PRIMARY KEY, n int)');
    await db.query('INSERT INTO counter VALUES (1, 0) ON CONFLICT DO NOTHING');
    // Ten serializable read-modify-writes of one row at once: most collide; all must land.
    await Promise.all(
      Array.from({ length: 10 }, () =>
        db.transaction(
          async (tx) => {
            const [row] = await tx.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
            await tx.query('UPDATE counter SET n = $1 WHERE id = 1', [row.n + 1]);
          },
          { isolation: 'serializable' },
        ),
      ),
    );
    expect(await db.query('SELECT n FROM counter')).toEqual([{ n: 10 }]);
  });

  test('advisory locks: one holder at a time; the lock is free again when the holder goes', async () => {
    const a = open();
    const b = open();
    const held = await a.tryLock(4242);
    expect(held).not.toBeNull();
    expect(await b.tryLock(4242)).toBeNull();
    await held!.release();
    const taken = await b.tryLock(4242);
    expect(taken).not.toBeNull();
    // The holder's connection dies (as with a killed instance): the lock is released by the server.
    await a.query(
      "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND pid <> pg_backend_pid()",
    );
    await taken!.lost;
    const again = await a.tryLock(4242);
    expect(again).not.toBeNull();
    await again!.release();
  });

  test('LISTEN/NOTIFY wakes another instance, and the listener reconnects after its connection is killed', async () => {
    const a = open();
    const b = open();
    const got: string[] = [];
    const listener = await b.listen('sb_test_wake', (p) => got.push(p));
    await a.notify('sb_test_wake', 'one');
    await until(() => got.includes('one'), 'the first notification');
    await a.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = current_database()",
    );
    // After the reconnect it reports a possible miss ('') and hears new notifications.
    await until(() => got.includes(''), 'the reconnect wake-up');
    await until(async () => {
      await a.notify('sb_test_wake', 'two');
      return got.includes('two');
    }, 'a notification after the reconnect');
    await listener.close();
  });

  test('the password never appears in an error or in a redacted URL', async () => {
    const bad = tdb.url.replace(/\/[^/]*$/, '/no_such_database_here');
    const password = urlPassword(tdb.url);
    expect(password.length).toBeGreaterThan(0);
    expect(redactUrl(tdb.url)).not.toContain(password);
    expect(redactUrl(tdb.url)).toContain('***');
    const db = createPgDb({ url: bad, poolSize: 1, logger });
    const err = await db.query('SELECT 1').then(
      () => null,
      (e: Error) => e,
    );
    await db.close();
    expect(err).toBeInstanceOf(Error);
    expect(`${err!.message}\n${err!.stack}`).not.toContain(password);
    // A wrong password to a real server: the error names the failure, not the secret.
    const wrong = new URL(tdb.url);
    wrong.password = 'not-the-password-xyz';
    const db2 = createPgDb({ url: wrong.toString(), poolSize: 1, logger });
    const err2 = await db2.query('SELECT 1').then(
      () => null,
      (e: Error) => e,
    );
    await db2.close();
    expect(String(err2?.message)).not.toContain('not-the-password-xyz');
  });
});
