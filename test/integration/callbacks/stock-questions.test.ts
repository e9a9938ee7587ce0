import type { Server } from 'node:http';
import { createHub, type Hub } from '../../../src/compose/create-hub';
import { startFakeCrm, type FakeCrm } from '../../../src/demo/fakes/fake-crm';
import { startFakeFlamix, type FakeFlamix } from '../../../src/demo/fakes/fake-flamix';
import { startFakeMerchantPro, type FakeMerchantPro } from '../../../src/demo/fakes/fake-merchantpro';
import { startFakeSyncInventory, type FakeSyncInventory } from '../../../src/demo/fakes/fake-syncinventory';
import { targetFigures } from '../../../src/domain/target-figures';
import { capturingLog, SECRETS, targetRaw, testConfig, waitFor } from '../../helpers/test-config';
import { startAndListen } from '../../helpers/listen-hub';

const C = SECRETS.clientId;
const DEADLINE = 400;

/**
 * The CRM asks, the hub answers (issue 8), over real sockets: the hub listens on 127.0.0.1:0 and every peer is a fake.
 * Sources: SyncInventory (godown 97637 → main), Flamix (warehouse 1 → north), MerchantPro source shop (→ south).
 */
describe('inventoriesUpload as a stock question', () => {
  let crm: FakeCrm;
  let si: FakeSyncInventory;
  let fx: FakeFlamix;
  let srcShop: FakeMerchantPro;
  let shop: FakeMerchantPro;
  let hub: Hub;
  let server: Server;
  let url: string;
  const logs = capturingLog('debug');

  beforeAll(async () => {
    crm = await startFakeCrm({ apiKey: SECRETS.crmApiKey });
    si = await startFakeSyncInventory({ apiKey: 'si-key-SECRET' });
    fx = await startFakeFlamix({ domain: 'portal.bitrix24.ru', apiToken: 'fx-token-SECRET' });
    srcShop = await startFakeMerchantPro({ apiKey: 'src-key', apiSecret: 'src-secret', multiWarehouse: false });
    shop = await startFakeMerchantPro({ apiKey: SECRETS.mpKey, apiSecret: SECRETS.mpSecret, multiWarehouse: true });
    const config = testConfig({
      crm: { url: crm.url, apiKey: SECRETS.crmApiKey, clientId: C, site: 'main-shop' },
      // No snapshot window here: each question sees the fakes as the test just set them.
      callbacks: { answerDeadlineMs: DEADLINE, answerMaxAgeMs: 0 },
      targets: [targetRaw('ro-shop', shop.url, { warehouses: { main: 'Depozit central', north: 'Depozit nord' } })],
      sources: [
        {
          name: 'si',
          type: 'syncinventory',
          url: si.url,
          apiKey: 'si-key-SECRET',
          offerKey: 'xmlId',
          warehouses: { '97637': 'main' },
        },
        {
          name: 'fx',
          type: 'flamix',
          url: fx.url,
          domain: 'portal.bitrix24.ru',
          apiToken: 'fx-token-SECRET',
          offerKey: 'xmlId',
          requestsPerSecond: 100,
          products: { '11': 'F1', '12': 'A1' },
          warehouses: { '1': 'north' },
        },
        {
          name: 'mp',
          type: 'merchantpro',
          url: srcShop.url,
          apiKey: 'src-key',
          apiSecret: 'src-secret',
          offerKey: 'xmlId',
          requestsPerSecond: 100,
          warehouses: { '*': 'south' },
        },
      ],
    });
    hub = createHub({ config, log: logs.log });
    ({ server, url } = await startAndListen(hub));
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await hub.stop();
    await Promise.all([crm.close(), si.close(), fx.close(), srcShop.close(), shop.close()]);
  });

  beforeEach(() => {
    si.setLatency(0);
    fx.setLatency(0);
    srcShop.heal();
  });

  const postForm = async (fields: Record<string, unknown>, query = '') => {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
    const res = await fetch(url + query, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    return {
      status: res.status,
      body: (await res.json()) as { success: boolean; offers?: Array<Record<string, unknown>> },
    };
  };
  const postJson = async (body: unknown) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as { success: boolean; offers?: Array<Record<string, unknown>> },
    };
  };

  it('answers a question about offers (no stores) from every source, fresh, with the identifiers the CRM used', async () => {
    si.add('A1', { '97637': 7, '555': 100 });
    fx.add('12', { '1': 3 });
    srcShop.addItem('A1', { stock: 4 });
    const res = await postForm({ clientId: C, offers: [{ xmlId: 'A1', externalId: 'ext-A1', site: 'main-shop' }] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      offers: [
        {
          xmlId: 'A1',
          externalId: 'ext-A1',
          site: 'main-shop',
          stores: [
            { code: 'main', available: 7 },
            { code: 'north', available: 3 },
            { code: 'south', available: 4 },
          ],
        },
      ],
    });
    // SyncInventory is asked for its whole list (no Skucode): one request answers every offer of the question.
    expect(si.requests.at(-1)!.query.has('Skucode')).toBe(false);
  });

  it('records fresh figures as source state and sends them to the push targets through intake', async () => {
    si.add('B1', { '97637': 12 });
    shop.addItem('B1');
    const res = await postJson({ clientId: C, offers: [{ xmlId: 'B1', stores: [] }] });
    expect(res.body.offers).toEqual([{ xmlId: 'B1', stores: [{ code: 'main', available: 12 }] }]);
    await waitFor(async () => (await hub.storage.sources.getState('si')).get('B1')?.get('main') === 12, {
      what: 'source state',
    });
    const item = await waitFor(
      () => shop.bySku('B1')?.warehouses?.find((w) => w.name === 'Depozit central')?.stock === 12,
      {
        what: 'the shop to get the figure',
      },
    );
    expect(item).toBe(true);
  });

  it('answers a question about an order from its items, and one without items by reading the order from the CRM', async () => {
    si.add('C1', { '97637': 5 });
    si.add('C2', { '97637': 6 });
    const withItems = await postForm({ clientId: C, order: { id: 77, items: [{ offer: { xmlId: 'C1' } }] } });
    expect(withItems.body.offers).toEqual([{ xmlId: 'C1', stores: [{ code: 'main', available: 5 }] }]);
    expect(crm.requests.some((r) => r.path.startsWith('/api/v5/orders/'))).toBe(false);

    crm.addOrder('ord-9', 'main-shop', [{ id: 501, externalId: 'ext-C2', xmlId: 'C2' }]);
    const read = await postForm({ clientId: C, order: JSON.stringify({ externalId: 'ord-9', site: 'main-shop' }) });
    expect(read.body.offers).toEqual([
      { id: 501, externalId: 'ext-C2', xmlId: 'C2', stores: [{ code: 'main', available: 6 }] },
    ]);
    const get = crm.requests.find((r) => r.path === '/api/v5/orders/ord-9')!;
    expect(get.method).toBe('GET');
    expect(get.query.get('by')).toBe('externalId');
    expect(get.query.get('site')).toBe('main-shop');
    expect(get.headers['x-api-key']).toBe(SECRETS.crmApiKey);
  });

  it('handles a mixed callback per offer: figures stored, questions answered', async () => {
    si.add('D2', { '97637': 9 });
    const before = await hub.storage.callbackLog.count();
    const res = await postForm({
      clientId: C,
      offers: [{ xmlId: 'D1', stores: [{ code: 'main', available: 4 }] }, { xmlId: 'D2' }],
    });
    expect(res.body).toEqual({ success: true, offers: [{ xmlId: 'D2', stores: [{ code: 'main', available: 9 }] }] });
    expect(await hub.storage.callbackLog.count()).toBeGreaterThan(before);
    await hub.projector.idle();
    const desired = await targetFigures(
      hub.storage.stock,
      hub.config.targets.find((t) => t.name === 'ro-shop')!,
      'D1',
    );
    expect(desired.map((r) => [r.warehouse, r.quantity])).toEqual([['main', 4]]);
  });

  it('keeps one deadline for the whole call: a CRM slow to give the order is answered with no offers in time', async () => {
    crm.addOrder('ord-slow', 'main-shop', [{ xmlId: 'A1' }]);
    crm.fail(1, { type: 'slow', delayMs: 2000 }, /^\/api\/v5\/orders\/ord-slow$/);
    const started = Date.now();
    const res = await postForm({ clientId: C, order: { externalId: 'ord-slow' } });
    expect(res.body).toEqual({ success: true, offers: [] });
    // Well before the CRM's 2 s answer: the deadline, not the CRM, ended the call (a margin for a loaded machine).
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers 503 to a mixed callback whose figures cannot be stored, and stays up', async () => {
    const log = hub.storage.callbackLog;
    const original = log.append.bind(log);
    log.append = () => Promise.reject(new Error('disk full'));
    try {
      const res = await postForm({
        clientId: C,
        offers: [{ xmlId: 'H1', stores: [{ code: 'main', available: 1 }] }, { xmlId: 'A1' }],
      });
      expect(res.status).toBe(503);
      expect(res.body.success).toBe(false);
    } finally {
      log.append = original;
    }
    expect((await postForm({ clientId: C, offers: [{ xmlId: 'A1' }] })).status).toBe(200);
  });

  it('answers from the last known figures when a source does not answer within the deadline', async () => {
    si.add('E1', { '97637': 8 });
    await postForm({ clientId: C, offers: [{ xmlId: 'E1' }] });
    await waitFor(async () => (await hub.storage.sources.getState('si')).get('E1')?.get('main') === 8, {
      what: 'recorded',
    });
    si.set('E1', '97637', 1);
    si.setLatency('never');
    const started = Date.now();
    const res = await postForm({ clientId: C, offers: [{ xmlId: 'E1' }] });
    const took = Date.now() - started;
    expect(res.body.offers).toEqual([{ xmlId: 'E1', stores: [{ code: 'main', available: 8 }] }]);
    expect(took).toBeGreaterThanOrEqual(DEADLINE - 5);
    expect(took).toBeLessThanOrEqual(DEADLINE + 100);
  });

  it('leaves out an offer nobody knows anything about (a dead source without history), never answering 0', async () => {
    si.setLatency('never');
    fx.setLatency('never');
    srcShop.setFault('down');
    const res = await postForm({ clientId: C, offers: [{ xmlId: 'NEVER-SEEN' }, { xmlId: 'A1' }] });
    expect(res.status).toBe(200);
    const offers = res.body.offers!;
    expect(offers.map((o) => o.xmlId)).toEqual(['A1']);
    expect(JSON.stringify(offers)).not.toContain('NEVER-SEEN');
  });

  it('shares one lookup among concurrent questions about the same offer (a one-offer source)', async () => {
    fx.add('11', { '1': 2 });
    fx.setLatency(150);
    const before = fx.requests.filter((r) => r.path.endsWith('/product/11')).length;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => postForm({ clientId: C, offers: [{ xmlId: 'F1' }] })),
    );
    for (const a of answers)
      expect(a.body.offers).toEqual([{ xmlId: 'F1', stores: [{ code: 'north', available: 2 }] }]);
    expect(fx.requests.filter((r) => r.path.endsWith('/product/11')).length - before).toBe(1);
  });

  it('answers a well-formed callback of no known shape with no offers, loudly: log, metric, capture', async () => {
    const res = await postJson({ clientId: C, products: [{ sku: 'Z' }] });
    expect(res).toEqual({ status: 200, body: { success: true, offers: [] } });
    expect(logs.text()).toContain('inventoriesUpload of an unknown shape');
    const metrics = await (await fetch(url.replace('/callbacks/inventories-upload', '/metrics'))).text();
    expect(metrics).toMatch(
      /stockbridge_callbacks_total\{kind="inventoriesUpload",outcome="unknown-shape",account="default"\} [1-9]/,
    );
    const admin = await fetch(url.replace('/callbacks/inventories-upload', '/admin/callbacks/recent'), {
      headers: { Authorization: `Bearer ${SECRETS.adminToken}` },
    });
    const { callbacks } = (await admin.json()) as { callbacks: Array<Record<string, unknown>> };
    expect(callbacks[0]).toMatchObject({
      reading: 'unknown',
      status: 200,
      offers: 0,
      answered: 0,
      answer: { success: true, offers: [] },
    });
    expect(callbacks[0].body).toContain('"products"');
    expect(callbacks[0].body).toContain('"clientId":"***"');
  });

  it('accepts clientId in the query string and keeps it out of logs, the capture and metrics', async () => {
    const res = await postForm(
      { offers: [{ xmlId: 'A1', stores: [{ code: 'main', available: 1 }] }] },
      `?clientId=${encodeURIComponent(C)}`,
    );
    expect(res.status).toBe(200);
    const wrong = await postForm({ offers: [{ xmlId: 'A1' }] }, `?clientId=${encodeURIComponent(C)}x`);
    expect(wrong.status).toBe(403);
    const metrics = await (await fetch(url.replace('/callbacks/inventories-upload', '/metrics'))).text();
    const admin = await fetch(url.replace('/callbacks/inventories-upload', '/admin/callbacks/recent'), {
      headers: { Authorization: `Bearer ${SECRETS.adminToken}` },
    });
    const capture = await admin.text();
    for (const text of [logs.text(), metrics, capture]) expect(text).not.toContain(C);
  });
});

