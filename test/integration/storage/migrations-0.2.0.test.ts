import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import pino from 'pino';
import { createHub } from '../../../src/compose/create-hub';
import { openSqliteStorage } from '../../../src/storage/open-storage';
import { SCHEMA_VERSION } from '../../../src/storage/sqlite/sqlite-migrations';
import { createPgDb } from '../../../src/storage/postgres/create-pg-db';
import { migratePostgres, postgresSchemaVersion } from '../../../src/storage/postgres/migrate-postgres';
import { POSTGRES_MIGRATIONS } from '../../../src/storage/postgres/postgres-migrations';
import { createPostgresStores } from '../../../src/storage/postgres/create-postgres-stores';
import { startFakeMerchantPro, type FakeMerchantPro } from '../../../src/demo/fakes/fake-merchantpro';
import { createTestDatabase } from '../../helpers/postgres-database';
import { targetFiguresOf } from '../../helpers/target-figures';
import { copyReleaseFixture } from '../../helpers/release-fixture';
import { formBody } from '../../helpers/callback-bodies';
import type { Json } from '../../helpers/accounts-rig';
import { SECRETS, silentLog, waitFor } from '../../helpers/test-config';

const copyFixture = (shopUrl?: string) => copyReleaseFixture('0.2.0', shopUrl);

describe('migrations: a SQLite database written by release 0.2.0', () => {
  let shop: FakeMerchantPro | undefined;
  afterAll(async () => {
    await shop?.close();
  });

  it('is upgraded to the current schema in one vocabulary with PostgreSQL, keeping everything it held', async () => {
    const { config } = copyFixture();
    const stores = openSqliteStorage(config).stores;
    try {
      const db = new Database(config.storage.path, { readonly: true });
      expect(db.prepare('SELECT version FROM schema_version').get()).toEqual({ version: SCHEMA_VERSION });
      const tables = (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>
      )
        .map((t) => t.name)
        .sort();
      expect(tables).toEqual(expect.arrayContaining(['figures', 'projector', 'account_state', 'items', 'shipments']));
      expect(tables).not.toContain('stock');
      expect(tables).not.toContain('kv');
      const keys = db.prepare('SELECT id, order_key FROM shipments ORDER BY seq').all();
      expect(keys).toEqual([
        { id: 'shp_00000000000000a1', order_key: '["main-shop","externalId","ORDER-1"]' },
        { id: 'shp_00000000000000a2', order_key: '["main-shop","externalId","ORDER-1"]' },
        { id: 'shp_00000000000000b1', order_key: '["main-shop","id","42"]' },
      ]);
      db.close();
      expect(await stores.callbackLog.count()).toBe(3);
      expect(await stores.stock.cursor()).toBe(2);
      expect(await targetFiguresOf({ storage: stores, config }, 'ro-shop', 'SKU-1')).toEqual([
        { warehouse: 'main', quantity: 4, version: 2 },
        { warehouse: 'north', quantity: 2, version: 1 },
      ]);
      expect(await stores.deliveries.get('ro-shop', 'SKU-1')).toMatchObject({ attempts: 1, lastStatus: 503 });
      expect(await stores.deliveries.get('ro-shop', 'SKU-2')).toMatchObject({ deliveredVersion: 1, dueAt: null });
      expect(await stores.stock.delivered('ro-shop', ['SKU-2'])).toEqual(new Map([['SKU-2', { main: 7 }]]));
      expect(await stores.deliveries.get('bg-shop', 'E-2')).toMatchObject({ dead: true });
      expect(await stores.stock.listUnmapped('ro-shop', 10)).toEqual([
        expect.objectContaining({ offerLabel: 'id=99' }),
      ]);
      expect(await stores.shipments.get('shp_00000000000000b1')).toMatchObject({ status: 'failed' });
      const again = await stores.shipments.create([], { key: 'idem-1', bodyHash: 'bh' }, Date.now());
      expect(again).toEqual({ ids: ['shp_00000000000000a1', 'shp_00000000000000a2'], created: false });
      expect(await stores.sources.listRuns('syncinv', 10)).toEqual([
        expect.objectContaining({ outcome: 'ok', read: 3, uploaded: 2 }),
      ]);
      expect(await stores.hubState.getModule()).toMatchObject({ systemUrl: 'https://example.retailcrm.ru' });
      expect(await stores.hubState.getTarget('bg-shop')).toMatchObject({ paused: true });
      // The converted order key still orders the stream: the second report waits behind the first.
      const claimed = await stores.shipments.claim(10, Date.now() + 1000, 1000, 'test');
      expect(claimed.map((x) => x.id)).toEqual(['shp_00000000000000a1']);
      expect(claimed[0]).toMatchObject({ attempts: 1, lastStatus: 503 });
    } finally {
      await stores.close();
    }
  });

  it('still delivers afterwards: the unprojected callback is projected and due items reach the shop', async () => {
    shop = await startFakeMerchantPro({ apiKey: SECRETS.mpKey, apiSecret: SECRETS.mpSecret, multiWarehouse: true });
    shop.addItem('SKU-1');
    shop.addItem('SKU-2');
    const { config } = copyFixture(shop.url);
    const hub = createHub({ config, log: silentLog });
    try {
      await hub.start();
      await waitFor(
        async () => {
          const a = await hub.storage.deliveries.get('ro-shop', 'SKU-1');
          const b = await hub.storage.deliveries.get('ro-shop', 'SKU-2');
          return a?.deliveredVersion === 2 && b?.deliveredVersion === 3;
        },
        { what: 'the 0.2.0 backlog delivered' },
      );
      const stock = (sku: string) => Object.fromEntries(shop!.bySku(sku)!.warehouses!.map((w) => [w.name, w.stock]));
      expect(stock('SKU-1')).toMatchObject({ 'Depozit central': 4, 'Depozit nord': 2 });
      expect(stock('SKU-2')).toMatchObject({ 'Depozit central': 0 });

      // Over a socket, as its operator and its CRM see it: everything is the account `default`'s.
      const server = hub.app.listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const admin = async (p: string) => {
        const res = await fetch(base + p, { headers: { authorization: `Bearer ${SECRETS.adminToken}` } });
        return { status: res.status, body: (await res.json()) as Json };
      };
      try {
        const accounts = (await admin('/admin/accounts')).body.accounts;
        expect(accounts).toEqual([
          expect.objectContaining({
            name: 'default',
            origin: 'file',
            active: true,
            systemUrl: 'https://example.retailcrm.ru',
            targets: [
              expect.objectContaining({ name: 'ro-shop', paused: false }),
              expect.objectContaining({ name: 'bg-shop', paused: true, backlog: 2 }),
            ],
          }),
        ]);
        for (const p of ['/admin/shipments?status=failed', '/admin/accounts/default/shipments?status=failed']) {
          expect((await admin(p)).body.shipments).toEqual([expect.objectContaining({ id: 'shp_00000000000000b1' })]);
        }
        for (const p of ['/admin/targets', '/admin/accounts/default/targets'])
          expect((await admin(p)).body.targets).toEqual([
            expect.objectContaining({ name: 'ro-shop', state: 'active' }),
            expect.objectContaining({ name: 'bg-shop', state: 'paused', backlog: 2 }),
          ]);
        const runs = (await admin('/admin/accounts/default/sync-runs')).body.runs;
        expect(runs).toEqual([expect.objectContaining({ source: 'syncinv', outcome: 'ok' })]);
        // The 0.2 clientId still names the account; a new callback is delivered.
        const cb = await fetch(`${base}/callbacks/inventories-upload`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: formBody([{ xmlId: 'SKU-1', stores: [{ code: 'north', available: 8 }] }]),
        });
        expect(cb.status).toBe(200);
        await waitFor(() => stock('SKU-1')['Depozit nord'] === 8, { what: 'a new callback delivered' });
      } finally {
        await new Promise((r) => server.close(r));
      }
    } finally {
      await hub.stop();
    }
  });
});

