import { Client } from 'pg';
import pino from 'pino';
import { APPEND_BARRIER_KEY, PG_CHANNELS } from '../../../src/storage/postgres/pg-channels';
import { createPostgresStores, type PostgresStores } from '../../../src/storage/postgres/create-postgres-stores';
import { ship } from '../../contract/shipment-store-conformance';
import { createTestDatabase, until as pollUntil, type TestDatabase } from '../../helpers/postgres-database';

const logger = pino({ level: 'silent' });
const cb = (n: number) => ({ receivedAt: 1, contentHash: `h${n}`, offersJson: JSON.stringify([n]) });

const until = (check: () => boolean | Promise<boolean>, what: string, ms = 10_000) => pollUntil(check, what, ms, 10);

/** Several "instances" (each its own pool, as separate processes would have) on one fresh database per test. */
describe('PostgreSQL stores shared by several instances', () => {
  let tdb: TestDatabase;
  let instances: PostgresStores[];
  beforeEach(async () => {
    tdb = await createTestDatabase('multi');
    instances = [];
    for (let i = 0; i < 3; i++) instances.push(await createPostgresStores({ url: tdb.url, poolSize: 4, logger }));
  });
  afterEach(async () => {
    await Promise.all(instances.map((s) => s.close()));
    await tdb.drop();
  });

  test('the projector never reads past a lower seq whose append has not committed yet', async () => {
    // A slow append on another connection: it holds its seq (1) uncommitted while a later append (2) commits.
    const slow = new Client({ connectionString: tdb.url });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      await slow.query('SELECT pg_advisory_xact_lock_shared($1)', [APPEND_BARRIER_KEY]);
      const { rows } = await slow.query<{ seq: string }>(
        "INSERT INTO callbacks (received_at, content_hash, offers) VALUES (1, 'slow', '[0]') RETURNING seq",
      );
      const [fast] = await instances[0].callbackLog.append([cb(2)]);
      expect(fast).toBeGreaterThan(Number(rows[0].seq));
      let settled = false;
      const pending = instances[1].stock.pending(100).then((p) => {
        settled = true;
        return p;
      });
      // The projector's read queues on the barrier behind the slow append (seen in pg_locks), and has not answered.
      await until(async () => {
        const r = await slow.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
        return r.rowCount === 1;
      }, 'the projector to wait on the append barrier');
      const stillWaiting = !settled;
      await slow.query('COMMIT');
      const p = await pending;
      expect(stillWaiting).toBe(true);
      expect(p.records.map((r) => r.seq)).toEqual([Number(rows[0].seq), fast]);
    } finally {
      await slow.end();
    }
  });

  test('two projectors racing apply every callback exactly once between them', async () => {
    const all: number[] = [];
    for (let i = 0; i < 20; i++) all.push(...(await instances[0].callbackLog.append([cb(i), cb(i + 100)])));
    const applied: number[][] = [[], []];
    const project = async (k: number) => {
      const s = instances[k];
      for (;;) {
        const { cursor, records } = await s.stock.pending(3);
        if (records.length === 0) return;
        const to = records[records.length - 1].seq;
        const r = await s.stock.apply({ fromCursor: cursor, toCursor: to, figures: [], due: [], unmapped: [] }, 1);
        if (r.applied) applied[k].push(...records.map((x) => x.seq));
      }
    };
    await Promise.all([project(0), project(1)]);
    const union = [...applied[0], ...applied[1]].sort((a, b) => a - b);
    expect(union).toEqual(all);
  });

  test('three instances claiming one target at once never get the same item, and get them all', async () => {
    const items = Array.from({ length: 120 }, (_, i) => `sku-${i}`);
    await instances[0].deliveries.markDue('t', items, 1);
    const got: string[][] = [[], [], []];
    await Promise.all(
      instances.map(async (s, k) => {
        for (;;) {
          const claimed = await s.deliveries.claim('t', 7, 2, 60_000, `i${k}`);
          if (claimed.length === 0) return;
          got[k].push(...claimed.map((c) => c.item));
        }
      }),
    );
    const union = got.flat().sort();
    expect(union).toEqual([...items].sort());
    expect(new Set(union).size).toBe(items.length);
  });

  test("a dead instance's leases expire and its items are picked up by another", async () => {
    await instances[0].deliveries.markDue('t', ['A', 'B'], 1);
    const lost = await instances[0].deliveries.claim('t', 10, 1, 1_000, 'dead-instance');
    expect(lost).toHaveLength(2);
    expect(await instances[1].deliveries.claim('t', 10, 500, 1_000, 'alive')).toEqual([]);
    const taken = await instances[1].deliveries.claim('t', 10, 1_002, 1_000, 'alive');
    expect(taken.map((c) => c.item).sort()).toEqual(['A', 'B']);
    // The dead instance's late answer, if it ever comes, is fenced off.
    expect(await instances[0].deliveries.markDelivered('t', 'A', lost[0].token, 0, {}, 200, 1_003)).toBe(false);
  });

  test('shipments claimed by three instances go once each, in arrival order per order', async () => {
    const orders = ['o1', 'o2', 'o3', 'o4'];
    const created: string[] = [];
    for (let i = 0; i < 8; i++)
      for (const o of orders) {
        const id = `${o}-${i}`;
        await instances[i % 3].shipments.create([ship(id, o)], null, 1);
        created.push(id);
      }
    const delivered: string[] = [];
    await Promise.all(
      instances.map(async (s, k) => {
        let idle = 0;
        while (idle < 3) {
          const claimed = await s.shipments.claim(3, 2, 60_000, `i${k}`);
          if (claimed.length === 0) {
            idle++;
            await new Promise((r) => setImmediate(r));
            continue;
          }
          idle = 0;
          for (const c of claimed) {
            delivered.push(c.id);
            expect(await s.shipments.markDelivered(c.id, c.token, { id: 1 }, 200, 3)).toBe(true);
          }
        }
      }),
    );
    await until(async () => (await instances[0].shipments.list('delivered', 100)).length === created.length, 'all');
    const rest = await instances[0].shipments.claim(100, 10, 1000, 'x');
    for (const c of rest) delivered.push(c.id);
    expect([...delivered].sort()).toEqual([...created].sort());
    for (const o of orders) {
      const seen = delivered.filter((id) => id.startsWith(`${o}-`)).map((id) => Number(id.split('-')[1]));
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
    }
  });

  test('new work on one instance wakes the others through NOTIFY, only after its commit', async () => {
    const woke: string[] = [];
    await instances[1].subscribe(PG_CHANNELS.callbacks, () => woke.push('callbacks'));
    await instances[2].subscribe(PG_CHANNELS.due, (target) => woke.push(`due:${target}`));
    await instances[0].callbackLog.append([cb(1)]);
    await instances[0].stock.apply(
      {
        fromCursor: 0,
        toCursor: 1,
        figures: [],
        due: [{ target: 'shop', item: 'A', version: 1, priority: 2 }],
        unmapped: [],
      },
      1,
    );
    await until(() => woke.includes('callbacks') && woke.includes('due:shop'), 'both wake-ups');
  });

  test('named locks (sync, reconcile) hold across instances; an expired one is taken over', async () => {
    expect(await instances[0].locks.acquire('sync:flamix', 'a', 1_000, 1)).toBe(true);
    const race = await Promise.all([
      instances[1].locks.acquire('sync:flamix', 'b', 1_000, 2),
      instances[2].locks.acquire('sync:flamix', 'c', 1_000, 2),
    ]);
    expect(race).toEqual([false, false]);
    const late = await Promise.all([
      instances[1].locks.acquire('sync:flamix', 'b', 1_000, 2_000),
      instances[2].locks.acquire('sync:flamix', 'c', 1_000, 2_000),
    ]);
    expect(late.filter(Boolean)).toHaveLength(1);
  });
});