/** A list source (SyncInventory) answers every question of an `answerMaxAgeMs` window from one request. */
describe('stock questions answered from a source snapshot', () => {
  let si: FakeSyncInventory;
  let hub: Hub;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    si = await startFakeSyncInventory({ apiKey: 'si-key' });
    si.add('S1', { '97637': 4 });
    si.add('S2', { '97637': 0 });
    const config = testConfig({
      callbacks: { answerDeadlineMs: 2000, answerMaxAgeMs: 60_000 },
      sources: [
        {
          name: 'si',
          type: 'syncinventory',
          url: si.url,
          apiKey: 'si-key',
          offerKey: 'xmlId',
          warehouses: { '97637': 'main' },
        },
      ],
    });
    hub = createHub({ config, log: capturingLog('warn').log });
    ({ server, url } = await startAndListen(hub));
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await hub.stop();
    await si.close();
  });

  const ask = async (offers: unknown[]) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ clientId: C, offers }),
    });
    return (await res.json()) as { offers: unknown[] };
  };

  it('asks once for many questions, answers a real 0, leaves out what the list lacks, and says where figures came from', async () => {
    si.setLatency(100);
    const concurrent = await Promise.all([ask([{ xmlId: 'S1' }]), ask([{ xmlId: 'S2' }, { xmlId: 'NOPE' }])]);
    const later = await ask([{ xmlId: 'S1' }, { xmlId: 'S2' }]);
    expect(concurrent[0].offers).toEqual([{ xmlId: 'S1', stores: [{ code: 'main', available: 4 }] }]);
    expect(concurrent[1].offers).toEqual([{ xmlId: 'S2', stores: [{ code: 'main', available: 0 }] }]);
    expect(later.offers).toHaveLength(2);
    expect(si.requests).toHaveLength(1);
    expect(si.requests[0].query.has('Skucode')).toBe(false);
    const admin = await fetch(url.replace('/callbacks/inventories-upload', '/admin/callbacks/recent'), {
      headers: { Authorization: `Bearer ${SECRETS.adminToken}` },
    });
    const { callbacks } = (await admin.json()) as { callbacks: Array<Record<string, unknown>> };
    expect(callbacks[0].from).toEqual({ si: { snapshot: 2 } });
    expect(callbacks.find((c) => JSON.stringify(c.body).includes('NOPE'))?.from).toEqual({
      si: { snapshot: 1, unknown: 1 },
    });
  });
});
