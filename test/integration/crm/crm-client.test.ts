import { createCrmClient, type CrmClient } from '../../../src/integrations/retailcrm/crm-client';
import { CrmError } from '../../../src/integrations/retailcrm/crm-error';
import { createHttpClient, type HttpClient } from '../../../src/integrations/http-client/http-client';
import { createRateLimiter } from '../../../src/integrations/http-client/rate-limiter';
import { startFakeCrm, type FakeCrm } from '../../../src/demo/fakes/fake-crm';
import { capturingLog, SECRETS } from '../../helpers/test-config';

describe('RetailCRM client against the fake CRM', () => {
  let fake: FakeCrm;
  let http: HttpClient;
  let crm: CrmClient;
  const logs = capturingLog();
  const make = (extra: Partial<Parameters<typeof createCrmClient>[0]> = {}) =>
    createCrmClient({
      baseUrl: fake.url,
      apiKey: SECRETS.crmApiKey,
      http,
      log: logs.log,
      limiter: createRateLimiter(1000),
      backoff: { baseMs: 10, maxMs: 50 },
      ...extra,
    });

  beforeEach(async () => {
    fake = await startFakeCrm({ apiKey: SECRETS.crmApiKey });
    http = createHttpClient();
    crm = make();
  });
  afterEach(async () => {
    http.close();
    await fake.close();
  });

  const caught = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      return e as CrmError;
    }
    throw new Error('expected a failure');
  };

  it('sends X-API-KEY and form-encodes nested values as JSON strings', async () => {
    await crm.editModule('sb', {
      code: 'sb',
      name: 'Stockbridge',
      active: true,
      actions: { activity: '/callbacks/activity' },
    });
    const req = fake.requests[0];
    expect(req.headers['x-api-key']).toBe(SECRETS.crmApiKey);
    expect(req.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = new URLSearchParams(req.body);
    expect(JSON.parse(form.get('integrationModule')!)).toMatchObject({
      code: 'sb',
      actions: { activity: '/callbacks/activity' },
    });
    expect(req.query.get('apiKey')).toBeNull();
    expect((await crm.getModule('sb')).name).toBe('Stockbridge');
  });

  it('turns success:false into one error that keeps errorMsg and errors', async () => {
    fake.fail(1, { type: 'refuse', errorMsg: 'Errors in the entity format', errors: { name: 'is too long' } });
    const e = await caught(crm.editModule('sb', { code: 'sb' }));
    expect(e).toBeInstanceOf(CrmError);
    expect(e).toMatchObject({
      kind: 'refused',
      httpStatus: 400,
      errorMsg: 'Errors in the entity format',
      errors: { name: 'is too long' },
    });
    expect(e.retryable).toBe(false);
  });

  it('recognises an HTML page as a wrong URL / missing account', async () => {
    fake.fail(1, { type: 'html', text: 'Account does not exist.' });
    const e = await caught(crm.getModule('sb'));
    expect(e.kind).toBe('html');
    expect(e.message).toContain('Account does not exist: check crm.url');
  });

  it('retries 503 and 429 with backoff, honouring Retry-After, then succeeds', async () => {
    fake.fail(1, { type: 'status', status: 503 });
    fake.fail(1, { type: 'status', status: 429, retryAfter: '1' });
    await crm.uploadInventories([{ externalId: 'A', stores: [{ code: 'w', available: 1 }] }]);
    const times = fake.requests.map((r) => r.at);
    expect(times).toHaveLength(3);
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(950); // waited for Retry-After: 1
    expect(fake.uploads).toHaveLength(1);
  });

  it('gives up after maxRetries rate-limited answers with a retryable error', async () => {
    crm = make({ maxRetries: 2 });
    fake.fail(10, { type: 'status', status: 503 });
    const e = await caught(crm.getModule('sb'));
    expect(e).toMatchObject({ kind: 'rate-limited', retryable: true });
    expect(fake.requests).toHaveLength(3);
  });

  it('does not retry a refused key, and never puts the key in messages or logs', async () => {
    crm = createCrmClient({
      baseUrl: fake.url,
      apiKey: 'wrong-key-XYZ',
      http,
      log: logs.log,
      limiter: createRateLimiter(1000),
    });
    const e = await caught(crm.getModule('sb'));
    expect(e).toMatchObject({ kind: 'auth', httpStatus: 401, errorMsg: 'Wrong "apiKey" value.' });
    expect(fake.requests).toHaveLength(1);
    expect(JSON.stringify(e) + e.message + logs.text()).not.toMatch(/wrong-key-XYZ|SECRET/);
  });

  it('times out a slow CRM with a retryable timeout error', async () => {
    crm = make({ timeoutMs: 100 });
    fake.fail(1, { type: 'slow', delayMs: 500 });
    const e = await caught(crm.getModule('sb'));
    expect(e).toMatchObject({ kind: 'timeout', retryable: true });
  });

  it('uploads in batches of at most 250 (or the configured size) and collects notFoundOffers', async () => {
    fake.offers.set('known', { id: 1, externalId: 'known', site: 's' });
    const offers = [
      { externalId: 'known', stores: [{ code: 'w', available: 1 }] },
      ...Array.from({ length: 600 }, (_, i) => ({ externalId: `u${i}`, stores: [{ code: 'w', available: 1 }] })),
    ];
    const progress: number[] = [];
    const res = await crm.uploadInventories(offers, { site: 'main-shop', onBatch: (done) => progress.push(done) });
    expect(fake.uploads.map((u) => u.offers.length)).toEqual([250, 250, 101]);
    expect(fake.uploads[0].site).toBe('main-shop');
    expect(res).toMatchObject({ batches: 3, processedOffersCount: 1 });
    expect(res.notFoundOffers).toHaveLength(600);
    expect(progress).toEqual([250, 500, 601]);
    const small = make({ batchSize: 100 });
    await small.uploadInventories(offers.slice(0, 150));
    expect(fake.uploads.slice(3).map((u) => u.offers.length)).toEqual([100, 50]);
  });

  it('never sends an empty upload', async () => {
    expect(await crm.uploadInventories([])).toMatchObject({ batches: 0 });
    expect(fake.requests).toHaveLength(0);
  });

  it('keeps to 10 requests in any second across concurrent callers sharing one limiter', async () => {
    crm = make({ limiter: createRateLimiter(10) });
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        crm.uploadInventories([{ externalId: `x${i}`, stores: [{ code: 'w', available: i }] }]),
      ),
    );
    expect(fake.uploads).toHaveLength(25);
    expect(fake.maxPerSecond()).toBeLessThanOrEqual(10);
  });

  it('reads stock page by page with per-warehouse details', async () => {
    for (let i = 0; i < 45; i++)
      fake.stock.set(
        `o${String(i).padStart(2, '0')}`,
        new Map([
          ['w1', i],
          ['w2', 1],
        ]),
      );
    const pages: number[] = [];
    for await (const page of crm.iterateInventories({ limit: 20, filter: { details: 1 } })) pages.push(page.length);
    expect(pages).toEqual([20, 20, 5]);
    const first = await crm.getInventories({ page: 1, limit: 20, filter: { details: 1 } });
    expect(first.offers[1]).toMatchObject({
      externalId: 'o01',
      stores: [
        { store: 'w1', quantity: 1 },
        { store: 'w2', quantity: 1 },
      ],
    });
    expect(fake.requests.at(-1)!.query.get('filter[details]')).toBe('1');
  });

  it('edits an order by externalId or by id with the order as a JSON field', async () => {
    const o = fake.addOrder('ORD-1');
    await crm.editOrder({
      ref: 'ORD-1',
      by: 'externalId',
      site: 'main-shop',
      order: { shipped: true, shipmentStore: 'main', shipmentDate: '2026-11-22' },
    });
    await crm.editOrder({ ref: String(o.id), by: 'id', order: { shipped: false } });
    expect(fake.orderEdits.map((e) => [e.ref, e.by, e.site])).toEqual([
      ['ORD-1', 'externalId', 'main-shop'],
      [String(o.id), 'id', undefined],
    ]);
    const e = await caught(crm.editOrder({ ref: 'missing', by: 'externalId', order: { shipped: true } }));
    expect(e).toMatchObject({ kind: 'not-found' });
  });
});
