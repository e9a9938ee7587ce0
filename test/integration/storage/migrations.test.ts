import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createHub } from '../../../src/compose/create-hub';
import { openSqliteStorage } from '../../../src/storage/open-storage';
import { migrateCommand } from '../../../src/cli/migrate-command';
import { SCHEMA_VERSION } from '../../../src/storage/sqlite/sqlite-migrations';
import { startFakeMerchantPro, type FakeMerchantPro } from '../../../src/demo/fakes/fake-merchantpro';
import { targetFiguresOf } from '../../helpers/target-figures';
import { copyReleaseFixture } from '../../helpers/release-fixture';
import { rawConfig, SECRETS, silentLog, targetRaw, waitFor } from '../../helpers/test-config';

const copyFixture = (shopUrl?: string) => copyReleaseFixture('0.1.0', shopUrl);

describe('migrations: a database written by release 0.1.0', () => {
  const dirs: string[] = [];
  let shop: FakeMerchantPro | undefined;
  afterAll(async () => {
    await shop?.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('opens, is upgraded to the current schema, and keeps everything it held', async () => {
    const { dir, config } = copyFixture();
    dirs.push(dir);
    const stores = openSqliteStorage(config).stores;
    try {
      const db = new Database(config.storage.path, { readonly: true });
      expect(db.prepare('SELECT version FROM schema_version').get()).toEqual({ version: SCHEMA_VERSION });
      db.close();
      expect(await stores.callbackLog.count()).toBe(3);
      expect(await stores.stock.cursor()).toBe(2);
      expect(await targetFiguresOf({ storage: stores, config }, 'ro-shop', 'SKU-1')).toEqual([
        { warehouse: 'main', quantity: 4, version: 2 },
        { warehouse: 'north', quantity: 2, version: 1 },
      ]);
      expect(await targetFiguresOf({ storage: stores, config }, 'bg-shop', 'E-1')).toEqual([
        { warehouse: 'main', quantity: 4, version: 2 },
      ]);
      expect(await stores.deliveries.get('ro-shop', 'SKU-1')).toMatchObject({
        version: 2,
        deliveredVersion: 0,
        priority: 2,
      });
      expect(await stores.deliveries.get('ro-shop', 'SKU-2')).toMatchObject({ deliveredVersion: 1, dueAt: null });
      expect(await stores.stock.delivered('ro-shop', ['SKU-2'])).toEqual(new Map([['SKU-2', { main: 7 }]]));
      expect(await stores.deliveries.get('bg-shop', 'E-2')).toMatchObject({
        dead: true,
        deadReason: 'HTTP 404: unknown item',
      });
      expect(await stores.stock.listUnmapped('ro-shop', 10)).toEqual([
        expect.objectContaining({ offerLabel: 'id=99', reason: "offer has no xmlId (the target's offerKey)" }),
      ]);
      expect(await stores.shipments.get('shp-1')).toMatchObject({ status: 'pending', ref: 'ORDER-1' });
      const again = await stores.shipments.create([], { key: 'idem-1', bodyHash: 'bh' }, Date.now());
      expect(again).toEqual({ ids: ['shp-1'], created: false });
      expect(await stores.sources.listRuns('syncinv', 10)).toEqual([
        expect.objectContaining({ outcome: 'ok', read: 3, uploaded: 2 }),
      ]);
      expect(Object.fromEntries((await stores.sources.getState('syncinv')).get('SKU-9')!)).toEqual({ main: 11 });
      expect(await stores.hubState.getModule()).toMatchObject({
        active: true,
        systemUrl: 'https://example.retailcrm.ru',
      });
      expect(await stores.hubState.getTarget('bg-shop')).toMatchObject({
        paused: true,
        pausedReason: 'HTTP 401: bad credentials',
      });
      // A new callback continues the same sequence: versions stay comparable with the old ones.
      const [seq] = await stores.callbackLog.append([{ receivedAt: 1, contentHash: 'h', offersJson: '[]' }]);
      expect(seq).toBe(4);
    } finally {
      await stores.close();
    }
  });

  it('still delivers: the unprojected callback is projected and due items reach the shop', async () => {
    shop = await startFakeMerchantPro({ apiKey: SECRETS.mpKey, apiSecret: SECRETS.mpSecret, multiWarehouse: true });
    shop.addItem('SKU-1');
    shop.addItem('SKU-2');
    const { dir, config } = copyFixture(shop.url);
    dirs.push(dir);
    const hub = createHub({ config, log: silentLog });
    try {
      await hub.start();
      await waitFor(
        async () => {
          const a = await hub.storage.deliveries.get('ro-shop', 'SKU-1');
          const b = await hub.storage.deliveries.get('ro-shop', 'SKU-2');
          return a?.deliveredVersion === 2 && b?.deliveredVersion === 3;
        },
        { what: 'the 0.1.0 backlog delivered' },
      );
      const stock = (sku: string) => Object.fromEntries(shop!.bySku(sku)!.warehouses!.map((w) => [w.name, w.stock]));
      expect(stock('SKU-1')).toMatchObject({ 'Depozit central': 4, 'Depozit nord': 2 });
      expect(stock('SKU-2')).toMatchObject({ 'Depozit central': 0 });
      // bg-shop was paused in 0.1.0 and stays paused.
      expect((await hub.storage.hubState.getTarget('bg-shop')).paused).toBe(true);
    } finally {
      await hub.stop();
    }
  });

  it('npm run migrate upgrades the file apart from start-up, and then has nothing to do', async () => {
    const { dir, config } = copyFixture();
    dirs.push(dir);
    const file = path.join(dir, 'stockbridge.json');
    fs.writeFileSync(
      file,
      JSON.stringify(
        rawConfig({ storage: { path: config.storage.path }, targets: [targetRaw('ro-shop', 'http://x')] }),
      ),
    );
    const out: string[] = [];
    const io = { argv: ['--config', file], env: {}, out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
    expect(await migrateCommand(io)).toBe(0);
    expect(await migrateCommand(io)).toBe(0);
    expect(out).toEqual([
      `${config.storage.path}: migrated from schema version 1 to ${SCHEMA_VERSION}`,
      `${config.storage.path}: schema version ${SCHEMA_VERSION}, nothing to do`,
    ]);
  });

  it('a file from a newer schema refuses to open, saying so', async () => {
    const { dir, config } = copyFixture();
    dirs.push(dir);
    await openSqliteStorage(config).stores.close();
    const db = new Database(config.storage.path);
    db.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION + 1);
    db.close();
    expect(() => openSqliteStorage(config).stores).toThrow(
      `the database is at schema version ${SCHEMA_VERSION + 1}, newer than this release understands (${SCHEMA_VERSION})`,
    );
  });
});
