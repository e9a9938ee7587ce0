import { Client } from 'pg';
import pino from 'pino';
import {
  createInstanceCoordination,
  type InstanceCoordination,
} from '../../../src/storage/postgres/create-instance-coordination';
import { createPostgresStores } from '../../../src/storage/postgres/create-postgres-stores';
import { createTestDatabase, until, type TestDatabase } from '../../helpers/postgres-database';

const logger = pino({ level: 'silent' });

describe('one owner per target, projector and CRM sender across instances', () => {
  let tdb: TestDatabase;
  let a: InstanceCoordination;
  let b: InstanceCoordination;
  const kicks = { a: 0, b: 0 };
  const open = async (name: 'a' | 'b') => {
    const pg = await createPostgresStores({ url: tdb.url, poolSize: 3, logger });
    const c = createInstanceCoordination(pg, { url: tdb.url, logger, retryMs: 200, quietMs: name === 'a' ? 0 : 300 });
    await c.attach({
      kickProjector: () => kicks[name]++,
      wakeTargets: () => undefined,
      wakeShipments: () => undefined,
    });
    return c;
  };
  beforeAll(async () => {
    tdb = await createTestDatabase('coord');
    a = await open('a');
    b = await open('b');
  });
  afterAll(async () => {
    await Promise.all([a.stores.close(), b.stores.close()]);
    await tdb.drop();
  });

  test('only the owner of a target claims its items; when the owner dies the other takes over', async () => {
    await a.stores.deliveries.markDue('shop', ['A', 'B', 'C'], 1);
    const first = await a.stores.deliveries.claim('shop', 1, 2, 60_000, 'a');
    expect(first).toHaveLength(1);
    expect(a.owned()).toContain('target:shop');
    expect(await b.stores.deliveries.claim('shop', 10, 2, 60_000, 'b')).toMatchObject({ length: 0, notMine: true });
    // Not the owner: told to come back later, not at the due time.
    expect(await b.stores.deliveries.nextDueAt('shop')).toBeGreaterThan(Date.now());
    // A dies: its lock connection ends (as when the process is killed); b gets the rest.
    await b.stores.ping();
    const admin = new Client({ connectionString: tdb.url });
    await admin.connect();
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'stockbridge-locks' AND datname = current_database() AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory')",
    );
    await admin.end();
    // b takes it over, but stays quiet for one rate window first (a's last requests still count at the shop).
    const got: string[] = [];
    let firstClaimAsOwner: number | undefined;
    await until(async () => {
      const c = await b.stores.deliveries.claim('shop', 10, 3, 60_000, 'b');
      if (firstClaimAsOwner === undefined && b.owned().includes('target:shop')) firstClaimAsOwner = c.length;
      got.push(...c.map((x) => x.item));
      return got.length === 2;
    }, 'takeover');
    expect(firstClaimAsOwner).toBe(0);
    expect(b.owned()).toContain('target:shop');
  });

  test('one projector: the other instance reads nothing pending, and takes over when the owner is gone', async () => {
    await a.stores.callbackLog.append([{ receivedAt: 1, contentHash: 'h', offersJson: '[]' }]);
    const pa = await a.stores.stock.pending(10);
    const pb = await b.stores.stock.pending(10);
    const ownerIsA = pa.records.length > 0;
    const [owner, other, otherName] = ownerIsA ? [a, b, 'b' as const] : [b, a, 'a' as const];
    expect(pa.records.length + pb.records.length).toBe(1);
    const before = kicks[otherName];
    await owner.close();
    // The other instance's takeover check sees the backlog and kicks its projector, which now gets the lock.
    await until(() => kicks[otherName] > before, 'a kick from the takeover check');
    expect((await other.stores.stock.pending(10)).records).toHaveLength(1);
    expect(other.owned()).toContain('projector');
  });
});
