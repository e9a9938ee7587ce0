import { Client } from 'pg';
import { parseConfig } from '../../../src/config/load-config';
import { createHub, type Hub } from '../../../src/compose/create-hub';
import { openStorage } from '../../../src/storage/open-storage';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres-database';
import { rawConfig, silentLog } from '../../helpers/test-config';

describe('an idle hub instance on PostgreSQL', () => {
  let tdb: TestDatabase;
  let hub: Hub | undefined;
  afterAll(async () => {
    await hub?.stop();
    await tdb.drop();
  });

  test('costs the database a few trivial queries per second (figure printed)', async () => {
    tdb = await createTestDatabase('idle');
    const config = parseConfig(rawConfig({ storage: { driver: 'postgres', url: tdb.url } }), {});
    const storage = await openStorage(config, silentLog, { role: 'service' });
    hub = createHub({ config, log: silentLog, storage });
    await hub.start();
    // Server-side truth: transactions committed in this database over a measurement window.
    const commits = async () => {
      const c = new Client({ connectionString: tdb.url });
      await c.connect();
      try {
        await c.query('SELECT pg_stat_force_next_flush()');
        const r = await c.query<{ n: string }>(
          'SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()',
        );
        return Number(r.rows[0].n);
      } finally {
        await c.end();
      }
    };
    const windowMs = 4_000;
    const before = await commits();
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, windowMs)); // a measurement window, not a wait for something to happen
    const after = await commits();
    const perSecond = (after - before - 2) / ((Date.now() - t0) / 1000); // minus the measuring sessions' own
    process.stdout.write(
      `idle PostgreSQL cost, one instance, 2 targets, pollMs 1000: ${perSecond.toFixed(1)} transactions/s\n`,
    );
    expect(perSecond).toBeLessThan(15);
  });
});