describe('migrations: a PostgreSQL database at release 0.2.0 (schema 2)', () => {
  it('upgrades to the current schema with its rows, claim tokens renamed and still fencing', async () => {
    const tdb = await createTestDatabase('v020');
    const logger = pino({ level: 'silent' });
    const db = createPgDb({ url: tdb.url, poolSize: 2, logger });
    try {
      // Released migrations are never edited, so the first two are exactly the schema 0.2.0 created.
      await migratePostgres(
        db,
        POSTGRES_MIGRATIONS.filter((m) => m.version <= 2),
        logger,
      );
      await db.query(`INSERT INTO items (target, item, version, due_at, due_since, priority, token, updated_at)
        VALUES ('ro-shop', 'SKU-1', 2, 10, 10, 2, 7, 10)`);
      await db.query(`INSERT INTO shipments (id, order_key, by_field, ref, site, report, status, next_at, created_at,
        updated_at, token) VALUES ('shp_1', '["s","externalId","O-1"]', 'externalId', 'O-1', 's', '{}', 'pending', 10,
        10, 10, 3)`);
      const stores = await createPostgresStores({ url: tdb.url, poolSize: 2, logger });
      try {
        expect(await postgresSchemaVersion(db)).toBe(POSTGRES_MIGRATIONS.length);
        expect(await stores.deliveries.renew('ro-shop', 'SKU-1', 7, 99)).toBe(false); // no lease held
        const [c] = await stores.deliveries.claim('ro-shop', 1, 100, 1000, 'p');
        expect(c).toMatchObject({ item: 'SKU-1', version: 2 });
        expect(c.token).toBeGreaterThan(0);
        expect(await stores.deliveries.markDelivered('ro-shop', 'SKU-1', c.token, 2, { main: 1 }, 200, 101)).toBe(true);
        const [s] = await stores.shipments.claim(1, 100, 1000, 'p');
        expect(s).toMatchObject({ id: 'shp_1' });
        expect(await stores.shipments.markDelivered('shp_1', s.token, { id: 1 }, 200, 101)).toBe(true);
      } finally {
        await stores.close();
      }
    } finally {
      await db.close();
      await tdb.drop();
    }
  });
});
