import fs from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../../src/config/load-config';
import type { Config, SourceConfig } from '../../../src/config/config-types';
import { createCrmClient } from '../../../src/integrations/retailcrm/crm-client';
import { CrmError } from '../../../src/integrations/retailcrm/crm-error';
import { createHttpClient, type HttpClient } from '../../../src/integrations/http-client/http-client';
import { createRateLimiter } from '../../../src/integrations/http-client/rate-limiter';
import { createPullSource } from '../../../src/integrations/registry';
import { runSync, type SyncDeps } from '../../../src/sync/run-sync';
import { createSqliteStores } from '../../../src/storage/sqlite/create-sqlite-stores';
import type { Stores } from '../../../src/storage/stores';
import { startFakeCrm, type FakeCrm } from '../../../src/demo/fakes/fake-crm';
import { startFakeFlamix } from '../../../src/demo/fakes/fake-flamix';
import { startFakeMerchantPro } from '../../../src/demo/fakes/fake-merchantpro';
import { startFakeSyncInventory, type FakeSyncInventory } from '../../../src/demo/fakes/fake-syncinventory';
import { capturingLog, rawConfig, SECRETS, silentLog, tmpDir } from '../../helpers/test-config';

describe('pulling sources into the CRM', () => {
  let crm: FakeCrm;
  let si: FakeSyncInventory;
  let storage: Stores;
  let http: HttpClient;
  let dir: string;
  const SI_KEY = 'si-key-SECRET-7777';

  beforeEach(async () => {
    crm = await startFakeCrm({ apiKey: SECRETS.crmApiKey });
    si = await startFakeSyncInventory({ apiKey: SI_KEY });
    dir = tmpDir();
    storage = createSqliteStores({ path: path.join(dir, 's.db') });
    http = createHttpClient();
  });
  afterEach(async () => {
    http.close();
    await storage.close();
    await crm.close();
    await si.close();
  });

  const siSource = (extra: Record<string, unknown> = {}): SourceConfig =>
    configWith([
      {
        name: 'erp',
        type: 'syncinventory',
        url: si.url,
        apiKey: SI_KEY,
        offerKey: 'xmlId',
        warehouses: { '97637': 'main', '555': 'north' },
        ...extra,
      },
    ]).sources[0];
  function configWith(sources: unknown[], extra: Record<string, unknown> = {}): Config {
    return parseConfig(
      rawConfig({
        sources,
        crm: { url: crm.url, apiKey: SECRETS.crmApiKey, clientId: SECRETS.clientId, site: 'main-shop' },
        ...extra,
      }),
      {},
      dir,
    );
  }
  function deps(over: Partial<SyncDeps> = {}): SyncDeps {
    const crmClient = createCrmClient({
      baseUrl: crm.url,
      apiKey: SECRETS.crmApiKey,
      http,
      log: silentLog,
      limiter: createRateLimiter(10),
      maxRetries: 0,
    });
    return {
      stores: storage,
      crm: crmClient,
      log: silentLog,
      site: 'main-shop',
      batchSize: 250,
      batchRetries: 2,
      reportDir: path.join(dir, 'reports'),
      owner: 'test',
      sleep: async () => {},
      ...over,
    };
  }

  it('syncInventory: maps, clamps negatives, uploads in the CRM form; a second identical pull uploads nothing; a change uploads only itself', async () => {
    si.add('PTFB04', { '97637': '-42893' });
    si.add('PFLY12', { '97637': '10', '555': '2.0' });
    const src = siSource();
    const first = await runSync(deps(), src, createPullSource(src, http));
    expect(first).toMatchObject({ read: 2, uploaded: 2, unchanged: 0, batches: 1, notFound: 0 });
    expect(crm.uploads[0]).toEqual({
      site: 'main-shop',
      at: expect.any(Number),
      offers: [
        { xmlId: 'PTFB04', stores: [{ code: 'main', available: 0 }] },
        {
          xmlId: 'PFLY12',
          stores: [
            { code: 'north', available: 2 },
            { code: 'main', available: 10 },
          ],
        },
      ],
    });
    expect(si.requests[0].headers.authorization).toBe(`Bearer ${SI_KEY}`);
    const second = await runSync(deps(), src, createPullSource(src, http));
    expect(second).toMatchObject({ read: 2, unchanged: 2, uploaded: 0, batches: 0 });
    expect(crm.uploads).toHaveLength(1);
    si.set('PFLY12', '555', 7);
    await runSync(deps(), src, createPullSource(src, http));
    expect(crm.uploads[1].offers).toEqual([{ xmlId: 'PFLY12', stores: [{ code: 'north', available: 7 }] }]);
    expect((await storage.sources.listRuns('erp', 10)).map((r) => [r.outcome, r.uploaded])).toEqual([
      ['ok', 1],
      ['ok', 0],
      ['ok', 2],
    ]);
  });

  it('syncInventory: Basic admin:<key> auth and the Skucode/Godownid filters, each sent once, unquoted', async () => {
    si.add('A', { '97637': 1 });
    const src = siSource({ auth: 'basic', skuCode: 'A', godownId: '97637' });
    await runSync(deps(), src, createPullSource(src, http));
    const req = si.requests[0];
    expect(req.headers.authorization).toBe('Basic ' + Buffer.from(`admin:${SI_KEY}`).toString('base64'));
    expect(req.query.getAll('Skucode')).toEqual(['A']);
    expect(req.query.getAll('Godownid')).toEqual(['97637']);
  });

  it.each([
    ['an error object with HTTP 200', 'error-object', 'SyncInventory refused: Invalid API key.'],
    ['an HTML page', 'html', 'HTML page (HTTP 500): "Error PHP Fatal error in index.php"'],
    ['garbage', 'garbage', 'not JSON'],
  ] as const)(
    'syncInventory: %s fails the run with a clear reason, uploads nothing, and the run is recorded',
    async (_n, mode, reason) => {
      si.add('A', { '97637': 1 });
      si.setMode(mode);
      const logs = capturingLog();
      const src = siSource();
      await expect(runSync(deps({ log: logs.log }), src, createPullSource(src, http))).rejects.toThrow(reason);
      expect(crm.uploads).toHaveLength(0);
      expect((await storage.sources.listRuns('erp', 1))[0]).toMatchObject({
        outcome: 'failed',
        message: expect.stringContaining(reason),
      });
      expect(logs.text()).not.toContain(SI_KEY);
    },
  );

  it('batches 10,000 offers into 40 uploads of 250 and never sends the CRM more than 10 requests in a second', async () => {
    for (let i = 0; i < 10_000; i++) si.add(`S-${i}`, { '97637': i % 7 });
    const src = siSource();
    const res = await runSync(deps(), src, createPullSource(src, http));
    expect(crm.uploads.map((u) => u.offers.length)).toEqual(Array(40).fill(250));
    expect(res).toMatchObject({ uploaded: 10_000, batches: 40 });
    expect(crm.maxPerSecond()).toBeLessThanOrEqual(10);
  });

  it('reports notFoundOffers in the summary and a report file, and tries them again next run', async () => {
    crm.offers.set('KNOWN', { id: 1, externalId: 'e', xmlId: 'KNOWN', site: 'main-shop' });
    si.add('KNOWN', { '97637': 1 });
    si.add('GHOST', { '97637': 2 });
    const src = siSource();
    const res = await runSync(deps(), src, createPullSource(src, http));
    expect(res).toMatchObject({ uploaded: 1, notFound: 1 });
    expect(res.notFoundOffers).toEqual([{ xmlId: 'GHOST' }]);
    expect(fs.readFileSync(res.reportFile!, 'utf8')).toBe('externalId,xmlId,id\n,"GHOST",\n');
    const again = await runSync(deps(), src, createPullSource(src, http));
    expect(again).toMatchObject({ unchanged: 1, notFound: 1 });
  });

  it('--dry-run pulls and lists what would be uploaded, sends nothing, records nothing as uploaded', async () => {
    si.add('A', { '97637': 1 });
    const src = siSource();
    const res = await runSync(deps(), src, createPullSource(src, http), { dryRun: true });
    expect(res.wouldUpload).toEqual([{ xmlId: 'A', stores: [{ code: 'main', available: 1 }] }]);
    expect(crm.requests).toHaveLength(0);
    expect((await storage.sources.getState('erp')).size).toBe(0);
  });

  it('never runs two syncs of one source at once', async () => {
    si.add('A', { '97637': 1 });
    const src = siSource();
    expect(await storage.locks.acquire('sync:erp', 'someone-else', 60_000, Date.now())).toBe(true);
    await expect(runSync(deps(), src, createPullSource(src, http))).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining('already running'),
    });
    expect(si.requests).toHaveLength(0);
    await storage.locks.release('sync:erp', 'someone-else');
    await expect(runSync(deps(), src, createPullSource(src, http))).resolves.toMatchObject({ uploaded: 1 });
  });

  it('a run that fails part-way keeps what landed; the next run uploads everything that still differs', async () => {
    for (let i = 0; i < 600; i++) si.add(`S-${i}`, { '97637': 1 });
    const src = siSource();
    crm.fail(1, { type: 'refuse', errorMsg: 'Validation error' }, /inventories\/upload$/);
    // first batch refused at once: the run fails having uploaded nothing
    await expect(runSync(deps(), src, createPullSource(src, http))).rejects.toThrow('Validation error');
    expect((await storage.sources.getState('erp')).size).toBe(0);
    // now the second batch fails after retries are used up
    let calls = 0;
    const real = deps().crm;
    const flaky = deps({
      crm: {
        ...real,
        uploadInventories: async (offers, o) => {
          if (++calls >= 2) throw new CrmError('server', 'CRM server error (HTTP 500)');
          return real.uploadInventories(offers, o);
        },
      },
    });
    await expect(runSync(flaky, src, createPullSource(src, http))).rejects.toThrow('HTTP 500');
    expect((await storage.sources.getState('erp')).size).toBe(250);
    expect((await storage.sources.listRuns('erp', 1))[0]).toMatchObject({
      outcome: 'failed',
      uploaded: 250,
      batches: 1,
    });
    const res = await runSync(deps(), src, createPullSource(src, http));
    expect(res).toMatchObject({ unchanged: 250, uploaded: 350, batches: 2 });
  });

  it('flamix: recalculates, waits, reads each mapped product politely, accepts every warehouse shape', async () => {
    const fl = await startFakeFlamix({ domain: 'shop.bitrix24.eu', apiToken: 'fl-token-SECRET' });
    try {
      fl.add('100', { 1: 200, 6: 99.9 }, 'object');
      fl.add('101', { 1: 5, 6: 6 }, 'strings');
      fl.add('102', { 1: 7, 6: 8 }, 'objects');
      fs.writeFileSync(path.join(dir, 'products.csv'), 'bitrixId,offer\n101,SKU-B\n102,SKU-C\n103,SKU-MISSING\n');
      const cfg = configWith([
        {
          name: 'b24',
          type: 'flamix',
          url: fl.url,
          domain: 'shop.bitrix24.eu',
          apiToken: 'fl-token-SECRET',
          offerKey: 'xmlId',
          recalculate: true,
          recalculateWaitMs: 50,
          requestsPerSecond: 5,
          products: { 100: 'SKU-A' },
          productsCsv: 'products.csv',
          warehouses: { 1: 'main', 6: 'north' },
        },
      ]);
      const waits: number[] = [];
      const src = cfg.sources[0];
      const res = await runSync(
        deps(),
        src,
        createPullSource(src, http, {
          sleep: (ms) => {
            waits.push(ms);
            return Promise.resolve();
          },
        }),
      );
      expect(fl.recalculations).toBe(1);
      expect(waits).toEqual([50]);
      expect(res).toMatchObject({ read: 3, uploaded: 3, unmapped: 1 });
      expect(crm.uploads[0].offers).toEqual([
        {
          xmlId: 'SKU-A',
          stores: [
            { code: 'main', available: 200 },
            { code: 'north', available: 99 },
          ],
        },
        {
          xmlId: 'SKU-B',
          stores: [
            { code: 'main', available: 5 },
            { code: 'north', available: 6 },
          ],
        },
        {
          xmlId: 'SKU-C',
          stores: [
            { code: 'main', available: 7 },
            { code: 'north', available: 8 },
          ],
        },
      ]);
      const times = fl.requests.filter((r) => r.path.startsWith('/api/v1/product/')).map((r) => r.at);
      for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(195);
    } finally {
      await fl.close();
    }
  });

  it('merchantpro as a source: reads the shop page by page (limit 100) within its rate limit', async () => {
    const shop = await startFakeMerchantPro({
      apiKey: SECRETS.mpKey,
      apiSecret: SECRETS.mpSecret,
      multiWarehouse: true,
      requestsPerSecond: 4,
    });
    try {
      for (let i = 0; i < 250; i++)
        shop.addItem(`MP-${i}`, {
          warehouses: [
            { id: 1, name: 'Depozit central', stock: i },
            { id: 2, name: 'Depozit nord', stock: 1 },
          ],
        });
      const cfg = configWith([
        {
          name: 'shop-master',
          type: 'merchantpro',
          url: shop.url,
          apiKey: SECRETS.mpKey,
          apiSecret: SECRETS.mpSecret,
          offerKey: 'xmlId',
          identifier: 'sku',
          warehouses: { 'Depozit nord': 'north' },
          requestsPerSecond: 4,
        },
      ]);
      const src = cfg.sources[0];
      const res = await runSync(deps(), src, createPullSource(src, http));
      expect(shop.requests.map((r) => r.query.get('start'))).toEqual(['0', '100', '200']);
      expect(shop.requests.every((r) => r.query.get('limit') === '100')).toBe(true);
      expect(shop.rejected429).toBe(0);
      expect(res).toMatchObject({ read: 250, uploaded: 250 });
      expect(crm.uploads[0].offers[3]).toEqual({ xmlId: 'MP-3', stores: [{ code: 'north', available: 1 }] });
    } finally {
      await shop.close();
    }
  });

  it('refuses a cycle at start-up: a target that is also read back for the same warehouses', () => {
    expect(() =>
      configWith([
        {
          name: 'loop',
          type: 'merchantpro',
          url: 'http://127.0.0.1:9',
          apiKey: 'k',
          apiSecret: 's',
          warehouses: { 'Depozit central': 'main' },
        },
      ]),
    ).toThrow(
      expect.objectContaining({
        problems: expect.arrayContaining([
          expect.objectContaining({
            path: 'sources[0]',
            problem: expect.stringMatching(
              /source "loop" reads the shop that target "ro-shop" writes, for CRM warehouse\(s\) main: a cycle/,
            ),
          }),
        ]),
      }),
    );
  });
});
